// The steps of test/fixtures/parse/sdk-suite.json (requests behind Parse-SDK-JS specs, with Parse Server 9.10's
// answers) and their replay against a Parse REST URL: `cloudfn serve` in sdkSuite.test.ts, parse-server 9.10
// on PostgreSQL in the peer suite's sdkSuite.peer.ts, so that the expected answers are checked against both.

import fs from 'node:fs';
import path from 'node:path';
import { assertMatches, repoRoot } from '../helpers';
import { rest } from './serveProcess';

interface Step {
  save?: string;
  method: string;
  path: string;
  body?: Record<string, unknown>;
  as?: string;
  installationId?: string;
  expect: { status: number; body?: unknown };
}
export interface Scenario { name: string; specs: string[]; steps: Step[] }

/** The scenarios of the fixture. */
export function sdkSuiteScenarios(): Scenario[] {
  const file = path.join(repoRoot, 'test', 'fixtures', 'parse', 'sdk-suite.json');
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { scenarios: Scenario[] }).scenarios;
}

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

/** Sends a scenario's steps to `url` (app id `appId`, master key `masterKey`) and asserts each answer. */
export async function replayScenario(url: string, scenario: Scenario): Promise<void> {
  const saved = new Map<string, Record<string, unknown>>();
  for (const [index, step] of scenario.steps.entries()) {
    const who = step.as === 'master' ? { masterKey: 'masterKey' } : step.as ? { sessionToken: saved.get(step.as)?.sessionToken as string } : {};
    Object.assign(who, step.installationId ? { installationId: step.installationId } : {});
    const answer = await rest(url, step.method, fill(step.path, saved) as string, fill(step.body ?? {}, saved) as Record<string, unknown>, who);
    const where = `step ${index + 1} (${step.method} ${step.path})`;
    assertMatches(answer.status, step.expect.status, `${where} status, body ${JSON.stringify(answer.body)}`);
    if (step.expect.body !== undefined) assertMatches(answer.body, fill(step.expect.body, saved), `${where} body`);
    if (step.save) saved.set(step.save, answer.body as Record<string, unknown>);
  }
}
