// Where a failed run failed, for both dialects: each line of a Python traceback or a Node.js stack with the
// place in a file it names, if any (`File "functions/hello.py", line 3`, `at fn (/w/cloud/main.js:12:5)`,
// a load error's `(/w/cloud/main.js:7)`), and whether that place is the user's code; the error said once
// (a line is added only when the message does not name it already). Pure, so tests need no editor.

import type { RunResult } from '../../../runtime/cocobase/run';

export interface SourceLocation {
  /** Absolute path. */
  file: string;
  /** One-based line. */
  line: number;
  column: number | null;
}

export interface TraceLine {
  text: string;
  /** The place the line names, when it is in the user's code (a link in the panel). */
  location?: SourceLocation;
}

/** A failed run's error as the panel and the editor show it. */
export interface RunFailureView {
  /** The message, said once. */
  summary: string;
  /** The traceback or stack, empty when it would only repeat the message. */
  trace: TraceLine[];
  /** Where the user's code failed (or was running when stopped), if known. */
  location: SourceLocation | null;
}

const pythonFrame = /File "([^"]+)", line (\d+)/;
const nodeLocation = /((?:\/|[A-Za-z]:[\\/])[^():\n]*?\.(?:c|m)?js|(?<![\w/.-])[\w.-][\w./-]*\.(?:c|m)?js):(\d+)(?::(\d+))?/;

/** The lines of a Python traceback; frames in the function file (as the run named it) are its locations. */
export function pythonTrace(traceback: string, file: string, label: string): TraceLine[] {
  return traceback.replace(/\n$/, '').split('\n').map((text) => {
    const match = pythonFrame.exec(text);
    const own = match && (match[1] === label || match[1] === file || file.endsWith('/' + match[1]));
    return own ? { text, location: { file, line: Number(match[2]), column: null } } : { text };
  });
}

/** Text with the workspace folders' paths made relative (`/w/cloud/main.js` → `cloud/main.js`). */
function relativeTo(text: string, roots: readonly string[]): string {
  return roots.reduce((shown, root) => shown.split(root.endsWith('/') ? root : root + '/').join(''), text);
}

/**
 * A path a message names, made absolute: a relative one is the cloud file's when it ends so, else a folder path
 * (`cloud/lib.js`) under the first root; a bare name (`cloudfn-deadline.js`, the runtime's own script) is none.
 */
function absolutePath(named: string, roots: readonly string[], cloudFile: string | undefined): string | undefined {
  if (named.startsWith('/') || /^[A-Za-z]:[\\/]/.test(named)) return named;
  if (cloudFile?.endsWith('/' + named)) return cloudFile;
  return named.includes('/') && roots.length ? `${roots[0]!.replace(/\/$/, '')}/${named}` : undefined;
}

/**
 * The lines of a Node.js stack or load error, paths shown relative to the workspace; places in files under
 * `roots` (not in node_modules) are locations. A relative path (a load error's) is resolved as absolutePath does.
 */
export function nodeTrace(text: string, roots: readonly string[], cloudFile?: string): TraceLine[] {
  return text.replace(/\n$/, '').split('\n').map((line) => {
    const match = nodeLocation.exec(line);
    const shown = relativeTo(line, roots);
    if (!match) return { text: shown };
    const file = absolutePath(match[1]!, roots, cloudFile);
    const user = file !== undefined && !/[\\/]node_modules[\\/]/.test(file) && roots.some((root) => file.startsWith(root.endsWith('/') ? root : root + '/'));
    return user ? { text: shown, location: { file, line: Number(match[2]), column: match[3] ? Number(match[3]) : null } } : { text: shown };
  });
}

/** The first place in the user's code a trace names (the innermost frame of a stack), if any. */
export function firstLocation(trace: readonly TraceLine[]): SourceLocation | null {
  return trace.find((line) => line.location)?.location ?? null;
}

/** The last place a Python traceback names in the function file: the innermost frame of the user's code. */
function lastLocation(trace: readonly TraceLine[]): SourceLocation | null {
  return [...trace].reverse().find((line) => line.location)?.location ?? null;
}

/**
 * A failed Python run's error: the message with its line unless it names it already (a run stopped by its
 * time limit: the line that was running), the traceback unless it is only the message again.
 */
export function pythonFailure(result: RunResult, file: string, label: string): RunFailureView {
  const message = result.error ?? 'the run failed';
  const trace = result.traceback ? pythonTrace(result.traceback, file, label) : [];
  const line = result.error_line ?? lastLocation(trace)?.line ?? null;
  const stopped = result.error_type === 'TimeoutError' || result.error_type === 'CancelledError' || result.error_type === 'MemoryError';
  const named = line === null || new RegExp(`\\bline ${line}\\b`).test(message);
  const summary = named ? message : `${message} (${stopped ? 'while running ' : ''}line ${line})`;
  const onlyMessage = trace.every((entry) => !entry.location) && trace.map((entry) => entry.text).join('\n').trim() === message.trim();
  return { summary, trace: onlyMessage ? [] : trace, location: line === null ? null : { file, line, column: null } };
}

/**
 * A failed Parse run's error: why it could not be sent (Cloud Code that does not load names its place), or
 * Parse Server's error with the stack of what Cloud Code threw.
 */
export function parseFailure(message: string, stack: string | undefined, roots: readonly string[], cloudFile?: string): RunFailureView {
  const trace = stack ? nodeTrace(stack, roots, cloudFile) : [];
  // Below the outermost frame of the user's code are the runtime's own frames: left out.
  const outermost = trace.map((line) => !!line.location).lastIndexOf(true);
  if (outermost >= 0 && outermost < trace.length - 1) trace.splice(outermost + 1, trace.length, { text: `    … ${trace.length - outermost - 1} frames of the runtime` });
  return { summary: relativeTo(message, roots), trace, location: firstLocation(stack ? trace : nodeTrace(message, roots, cloudFile)) };
}
