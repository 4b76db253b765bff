// The query language (the spec's §4) as data: test/fixtures/query/cases.json lists (filters → expected ids,
// in db.query's order) over test/fixtures/query/fixture.json. Every row is run through the data service (the
// SQL compiler of runtime/cocobase/query/) and through queryReference.py, a second implementation in plain
// Python run by the machine's python3; both must give the row's ids.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { importFixture } from '../../runtime/store/fixtures';
import { repoRoot } from '../helpers';
import { openHarness, type Harness } from '../store/support';

interface Case { on: string; filters: Record<string, unknown>; sort?: string; order?: string; ids: string[] }

const fixtureFile = path.join(repoRoot, 'test', 'fixtures', 'query', 'fixture.json');
const casesFile = path.join(repoRoot, 'test', 'fixtures', 'query', 'cases.json');
const cases = JSON.parse(fs.readFileSync(casesFile, 'utf8')) as Case[];
const label = (c: Case) => `${c.on} ${JSON.stringify(c.filters)}${c.sort ? ` sort=${c.sort} ${c.order}` : ''}`;

let h: Harness;
before(async () => {
  h = await openHarness();
  importFixture(h.store, JSON.parse(fs.readFileSync(fixtureFile, 'utf8')), { replace: true });
});

/** The ids db.query (or db.query_users) gives for a case. */
function ids(c: Case): string[] {
  const page = { '**': c.filters, limit: 100, ...(c.sort ? { sort: c.sort, order: c.order } : {}) };
  const result = c.on === 'users' ? h.call('query_users', page) : h.call('query', { collection_name: c.on, ...page });
  assert.equal(result.total, result.data.length, 'total counts every match');
  return result.data.map((record: { id: string }) => record.id);
}

describe('the data service', () => {
  for (const c of cases) test(label(c), () => assert.deepEqual(ids(c), c.ids));
});

describe('the Python reference implementation', () => {
  let reference: string[][];
  before(() => {
    const run = spawnSync('python3', [path.join(__dirname, 'queryReference.py'), fixtureFile, casesFile], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    reference = JSON.parse(run.stdout) as string[][];
  });
  cases.forEach((c, index) => test(label(c), () => assert.deepEqual(reference[index], c.ids)));
});
