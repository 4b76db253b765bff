// `cloudfn test [PATH…]`: runs the expectations of the payloads files under the paths (the current folder by
// default) in one warm runtime over a throwaway database, and reports them: a readable summary with each
// failing test's differences, or JUnit XML, JSON or TAP. Exit 0 when every test passes, 1 on any failure,
// 2 for usage errors. `--update-snapshots` writes what the runs gave as expectations, showing the diff.

import fs from 'node:fs';
import path from 'node:path';
import { CliUsageError, parseFlags, positiveNumberFlag } from './argv';
import { version } from './version';
import { findPayloadsFiles, loadTestFile, runTests, testCaseOf, TestPathError, type TestCase, type TestFile, type TestOutcome } from '../runtime/testing/runner';
import { jsonReport, junitXml, progressLine, reporterNames, summaryText, tapReport, type ReporterName, type TestReport } from '../runtime/testing/reporters';
import { recordExpectation } from '../runtime/testing/expectations';
import { lineDiff, withExpectations } from '../runtime/testing/snapshots';

export const testUsage = `usage: cloudfn test [PATH]... [--filter NAME] [--reporter summary|junit|json|tap] [--output FILE]
       [--update-snapshots] [--timeout SECONDS] [--memory MB]`;

export async function testCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, {
    filter: { type: 'string' },
    reporter: { type: 'string' },
    output: { type: 'string' },
    'update-snapshots': { type: 'boolean' },
    timeout: { type: 'string' },
    memory: { type: 'string' },
  });
  const reporter = (values.reporter ?? 'summary') as ReporterName;
  if (!reporterNames.includes(reporter)) throw new CliUsageError(`--reporter must be one of ${reporterNames.join(', ')}, got '${values.reporter}'`);
  if (values.output !== undefined && reporter === 'summary') throw new CliUsageError('--output needs --reporter junit, json or tap');
  const timeoutMs = positiveNumberFlag('timeout', values.timeout, 20) * 1000;
  const memoryLimitMb = positiveNumberFlag('memory', values.memory, 512);
  const update = values['update-snapshots'] === true;
  const filter = values.filter;
  const roots = positionals.length ? positionals : ['.'];

  const cwd = process.cwd();
  const { files, tests, selected } = collectTests(roots, cwd, filter);
  if (update) {
    // Plain payloads (entries without `expect`) become tests in snapshot mode.
    for (const file of files) {
      for (const entry of file.payloads.filter((payload) => selected(payload.name))) {
        tests.push(testCaseOf(file, { ...entry, expect: {} }, cwd));
      }
    }
  }
  const fileErrors = files.flatMap((file) => (file.error ? [file.error] : []));
  if (!tests.length && !fileErrors.length) {
    process.stderr.write(`cloudfn: no tests under ${roots.join(' ')}${filter !== undefined ? ` matching '${filter}'` : ''} (a test is a payloads entry with "expect", or a Parse params entry with "$expect")\n`);
    return 1;
  }

  const live = reporter === 'summary' && !update;
  const { outcomes, stats } = await runTests(tests, {
    timeoutMs, memoryLimitMb, userAgent: `cloudfn/${version}`,
    onOutcome: live ? (outcome) => process.stdout.write(progressLine(outcome) + '\n') : undefined,
  });
  const report: TestReport = { outcomes, fileErrors, totalMs: stats.totalMs };
  if (update) return writeSnapshots(outcomes, report);

  if (reporter === 'summary') {
    process.stdout.write(summaryText(report));
  } else {
    const text = reporter === 'junit' ? junitXml(report, files) : reporter === 'json' ? jsonReport(report) : tapReport(report);
    if (values.output !== undefined) {
      try {
        fs.mkdirSync(path.dirname(path.resolve(values.output)), { recursive: true });
        fs.writeFileSync(values.output, text);
      } catch (error) {
        throw new CliUsageError(`cannot write --output '${values.output}': ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
      }
      process.stdout.write(summaryText(report));
    } else {
      process.stdout.write(text);
    }
  }
  return report.outcomes.every((outcome) => outcome.status === 'passed') && !fileErrors.length ? 0 : 1;
}

/** The test files under the paths, read relative to `cwd`, and their tests whose name contains `filter`. Throws CliUsageError for a path that does not exist. */
export function collectTests(roots: readonly string[], cwd: string, filter?: string): { files: TestFile[]; tests: TestCase[]; selected: (name: string) => boolean } {
  let payloadsFiles: string[];
  try {
    payloadsFiles = findPayloadsFiles(roots, cwd);
  } catch (error) {
    if (error instanceof TestPathError) throw new CliUsageError(error.message);
    throw error;
  }
  const files = payloadsFiles.map((file) => loadTestFile(file, cwd));
  const selected = (name: string): boolean => filter === undefined || name.includes(filter);
  return { files, tests: files.flatMap((file) => file.tests.filter((test) => selected(test.name))), selected };
}

/** Snapshot mode: records the runs of failing tests and new tests in their files, printing each diff. */
function writeSnapshots(outcomes: readonly TestOutcome[], report: TestReport): number {
  const byFile = new Map<string, Map<string, Record<string, unknown>>>();
  const lines: string[] = [];
  for (const outcome of outcomes) {
    const isNew = Object.keys(outcome.test.entry.expect).length === 0;
    // Parse tests keep their expectations: snapshot mode writes payloads files only.
    if ((outcome.status !== 'failed' && !isNew) || !outcome.run || outcome.test.parse) continue;
    const recorded = recordExpectation(outcome.run);
    const expectations = byFile.get(outcome.test.payloadsFile) ?? new Map<string, Record<string, unknown>>();
    byFile.set(outcome.test.payloadsFile, expectations);
    expectations.set(outcome.test.name, recorded);
    const before = isNew ? '' : JSON.stringify(outcome.test.entry.expect, null, 2);
    lines.push(`${before ? '~ updated' : '+ recorded'} ${outcome.test.id}`, ...lineDiff(before, JSON.stringify(recorded, null, 2)).map((line) => `    ${line}`));
  }
  for (const [file, expectations] of byFile) fs.writeFileSync(file, withExpectations(fs.readFileSync(file, 'utf8'), expectations));
  const errored = outcomes.filter((outcome) => outcome.status === 'error');
  for (const outcome of errored) lines.push(`✘ ${outcome.test.id} could not run: ${outcome.mismatches[0]?.message ?? ''}`);
  for (const error of report.fileErrors) lines.push(`✘ ${error}`);
  const written = [...byFile.values()].reduce((sum, map) => sum + map.size, 0);
  lines.push('', `${written} expectations written in ${byFile.size} files, ${outcomes.length - written - errored.length} unchanged; review them with your diff tool (git diff) before committing`);
  process.stdout.write(lines.join('\n') + '\n');
  return errored.length || report.fileErrors.length ? 1 : 0;
}
