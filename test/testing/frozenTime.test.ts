// A test's "now" freezes the wall clock the function reads, for the whole run: datetime.now()/utcnow(),
// date.today(), time.time() and the store's timestamps, checked against the machine's CPython (python3) for
// the same instant, which gives the expected values' types and formatting. Without "now" the clock runs.

import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../helpers';
import { loadTestFile, runTests } from '../../runtime/testing/runner';

const frozen = '2024-05-01T12:00:00.250Z';

/** The clock's readings, as a function reports them. */
const clockFunction = `def main():
    first = datetime.now()
    time.sleep(0.02)
    doc = db.create_document("events", {"at": datetime.now()})
    doc = db.update_document_fields("events", doc["id"], {"seen": True})
    return {
        "str": str(datetime.now()),
        "repr": repr(datetime.now()),
        "iso": datetime.now().isoformat(),
        "utc": datetime.utcnow().isoformat(),
        "aware": datetime.now(datetime.timezone.utc).isoformat(),
        "today": str(datetime.date.today()),
        "time": round(time.time(), 6),
        "gmtime": time.strftime("%a, %d %b %Y %H:%M:%S", time.gmtime()),
        "localtime": list(time.localtime())[:6],
        "type": type(datetime.now()).__name__,
        "unchanged": first == datetime.now(),
        "stored": [doc["data"]["at"], doc["created_at"], doc["updated_at"]],
    }
`;

/** What CPython gives for the same readings at the instant `frozen` (TZ=UTC, as functions run). */
const oracle = `import datetime, json, time
ts = datetime.datetime.fromisoformat("${frozen.replace('Z', '+00:00')}").timestamp()
d = datetime.datetime.fromtimestamp(ts)
print(json.dumps({
    "str": str(d), "repr": repr(d), "iso": d.isoformat(),
    "utc": datetime.datetime.utcfromtimestamp(ts).isoformat(),
    "aware": datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).isoformat(),
    "today": str(datetime.date.fromtimestamp(ts)), "time": round(ts, 6),
    "gmtime": time.strftime("%a, %d %b %Y %H:%M:%S", time.gmtime(ts)),
    "localtime": list(time.localtime(ts))[:6], "type": type(d).__name__, "unchanged": True,
    "stored": [d.isoformat(), "${frozen}", "${frozen}"],
}))
`;

test('"now" freezes what the function reads as the current time, as CPython formats that instant', async () => {
  const cpython = spawnSync('python3', ['-W', 'ignore', '-c', oracle], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
  assert.equal(cpython.status, 0, cpython.stderr);
  const expected = JSON.parse(cpython.stdout) as Record<string, unknown>;
  assert.equal(expected.str, '2024-05-01 12:00:00.250000');

  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'clock.py'), clockFunction);
  fs.writeFileSync(path.join(dir, 'clock.payloads.json'), JSON.stringify({
    frozen: { now: frozen, expect: { result: expected } },
    'frozen again, from the same state': { now: frozen, expect: { result: expected } },
    running: { expect: { result: { time: '$gt:1714564801', unchanged: false, type: 'datetime', $partial: true } } },
  }));
  const { tests } = loadTestFile(path.join(dir, 'clock.payloads.json'), dir);
  const { outcomes } = await runTests(tests, { userAgent: 'cloudfn-test' });
  assert.deepEqual(outcomes.map((outcome) => [outcome.test.name, outcome.status, outcome.mismatches]), [
    ['frozen', 'passed', []],
    ['frozen again, from the same state', 'passed', []],
    ['running', 'passed', []],
  ]);
});
