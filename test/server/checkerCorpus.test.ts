// The checker's differential test against external oracles, on the corpus in test/fixtures/corpus. Valid files
// (valid/*.py, ordinary Python inside the sandbox's whitelist, each runnable under CPython with the stub globals
// of cpython_api.py) must get no error from `cloudfn check`'s analysis, compile with the machine's python3 and
// run there. Each file of errors/*.py has one real error, stated in its header (`# expect: CODE LINE`), that the
// checker must report alone, and an oracle that must agree: `compile` (python3's compile() reports the same line
// and message, or the 3.11 message a `# cpython-3.11:` line lists as a version difference), `pyright` (Pyright
// 1.1.414 with the `cloudfn stubs` output as builtins reports an error on that line) or `policy (reason)` (a
// sandbox rule no oracle knows; python3 must compile the file). Each oracle runs once for the whole corpus.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkSource, type CheckedDiagnostic } from '../../server/analysis/checkSource';
import type { CPythonSyntaxResult } from '../../server/analysis/cpythonSyntax';
import { PythonCompiler } from '../../server/pythonCompiler';
import { builtinsStub } from '../../server/stubs';

const corpusDir = path.join(__dirname, '..', 'fixtures', 'corpus');
const repoRoot = path.join(__dirname, '..', '..');

function listPython(folder: string): string[] {
  const dir = path.join(corpusDir, folder);
  return fs.readdirSync(dir).filter((name) => name.endsWith('.py')).sort().map((name) => path.join(dir, name));
}

const validFiles = listPython('valid');
const errorFiles = listPython('errors');

/** The `# key: value` lines of a corpus file. */
function headers(source: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const match of source.matchAll(/^# ([a-z0-9.-]+): (.*)$/gm)) found.set(match[1]!, match[2]!);
  return found;
}

interface CPythonAnswer {
  compile: { message: string; line: number } | null;
  result?: string;
  error?: string;
}

interface Oracles {
  /** The checker's diagnostics, with the runtime's CPython (Pyodide) compiling every file. */
  checked: Map<string, CheckedDiagnostic[]>;
  /** The machine's python3: compile() for every file, and a run of every valid file. */
  cpython: Record<string, CPythonAnswer>;
  /** Pyright's error lines (1-based) per file, and the errors it reports in the stub itself. */
  pyright: Map<string, number[]>;
  stubErrors: string[];
}

const oracles = {} as Oracles;
const compiler = new PythonCompiler();
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudfn-corpus-'));
after(() => {
  compiler.stop();
  fs.rmSync(scratch, { recursive: true, force: true });
});

/** Runs Pyright once on the error corpus and on a file that uses the stub's datetime, with the stub as builtins. */
function runPyright(): Pick<Oracles, 'pyright' | 'stubErrors'> {
  fs.mkdirSync(path.join(scratch, 'typings'));
  fs.writeFileSync(path.join(scratch, 'typings', '__builtins__.pyi'), builtinsStub());
  fs.writeFileSync(path.join(scratch, 'pyrightconfig.json'), JSON.stringify({ stubPath: 'typings', pythonVersion: '3.13' }));
  for (const file of errorFiles) fs.copyFileSync(file, path.join(scratch, path.basename(file)));
  fs.writeFileSync(path.join(scratch, 'stub_datetime.py'), [
    'def main():',
    '    day = datetime.date(2024, 2, 28)',
    '    now = datetime.now()',
    '    return day, now.date(), now.time(), now.tzinfo, datetime.fromordinal(738000).date(), datetime(2024, 1, 1).date()',
    '',
  ].join('\n'));
  const run = spawnSync(process.execPath, [path.join(repoRoot, 'node_modules', 'pyright', 'index.js'), '--outputjson', '-p', scratch,
    path.join(scratch, 'typings', '__builtins__.pyi'), ...fs.readdirSync(scratch).filter((n) => n.endsWith('.py')).map((n) => path.join(scratch, n))],
  { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const report = JSON.parse(run.stdout) as { generalDiagnostics: { file: string; severity: string; message: string; range: { start: { line: number } } }[] };
  const pyright = new Map<string, number[]>();
  const stubErrors: string[] = [];
  for (const diagnostic of report.generalDiagnostics) {
    if (diagnostic.severity !== 'error') continue;
    const name = path.basename(diagnostic.file);
    if (name === '__builtins__.pyi' || name === 'stub_datetime.py') stubErrors.push(`${name}:${diagnostic.range.start.line + 1}: ${diagnostic.message}`);
    else pyright.set(name, [...(pyright.get(name) ?? []), diagnostic.range.start.line + 1]);
  }
  return { pyright, stubErrors };
}

before(async () => {
  const python = spawnSync('python3', [path.join(corpusDir, 'cpython_oracle.py'), '--run', ...validFiles, ...errorFiles],
    { encoding: 'utf8', cwd: corpusDir, maxBuffer: 64 * 1024 * 1024 });
  if (python.error || python.status !== 0) {
    throw new Error(`python3 is needed for the corpus test (Debian: apt-get install python3): ${python.error?.message ?? python.stderr}`);
  }
  oracles.cpython = JSON.parse(python.stdout) as Record<string, CPythonAnswer>;
  Object.assign(oracles, runPyright());
  oracles.checked = new Map();
  for (const file of [...validFiles, ...errorFiles]) {
    const text = fs.readFileSync(file, 'utf8');
    const exact: CPythonSyntaxResult = await compiler.compile(text);
    oracles.checked.set(file, checkSource(text, undefined, exact));
  }
}, { timeout: 180_000 });

const errorsOf = (file: string) => oracles.checked.get(file)!.filter((d) => d.severity === 'error');

for (const file of validFiles) {
  test(`valid corpus: ${path.basename(file)}`, () => {
    const source = fs.readFileSync(file, 'utf8');
    assert.deepEqual(errorsOf(file).map((d) => `${d.line}:${d.column} ${d.code} ${d.message}`), []);
    const cpython = oracles.cpython[file]!;
    if (headers(source).get('python') === '3.12+') {
      // A version difference: the runtime's Python (3.14) compiles it, the machine's python3 (3.11) does not.
      assert.notEqual(cpython.compile, null, 'python3 compiles a file marked 3.12+: drop the header');
      return;
    }
    assert.equal(cpython.compile, null);
    assert.equal(cpython.error, undefined, 'the file must run under CPython with the stub globals');
  });
}

for (const file of errorFiles) {
  test(`error corpus: ${path.basename(file)}`, () => {
    const source = fs.readFileSync(file, 'utf8');
    const header = headers(source);
    const [code, line] = header.get('expect')!.split(' ');
    const oracle = header.get('oracle')!;
    const errors = errorsOf(file);
    assert.deepEqual(errors.map((d) => `${d.code} ${d.line}`), [`${code} ${line}`], errors.map((d) => d.message).join('; '));
    const compiled = oracles.cpython[file]!.compile;
    if (oracle === 'compile') {
      assert.ok(compiled, 'python3 compiles a file whose oracle is compile');
      assert.equal(compiled.line, Number(line));
      assert.equal(compiled.message, header.get('cpython-3.11') ?? errors[0]!.message);
    } else {
      assert.equal(compiled, null, 'python3 must compile a file whose error is not a compile error');
    }
    if (oracle === 'pyright') assert.ok(oracles.pyright.get(path.basename(file))?.includes(Number(line)), 'Pyright reports no error on that line');
  });
}

test('the stub has no Pyright error, and its datetime is both the class and the module', () => {
  assert.deepEqual(oracles.stubErrors, []);
});

test('agreement with the oracles (printed)', (t) => {
  const pyrightFound = errorFiles.filter((file) => {
    const line = Number(headers(fs.readFileSync(file, 'utf8')).get('expect')!.split(' ')[1]);
    return oracles.pyright.get(path.basename(file))?.includes(line);
  });
  const compileFiles = errorFiles.filter((file) => oracles.cpython[file]!.compile);
  t.diagnostic(`valid files: ${validFiles.length}, error files: ${errorFiles.length} (compile errors: ${compileFiles.length})`);
  t.diagnostic(`Pyright reports an error on the expected line in ${pyrightFound.length} of ${errorFiles.length} error files`);
  assert.ok(validFiles.length >= 100 && errorFiles.length >= 60);
});
