// Golden tests: every reference response of ../shared/docs/parse-reference.md (captured from Parse Server
// 9.10), replayed from test/fixtures/parse/golden.json through `cloudfn serve` (HTTP) and through the CLI
// (`parse call|save|delete|job --json`), with ids and dates matched by placeholders.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { assertMatches, repoRoot, runCliJson, tempDir } from '../helpers';
import { rest, startServe, type Served } from './serveProcess';

interface Step {
  name: string;
  method: string;
  path: string;
  body: Record<string, unknown>;
  master?: boolean;
  appId?: string;
  via?: string[];
  capture?: Record<string, string>;
  captureHeader?: Record<string, string>;
  waitFor?: string;
  log?: string;
  expect: { status: number; body: unknown };
}

const fixtures = path.join(repoRoot, 'test', 'fixtures', 'parse');
const golden = JSON.parse(fs.readFileSync(path.join(fixtures, 'golden.json'), 'utf8')) as { cloud: string; steps: Step[] };
const cloud = path.join(fixtures, golden.cloud);

/** The step with ${name} replaced by captured values. */
function resolve(step: Step, vars: Record<string, string>): Step {
  return JSON.parse(JSON.stringify(step).replace(/\$\{(\w+)\}/g, (_, name: string) => {
    assert.ok(vars[name], `${step.name}: \${${name}} was not captured`);
    return vars[name]!;
  })) as Step;
}

describe('golden: reference responses through serve', () => {
  let served: Served;
  before(async () => {
    served = await startServe(['--cloud', cloud, '--db', path.join(tempDir(), 'golden.db')]);
  });
  after(() => served.stop());

  it('answers every reference request as Parse Server 9.10 did', async () => {
    const vars: Record<string, string> = {};
    for (const raw of golden.steps) {
      const step = resolve(raw, vars);
      const options = { appId: step.appId, masterKey: step.master ? 'masterKey' : undefined };
      let response = await rest(served.url, step.method, step.path, step.body, options);
      for (let tries = 0; step.waitFor && (response.body as { status?: string }).status !== step.waitFor && tries < 200; tries++) {
        await new Promise((r) => setTimeout(r, 25));
        response = await rest(served.url, step.method, step.path, step.body, options);
      }
      assert.equal(response.status, step.expect.status, `${step.name}: status (body ${JSON.stringify(response.body)})`);
      assertMatches(response.body, step.expect.body, step.name);
      for (const [name, key] of Object.entries(step.capture ?? {})) vars[name] = (response.body as Record<string, string>)[key]!;
      for (const [name, header] of Object.entries(step.captureHeader ?? {})) vars[name] = response.headers.get(header)!;
    }
    assert.match(served.output(), /afterSave failed for Note/);
  });
});

describe('golden: reference responses through the CLI', () => {
  it('prints {status, body, logs} with the reference status and body, exit 0 for 2xx and 1 otherwise', () => {
    const db = path.join(tempDir(), 'golden-cli.db');
    const vars: Record<string, string> = {};
    for (const raw of golden.steps) {
      if (raw.via && !raw.via.includes('cli')) continue;
      const step = resolve(raw, vars);
      const [head, name, id] = step.path.split('/');
      const common = ['--cloud', cloud, '--db', db, ...(step.master ? ['--master'] : [])];
      let args: string[];
      if (head === 'functions') args = ['parse', 'call', name!, '--params', JSON.stringify(step.body)];
      else if (head === 'jobs') args = ['parse', 'job', name!, '--params', JSON.stringify(step.body)];
      else if (step.method === 'POST') args = ['parse', 'save', name!, '--data', JSON.stringify(step.body)];
      else if (step.method === 'PUT') args = ['parse', 'save', name!, '--id', id!, '--data', JSON.stringify(step.body)];
      else if (step.method === 'DELETE') args = ['parse', 'delete', name!, id!];
      else throw new Error(`${step.name}: no CLI form`);
      const { code, json, stderr } = runCliJson([...args, ...common]);
      assert.deepEqual(Object.keys(json).sort(), ['body', 'logs', 'status'], step.name);
      assert.equal(json.status, step.expect.status, `${step.name}: status (${JSON.stringify(json)}) ${stderr}`);
      assertMatches(json.body, step.expect.body, step.name);
      assert.equal(code, step.expect.status < 300 ? 0 : 1, `${step.name}: exit code`);
      if (step.log) assert.ok((json.logs as Array<{ message: string }>).some((entry) => entry.message.includes(step.log!)), `${step.name}: log ${step.log}`);
      for (const [varName, key] of Object.entries(step.capture ?? {})) vars[varName] = (json.body as Record<string, string>)[key]!;
    }
  });
});
