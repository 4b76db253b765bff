// Integers beyond 2^53 in filters keep every digit: the db filters of both API generations (equality, the
// comparison operators, `_in`/`_notin`, count_documents, find_one) select the same documents that CPython's
// own `==` and `<` select over the same values, and sums and maxima of them are exact. The expected answers are computed by the machine's python3.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { PythonSupervisor } from '../../runtime/cocobase/supervisor';
import { runRequest, tempDir } from '../helpers';

/** The documents, and each case as [name, db call, the same selection in plain Python over `docs`]. */
const documents = '[{"n": 2**60, "k": "a"}, {"n": 2**60 + 1, "k": "b"}, {"n": 2**70, "k": "c"}, {"n": -(2**62) - 3, "k": "d"}]';
const cases: [string, string, string][] = [
  ['older filters', 'ks(db.get_documents("big", filters={"n": 2**60 + 1}), True)', 'ks(d for d in docs if d["n"] == 2**60 + 1)'],
  ['older count', 'db.count_documents("big", {"n": 2**60 + 1})', 'len([d for d in docs if d["n"] == 2**60 + 1])'],
  ['eq', 'ks(db.query("big", n=2**60 + 1)["data"])', 'ks(d for d in docs if d["n"] == 2**60 + 1)'],
  ['ne', 'ks(db.query("big", n_ne=2**60 + 1)["data"])', 'ks(d for d in docs if d["n"] != 2**60 + 1)'],
  ['gt', 'ks(db.query("big", n_gt=2**60)["data"])', 'ks(d for d in docs if d["n"] > 2**60)'],
  ['gte', 'ks(db.query("big", n_gte=2**60 + 1)["data"])', 'ks(d for d in docs if d["n"] >= 2**60 + 1)'],
  ['lt', 'ks(db.query("big", n_lt=2**60 + 1)["data"])', 'ks(d for d in docs if d["n"] < 2**60 + 1)'],
  ['lte negative', 'ks(db.query("big", n_lte=-(2**62) - 3)["data"])', 'ks(d for d in docs if d["n"] <= -(2**62) - 3)'],
  ['in', 'ks(db.query("big", n_in=[2**60 + 1, 5])["data"])', 'ks(d for d in docs if d["n"] in [2**60 + 1, 5])'],
  ['notin', 'ks(db.query("big", n_notin=[2**60 + 1])["data"])', 'ks(d for d in docs if d["n"] not in [2**60 + 1])'],
  ['count with **filters', 'db.count_documents("big", n=2**60 + 1)', 'len([d for d in docs if d["n"] == 2**60 + 1])'],
  ['sum', 'db.aggregate_documents("big", "n", "sum", filters={"k_in": ["a", "b", "d"]})["value"]', 'sum(d["n"] for d in docs if d["k"] in ["a", "b", "d"])'],
  ['max', 'db.aggregate_documents("big", "n", "max", filters={"k_ne": "c"})["value"]', 'max(d["n"] for d in docs if d["k"] != "c")'],
  ['find_one', '(db.find_one("big", n=2**60 + 1) or {}).get("k")', 'next((d["k"] for d in docs if d["n"] == 2**60 + 1), None)'],
];
const helper = 'def ks(items, older=False):\n    return sorted((d["data"] if older else d)["k"] for d in items)\n';

let supervisor: PythonSupervisor;
before(async () => {
  supervisor = new PythonSupervisor({ dbPath: path.join(tempDir(), 'big.db') });
  await supervisor.start();
});
after(() => supervisor.dispose());

test('big integers in filters select what CPython selects', async () => {
  const runtimeSource = `${helper}def main():\n    for d in ${documents}:\n        db.create_document("big", d)\n`
    + `    return {${cases.map(([name, call]) => `${JSON.stringify(name)}: ${call}`).join(', ')}}\n`;
  const result = await supervisor.run(runRequest(runtimeSource));
  assert.equal(result.error, null, `${result.traceback}`);
  const cpythonSource = `import json\n${helper}docs = ${documents}\n`
    + `print(json.dumps({${cases.map(([name, , plain]) => `${JSON.stringify(name)}: ${plain}`).join(', ')}}))\n`;
  const cpython = spawnSync('python3', ['-c', cpythonSource], { encoding: 'utf8' });
  assert.equal(cpython.status, 0, cpython.stderr);
  assert.deepEqual(JSON.parse(result.result_json!), JSON.parse(cpython.stdout));
});
