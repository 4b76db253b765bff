// The run panel's "Test failed" section: a failing test of the Testing view (one test of the JSON report of
// `cloudfn test`), as plain data for the webview: the test's name (`file › entry`), its differences, and its
// expectation beside what the run gave as diff lines. Pure: no VS Code API.

import { lineDiff } from '../../../runtime/testing/snapshots';
import { mismatchText } from '../../../runtime/testing/reporters';

/** One test of the JSON report of `cloudfn test` (runtime/testing/reporters.ts). */
export interface ReportedTest {
  file: string;
  name: string;
  status: 'passed' | 'failed' | 'error';
  time_ms: number;
  mismatches: Array<{ path: string; message: string }>;
  /** A failed test's expectation and what the run gave for each of its keys. */
  expected?: Record<string, unknown>;
  actual?: Record<string, unknown>;
}

/** What the "Test failed" section shows. */
export interface TestFailureView {
  /** `greet.py › greets by name`. */
  name: string;
  /** `failed` (the run differs from the expectation) or `error` (the test could not run). */
  status: 'failed' | 'error';
  /** The differences, one per line: `result.message: expected "Hello, Ada!", got "Hello Ada!"`. */
  mismatches: string[];
  /** The expectation (`-`) beside what the run gave (`+`) as JSON lines, ` ` for a line both share; empty when the test could not run. */
  diff: Array<{ kind: ' ' | '-' | '+'; text: string }>;
}

/** The section for a test of a report, named after its function (or cloud) file `fileLabel`; null for a passed test. */
export function testFailureView(test: ReportedTest, fileLabel: string): TestFailureView | null {
  if (test.status === 'passed') return null;
  const mismatches = mismatchText(test.mismatches).split('\n');
  const diff = test.expected && test.actual
    ? lineDiff(JSON.stringify(test.expected, null, 2), JSON.stringify(test.actual, null, 2)).map((line) => ({ kind: line[0] as ' ' | '-' | '+', text: line.slice(2) }))
    : [];
  return { name: `${fileLabel} › ${test.name}`, status: test.status, mismatches, diff };
}
