// The runtime's differential test: every valid file of the corpus (test/fixtures/corpus/valid) runs through
// cloudfn's runtime (one Pyodide worker, a fresh database per file) and through the machine's CPython with the
// stub db/request of cpython_api.py (one python3 process for the whole corpus). Results are compared as the
// JSON text Python's json.dumps gives, with the error type of a failure and the print() output. The only
// differences allowed are the version differences the corpus README lists: `# python: 3.12+` files, which the
// machine's python3 cannot compile, and files whose 3.14 result differs from 3.11's; both state the runtime's
// result in a `# result:` header (and the latter python3 3.11's in a `# cpython-3.11:` one).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PythonSupervisor } from '../../runtime/cocobase/supervisor';
import type { RunResult } from '../../runtime/cocobase/run';
import { indentJsonText, runResultJson } from '../../runtime/cocobase/resultText';
import { repoRoot, runRequest, tempDir } from '../helpers';

const corpusDir = path.join(repoRoot, 'test', 'fixtures', 'corpus');
const validDir = path.join(corpusDir, 'valid');
const files = fs.readdirSync(validDir).filter((name) => name.endsWith('.py')).sort();
const dir = tempDir();
const dbPath = path.join(dir, 'corpus.db');

interface CPythonAnswer {
  compile: { message: string; line: number } | null;
  result?: string;
  error?: string;
  output?: string;
}

/** The machine's CPython answers for the whole corpus, from one python3 process. */
function runOracle(): Promise<Record<string, CPythonAnswer>> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['cpython_oracle.py', '--run', ...files.map((name) => path.join('valid', name))], { cwd: corpusDir });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('error', reject);
    child.on('close', (code) => code === 0 ? resolve(JSON.parse(stdout) as Record<string, CPythonAnswer>)
      : reject(new Error(`python3 cpython_oracle.py exited with ${code}: ${stderr}`)));
  });
}

/** The `# key: value` header lines of a corpus file. */
function headers(source: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const match of source.matchAll(/^# ([a-z0-9.+-]+): (.*)$/gm)) found.set(match[1]!, match[2]!);
  return found;
}

/** What a run returned as CPython's json.dumps of the returned value: a `(body, status)` tuple is a list there. */
function returnedJson(result: RunResult): string {
  return result.status_code === null ? result.result_json : `[${result.result_json}, ${result.status_code}]`;
}

let supervisor: PythonSupervisor;
let oracle: Record<string, CPythonAnswer>;
/** The JSON text of every successful run, for the test of the readable report. */
const resultTexts: string[] = [];

before(async () => {
  supervisor = new PythonSupervisor({ dbPath });
  [oracle] = await Promise.all([runOracle(), supervisor.start()]);
});
after(() => supervisor.dispose());

test(`the corpus has at least 100 valid files (${files.length})`, () => {
  assert.ok(files.length >= 100);
});

for (const name of files) {
  test(`runs as CPython runs it: ${name}`, async () => {
    const source = fs.readFileSync(path.join(validDir, name), 'utf8');
    const header = headers(source);
    // Each file starts from an empty database, as the oracle's stub does; the worker re-reads a removed file as empty.
    fs.rmSync(dbPath, { force: true });
    const result = await supervisor.run(runRequest(source, {
      filename: name,
      request: {
        payload: JSON.parse(header.get('payload') ?? '{}') as Record<string, unknown>,
        query: JSON.parse(header.get('query') ?? '{}') as Record<string, string>,
        headers: JSON.parse(header.get('headers') ?? '{}') as Record<string, string>,
        method: 'POST',
        timestamp: '2024-01-01T00:00:00Z',
      },
    }));
    const answer = oracle[path.join('valid', name)]!;
    // `cloudfn run --json` writes the result's text verbatim inside the run result.
    const envelope = runResultJson(result);
    assert.ok(envelope.includes(`"result":${result.result_json},`));
    assert.deepEqual(JSON.parse(envelope), (({ result_json: _text, ...rest }) => rest)(result));
    if (result.success) resultTexts.push(result.result_json);
    if (header.get('python') === '3.12+') {
      // A version difference: the machine's python3 (3.11) cannot compile the file; its result is in the header.
      assert.notEqual(answer.compile, null, `python3 compiled ${name}: drop its '# python: 3.12+' line`);
      assert.equal(result.error, null, `${result.traceback}`);
      assert.equal(returnedJson(result), header.get('result'));
      return;
    }
    assert.equal(answer.compile, null, `python3 cannot compile ${name}`);
    if (answer.error !== undefined) {
      assert.equal(result.error, answer.error, 'the error differs from CPython\'s');
    } else if (header.has('cpython-3.11')) {
      // A version difference: the runtime gives the `# result:`, python3 that or (3.11) the `# cpython-3.11:` one.
      assert.equal(result.error, null, `${result.traceback}`);
      assert.equal(returnedJson(result), header.get('result'));
      assert.ok([header.get('result'), header.get('cpython-3.11')].includes(answer.result), `python3 gave ${answer.result}`);
    } else {
      assert.equal(result.error, null, `${result.traceback}`);
      assert.equal(returnedJson(result), answer.result, 'the result differs from CPython\'s json.dumps');
    }
    assert.equal(result.output, answer.output, 'the print() output differs from CPython\'s');
  });
}

test('the readable report indents every result as Python\'s json.dumps(value, indent=2, ensure_ascii=False)', () => {
  const python = spawnSync('python3', ['-c', 'import json, sys\nprint(json.dumps([json.dumps(json.loads(text), indent=2, ensure_ascii=False) for text in json.load(sys.stdin)]))'],
    { input: JSON.stringify(resultTexts), encoding: 'utf8' });
  const expected = JSON.parse(python.stdout) as string[];
  assert.equal(expected.length, resultTexts.length);
  resultTexts.forEach((text, index) => assert.equal(indentJsonText(text), expected[index]));
});
