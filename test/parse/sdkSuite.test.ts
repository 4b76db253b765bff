// The requests behind Parse-SDK-JS integration specs that once failed against `cloudfn serve`
// (scripts/parse-suites/sdk.mjs), replayed as data: test/fixtures/parse/sdk-suite.json holds each scenario's
// steps and the answers Parse Server 9.10 gives them.

import { test, before, after } from 'node:test';
import fs from 'node:fs';
import path from 'node:path';
import { assertMatches, repoRoot, tempDir } from '../helpers';
import { rest, startServe, type Served } from './serveProcess';

interface Step {
  save?: string;
  method: string;
  path: string;
  body?: Record<string, unknown>;
  as?: string;
  installationId?: string;
  expect: { status: number; body?: unknown };
}
interface Scenario { name: string; specs: string[]; steps: Step[] }

const fixture = JSON.parse(fs.readFileSync(path.join(repoRoot, 'test', 'fixtures', 'parse', 'sdk-suite.json'), 'utf8')) as { scenarios: Scenario[] };

let served: Served;
before(async () => { served = await startServe(['--db', path.join(tempDir(), 'sdk-suite.db')]); });
after(() => served.stop());

/** `value` with each `${name.key}` in its strings replaced by that key of a saved body. */
function fill(value: unknown, saved: Map<string, Record<string, unknown>>): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{(\w+)\.(\w+)\}/g, (_match, name: string, key: string) => {
      const found = saved.get(name)?.[key];
      if (typeof found !== 'string') throw new Error(`no ${name}.${key} saved before this step`);
      return found;
    });
  }
  if (Array.isArray(value)) return value.map((item) => fill(item, saved));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fill(item, saved)]));
  return value;
}

for (const scenario of fixture.scenarios) {
  test(`${scenario.name} (${scenario.specs.join('; ')})`, async () => {
    const saved = new Map<string, Record<string, unknown>>();
    for (const [index, step] of scenario.steps.entries()) {
      const who = step.as === 'master' ? { masterKey: 'masterKey' } : step.as ? { sessionToken: saved.get(step.as)?.sessionToken as string } : {};
      Object.assign(who, step.installationId ? { installationId: step.installationId } : {});
      const answer = await rest(served.url, step.method, fill(step.path, saved) as string, fill(step.body ?? {}, saved) as Record<string, unknown>, who);
      const where = `step ${index + 1} (${step.method} ${step.path})`;
      assertMatches(answer.status, step.expect.status, `${where} status, body ${JSON.stringify(answer.body)}`);
      if (step.expect.body !== undefined) assertMatches(answer.body, fill(step.expect.body, saved), `${where} body`);
      if (step.save) saved.set(step.save, answer.body as Record<string, unknown>);
    }
  });
}
