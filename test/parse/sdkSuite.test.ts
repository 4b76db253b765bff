// The requests behind Parse-SDK-JS integration specs that once failed against `cloudfn serve`
// (scripts/parse-suites/sdk.mjs), replayed as data: test/fixtures/parse/sdk-suite.json holds each scenario's
// steps and the answers Parse Server 9.10 gives them (the peer suite's sdkSuite.peer.ts checks those there).

import { test, before, after } from 'node:test';
import path from 'node:path';
import { tempDir } from '../helpers';
import { startServe, type Served } from './serveProcess';
import { replayScenario, sdkSuiteScenarios } from './sdkSuiteSteps';

let served: Served;
before(async () => { served = await startServe(['--db', path.join(tempDir(), 'sdk-suite.db')]); });
after(() => served.stop());

for (const scenario of sdkSuiteScenarios()) {
  test(`${scenario.name} (${scenario.specs.join('; ')})`, () => replayScenario(served.url, scenario));
}
