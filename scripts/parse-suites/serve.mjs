// Shared pieces of the scripts that run Parse's own test suites against `cloudfn serve` (a developer recipe,
// not part of `npm test`): start and stop the built `bin/cloudfn.js serve` on a fresh database, and run
// jasmine in this process with a reporter that counts specs per file and keeps each failure's first line.

import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { setTimeout, clearTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';

const cli = resolve(fileURLToPath(import.meta.url), '../../../bin/cloudfn.js');

/**
 * Starts `cloudfn serve` in a new temporary folder (so its database, files and CocoBASE folder are empty)
 * and resolves once it prints its Parse URL. `changed()` tells whether anything was written since, `running()`
 * whether it still runs.
 */
export function startServe({ cloud, port = 1337, appId, masterKey, args = [] }) {
  const dir = mkdtempSync(join(tmpdir(), 'cloudfn-suite-'));
  const child = spawn(process.execPath, [cli, 'serve', '--port', String(port), '--cloud', cloud, '--db', join(dir, 'local.db'),
    '--app-id', appId, '--master-key', masterKey, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  // The harness may end abruptly (a spec file that throws while jasmine loads it): serve must not outlive it.
  const orphan = () => child.kill('SIGKILL');
  process.once('exit', orphan);
  let output = '';
  child.stdout.on('data', (chunk) => { output += chunk; });
  child.stderr.on('data', (chunk) => { output += chunk; });
  const fingerprint = () => readdirSync(dir, { recursive: true }).sort()
    .map((name) => { const stat = statSync(join(dir, name)); return `${name}:${stat.size}:${stat.mtimeMs}`; }).join('|');
  return new Promise((done, fail) => {
    const onExit = (code) => fail(new Error(`cloudfn serve exited with ${code}:\n${output}`));
    child.once('exit', onExit);
    const watch = () => {
      if (!/Parse API at /.test(output)) return;
      child.stdout.off('data', watch);
      child.off('exit', onExit);
      const fresh = fingerprint();
      done({
        url: `http://localhost:${port}/parse`,
        output: () => output,
        changed: () => fingerprint() !== fresh,
        running: () => child.exitCode === null && child.signalCode === null,
        stop: () => new Promise((stopped) => {
          process.off('exit', orphan);
          const end = () => { rmSync(dir, { recursive: true, force: true }); stopped(); };
          if (child.exitCode !== null || child.signalCode !== null) return end();
          const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
          child.once('exit', () => { clearTimeout(kill); end(); });
          child.kill('SIGTERM');
        }),
      });
    };
    child.stdout.on('data', watch);
  });
}

/**
 * Runs jasmine (resolved from `modulesDir`, the suite checkout) over `specFiles` with `helpers` first, in
 * file order, and resolves to `{ files: Map<file, {passed, failed, skipped}>, failures: [{file, name, error}] }`.
 * `classify(result)` may name a reason to count a failed spec as out of scope instead (`skipped`).
 */
export async function runJasmine({ modulesDir, specDir, helpers, specFiles, timeout = 20_000, classify = () => undefined, onSpec = () => {} }) {
  const Jasmine = createRequire(join(modulesDir, 'package.json'))('jasmine');
  const runner = new Jasmine({ projectBaseDir: specDir });
  runner.exitOnCompletion = false;
  runner.clearReporters();
  runner.loadConfig({ spec_dir: '.', helpers, spec_files: specFiles, random: false, stopSpecOnExpectationFailure: false });
  runner.jasmine.DEFAULT_TIMEOUT_INTERVAL = timeout;
  const files = new Map();
  const failures = [];
  const outOfScope = [];
  runner.addReporter({
    specDone(result) {
      const file = basename(result.filename ?? '?');
      const counts = files.get(file) ?? { passed: 0, failed: 0, skipped: 0 };
      files.set(file, counts);
      const error = result.failedExpectations[0]?.message.split('\n')[0] ?? '';
      const reason = result.status === 'failed' ? classify(result) : undefined;
      if (reason) { counts.skipped += 1; outOfScope.push({ file, name: result.fullName, reason }); }
      else if (result.status === 'passed') counts.passed += 1;
      else if (result.status === 'failed') { counts.failed += 1; failures.push({ file, name: result.fullName, error }); }
      else counts.skipped += 1;
      onSpec(result, reason);
    },
  });
  await runner.execute();
  return { files, failures, outOfScope };
}

/** Prints a table of passed/failed per file, the totals, and each failing spec with its first error line. */
export function printResults({ files, failures, outOfScope }, log = console.log) {
  let passed = 0;
  let failed = 0;
  for (const [file, counts] of [...files].sort()) {
    passed += counts.passed;
    failed += counts.failed;
    log(`${file.padEnd(32)} ${String(counts.passed).padStart(4)} passed ${String(counts.failed).padStart(4)} failed${counts.skipped ? ` ${counts.skipped} skipped` : ''}`);
  }
  log(`${'total'.padEnd(32)} ${String(passed).padStart(4)} passed ${String(failed).padStart(4)} failed (${passed} of ${passed + failed})`);
  if (outOfScope.length) log(`\nout of scope (${outOfScope.length}):\n${outOfScope.map((spec) => `  ${spec.file} › ${spec.name}: ${spec.reason}`).join('\n')}`);
  if (failures.length) log(`\nfailing (${failures.length}):\n${failures.map((spec) => `  ${spec.file} › ${spec.name}\n      ${spec.error}`).join('\n')}`);
  return { passed, failed };
}
