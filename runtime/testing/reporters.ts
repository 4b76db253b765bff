// What `cloudfn test` prints: a readable summary naming each failing test with its differences, or a
// machine-readable report: JUnit XML (the common schema CI systems read: testsuites › testsuite › testcase
// with failure/error), JSON, or TAP version 13.

import type { TestFile, TestOutcome } from './runner';
import type { Mismatch } from './matchers';
import { actualFor } from './expectations';

export const reporterNames = ['summary', 'junit', 'json', 'tap'] as const;
export type ReporterName = (typeof reporterNames)[number];

/** What a report covers: every outcome, the files that could not be read, and the run's duration. */
export interface TestReport {
  outcomes: readonly TestOutcome[];
  fileErrors: readonly string[];
  totalMs: number;
}

/** The differences of a failed test, one per line: `path: message`. */
export function mismatchText(mismatches: readonly Mismatch[]): string {
  return mismatches.map((mismatch) => (mismatch.path ? `${mismatch.path}: ${mismatch.message}` : mismatch.message)).join('\n');
}

/** The counts of a report. */
function counts(report: TestReport): { passed: number; failed: number; errors: number } {
  const of = (status: TestOutcome['status']): number => report.outcomes.filter((outcome) => outcome.status === status).length;
  return { passed: of('passed'), failed: of('failed'), errors: of('error') + report.fileErrors.length };
}

/** The one line a test gets as it finishes in the readable summary. */
export function progressLine(outcome: TestOutcome): string {
  const mark = outcome.status === 'passed' ? '✔' : '✘';
  return `${mark} ${outcome.test.id} (${outcome.ms.toFixed(1)} ms)`;
}

/** The readable summary's end: each failing test with its differences, then the counts. */
export function summaryText(report: TestReport): string {
  const lines: string[] = [];
  for (const error of report.fileErrors) lines.push(`✘ ${error}`);
  const failing = report.outcomes.filter((outcome) => outcome.status !== 'passed');
  if (failing.length) lines.push('', 'Failures:');
  for (const outcome of failing) {
    lines.push('', `✘ ${outcome.test.id}${outcome.status === 'error' ? ' (could not run)' : ''}`);
    for (const line of mismatchText(outcome.mismatches).split('\n')) lines.push(`    ${line}`);
    const traceback = outcome.run?.traceback;
    if (typeof traceback === 'string' && traceback && outcome.mismatches.some((mismatch) => mismatch.path === 'success' || mismatch.path === 'result')) {
      for (const line of traceback.trimEnd().split('\n')) lines.push(`    │ ${line}`);
    }
  }
  const { passed, failed, errors } = counts(report);
  lines.push('', `${passed} passed, ${failed} failed${errors ? `, ${errors} ${errors === 1 ? 'error' : 'errors'}` : ''} (${report.outcomes.length} tests in ${(report.totalMs / 1000).toFixed(2)} s)`);
  return lines.join('\n') + '\n';
}

function xml(text: string): string {
  // XML 1.0 forbids most control characters even as references; they are dropped.
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** JUnit XML: one testsuite per payloads file, one testcase per test (classname: the file, name: the entry). */
export function junitXml(report: TestReport, files: readonly TestFile[]): string {
  const { failed, errors } = counts(report);
  const seconds = (ms: number): string => (ms / 1000).toFixed(3);
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="cloudfn" tests="${report.outcomes.length + report.fileErrors.length}" failures="${failed}" errors="${errors}" time="${seconds(report.totalMs)}">`];
  for (const file of files) {
    const outcomes = report.outcomes.filter((outcome) => outcome.test.payloadsFile === file.payloadsFile);
    if (!outcomes.length && !file.error) continue;
    const suiteName = outcomes[0]?.test.id.split(' › ')[0] ?? file.payloadsFile;
    const of = (status: TestOutcome['status']): number => outcomes.filter((outcome) => outcome.status === status).length;
    const time = outcomes.reduce((sum, outcome) => sum + outcome.ms, 0);
    lines.push(`  <testsuite name="${xml(suiteName)}" tests="${outcomes.length + (file.error ? 1 : 0)}" failures="${of('failed')}" errors="${of('error') + (file.error ? 1 : 0)}" skipped="0" time="${seconds(time)}">`);
    if (file.error) {
      lines.push(`    <testcase name="(file)" classname="${xml(suiteName)}" time="0.000">`, `      <error message="${xml(file.error)}" type="PayloadFileError"/>`, '    </testcase>');
    }
    for (const outcome of outcomes) {
      const open = `    <testcase name="${xml(outcome.test.name)}" classname="${xml(suiteName)}" time="${seconds(outcome.ms)}"`;
      if (outcome.status === 'passed') {
        lines.push(open + '/>');
        continue;
      }
      const text = mismatchText(outcome.mismatches);
      const tag = outcome.status === 'failed' ? 'failure' : 'error';
      lines.push(open + '>', `      <${tag} message="${xml(text.split('\n')[0]!)}" type="${tag === 'failure' ? 'ExpectationFailed' : 'TestError'}">${xml(text)}</${tag}>`);
      const output = outcome.run?.output;
      if (typeof output === 'string' && output) lines.push(`      <system-out>${xml(output)}</system-out>`);
      lines.push('    </testcase>');
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return lines.join('\n') + '\n';
}

/** JSON: the counts, and each test with its status, time and differences; a failed test also has its expectation and what the run gave for it. */
export function jsonReport(report: TestReport): string {
  return JSON.stringify({
    ...counts(report),
    total: report.outcomes.length,
    time_ms: Math.round(report.totalMs * 1000) / 1000,
    file_errors: report.fileErrors,
    tests: report.outcomes.map((outcome) => ({
      file: outcome.test.payloadsFile,
      name: outcome.test.name,
      status: outcome.status,
      time_ms: Math.round(outcome.ms * 1000) / 1000,
      mismatches: outcome.mismatches,
      ...(outcome.status === 'failed' && outcome.run ? { expected: outcome.test.entry.expect, actual: actualFor(outcome.test.entry.expect, outcome.run) } : {}),
    })),
  }, null, 2) + '\n';
}

/** TAP version 13, the differences of a failing test in its YAML block. */
export function tapReport(report: TestReport): string {
  const lines = ['TAP version 13', `1..${report.outcomes.length + report.fileErrors.length}`];
  let number = 0;
  for (const error of report.fileErrors) lines.push(`not ok ${++number} - ${error}`);
  for (const outcome of report.outcomes) {
    lines.push(`${outcome.status === 'passed' ? 'ok' : 'not ok'} ${++number} - ${outcome.test.id}`);
    if (outcome.status !== 'passed') {
      lines.push('  ---', `  status: ${outcome.status}`, '  mismatches:');
      for (const mismatch of outcome.mismatches) lines.push(`    - ${JSON.stringify(mismatch.path ? `${mismatch.path}: ${mismatch.message}` : mismatch.message)}`);
      lines.push('  ...');
    }
  }
  return lines.join('\n') + '\n';
}
