// Shared test helpers: temporary folders, running the real CLI as a child process, and matching results
// against expectations written as data ("<id>", "<timestamp>" and "<any>" placeholders).

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import type { RunRequest } from '../runtime/cocobase/run';

export const repoRoot = path.resolve(__dirname, '..');
export const cliPath = path.join(repoRoot, 'bin', 'cloudfn.js');

/** A fresh temporary folder, removed when the process exits. */
export function tempDir(prefix = 'cloudfn-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/cloudfn.js ...args` and waits for it. */
export function runCli(args: string[], options: { cwd?: string; input?: string; timeoutMs?: number } = {}): CliResult {
  const child = spawnSync(process.execPath, [cliPath, ...args], {
    cwd: options.cwd ?? repoRoot,
    input: options.input,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60_000,
  });
  return { code: child.status, stdout: child.stdout, stderr: child.stderr };
}

/** Runs the CLI with --json and parses its single JSON object. */
export function runCliJson(args: string[], options: { cwd?: string } = {}): { code: number | null; json: Record<string, unknown>; stderr: string } {
  const result = runCli([...args, '--json'], options);
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(result.stdout) as Record<string, unknown>;
  } catch {
    throw new Error(`stdout is not one JSON object (exit ${result.code}):\n${result.stdout}\nstderr:\n${result.stderr}`);
  }
  return { code: result.code, json, stderr: result.stderr };
}

const placeholders: Record<string, (value: unknown) => boolean> = {
  '<id>': (value) => typeof value === 'string' && value.length > 0,
  '<timestamp>': (value) => typeof value === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/.test(value),
  '<any>': () => true,
};

/** Asserts that `actual` matches `expected`, where placeholder strings match a kind of value. */
export function assertMatches(actual: unknown, expected: unknown, where = 'result'): void {
  if (typeof expected === 'string' && expected in placeholders) {
    assert.ok(placeholders[expected]!(actual), `${where}: expected ${expected}, got ${JSON.stringify(actual)}`);
  } else if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${where}: expected an array, got ${JSON.stringify(actual)}`);
    assert.equal(actual.length, expected.length, `${where}: length`);
    expected.forEach((item, index) => assertMatches(actual[index], item, `${where}[${index}]`));
  } else if (expected !== null && typeof expected === 'object') {
    assert.ok(actual !== null && typeof actual === 'object' && !Array.isArray(actual), `${where}: expected an object, got ${JSON.stringify(actual)}`);
    assert.deepEqual(Object.keys(actual as object).sort(), Object.keys(expected).sort(), `${where}: keys`);
    for (const [key, value] of Object.entries(expected)) assertMatches((actual as Record<string, unknown>)[key], value, `${where}.${key}`);
  } else {
    assert.deepEqual(actual, expected, where);
  }
}

/** Writes a Python source into a temporary file and returns its path. */
export function writeFunction(dir: string, name: string, source: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, source);
  return file;
}

/** A run request for an in-process PythonSupervisor, with an empty POST request. */
export function runRequest(source: string, extra: Partial<RunRequest> = {}): RunRequest {
  return {
    source, filename: 'fn.py', user: null, timeoutMs: 10_000,
    request: { payload: {}, query: {}, headers: {}, method: 'POST', timestamp: new Date().toISOString() },
    ...extra,
  };
}
