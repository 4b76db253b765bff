// The expected answers of test/fixtures/parse/sdk-suite.json (the requests behind Parse-SDK-JS specs that
// sdkSuite.test.ts replays through `cloudfn serve`) checked against parse-server 9.10 on PostgreSQL: each
// scenario replayed there, with empty Cloud Code, must be answered exactly as the fixture says.

import { describe, it, before, after } from 'node:test';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../helpers';
import { replayScenario, sdkSuiteScenarios } from '../parse/sdkSuiteSteps';
import { startParseServer, startPostgres, type ParseServerPeer, type Postgres } from './peers';

describe('sdk-suite.json against parse-server 9.10', () => {
  let postgres: Postgres;
  let parseServer: ParseServerPeer;
  before(async () => {
    postgres = await startPostgres();
    const cloud = path.join(tempDir(), 'main.js');
    fs.writeFileSync(cloud, '// No Cloud Code: the fixture exercises the REST API alone.\n');
    parseServer = await startParseServer(postgres.url, cloud);
  });
  after(async () => {
    await parseServer?.stop();
    postgres?.stop();
  });
  for (const scenario of sdkSuiteScenarios()) {
    it(scenario.name, () => replayScenario(parseServer.url, scenario));
  }
});
