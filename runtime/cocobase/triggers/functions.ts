// The functions of a CocoBASE project as the triggers name them: a function's id is its `.py` path relative to
// the project folder without `.py` (`reports/daily`), read from disk on every run so that an edited file is
// served at once (hot reload); a schedule's `file.entry` calls a module-level function of `file.py`; and the
// two URL shapes of the spec (`/functions/{project}/func/{name}`, `/functions/{name}/execute`).

import fs from 'node:fs';
import path from 'node:path';

/** The largest function file read, as the CLI reads one. */
const maxSourceBytes = 4 * 2 ** 20;

/** A function ready to run: its file, its text and the name tracebacks show. */
export interface FunctionCode {
  id: string;
  file: string;
  source: string;
  /** The path shown in tracebacks: relative to the project folder. */
  filename: string;
}

/** Whether `id` can name a function: folders joined by `/`, no `..`, no absolute path, no backslash. */
export function isFunctionId(id: string): boolean {
  return id !== '' && !id.startsWith('/') && !id.includes('\\') && id.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}

/** The file of function `id` of the project at `root`. */
export function functionFileOf(root: string, id: string): string {
  return path.join(root, `${id}.py`);
}

/** A function file's id in its project (`reports/daily` for `<root>/reports/daily.py`), or undefined outside it. */
export function functionIdOf(root: string, file: string): string | undefined {
  const relative = path.relative(root, file);
  if (!relative.endsWith('.py') || relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
  return relative.slice(0, -'.py'.length).split(path.sep).join('/');
}

/** The current text of function `id` of the project at `root`, or undefined when there is no such file. */
export function loadFunction(root: string, id: string): FunctionCode | undefined {
  if (!isFunctionId(id)) return undefined;
  const file = functionFileOf(root, id);
  let source: string;
  try {
    const stats = fs.statSync(file);
    if (!stats.isFile() || stats.size > maxSourceBytes) return undefined;
    source = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  return { id, file, source, filename: `${id}.py` };
}

/** What a schedule runs: a file's `main`, or (`file.entry`) its module-level function `entry`. */
export interface ScheduleTarget {
  /** The function file's id (`reports/daily`). */
  id: string;
  /** The module-level function called instead of `main`, or null. */
  entry: string | null;
}

/**
 * The file a schedule's `function_name` names: `file` runs `main` of `file.py`; `file.entry` (when
 * `file.entry.py` is not itself a function) calls `entry()` of `file.py`. Undefined when neither file exists
 * (`exists` tells whether a function id has a file).
 */
export function scheduleTarget(functionName: string, exists: (id: string) => boolean): ScheduleTarget | undefined {
  if (exists(functionName)) return { id: functionName, entry: null };
  const dot = functionName.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const entry = functionName.slice(dot + 1);
  const id = functionName.slice(0, dot);
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(entry) && exists(id) ? { id, entry } : undefined;
}

/**
 * A schedule's function ready to run (see scheduleTarget): `file.entry` calls `entry()` with no arguments
 * through a `main` appended after the file's text, so line numbers are kept. Undefined when neither file exists.
 */
export function loadScheduledFunction(root: string, functionName: string): FunctionCode | undefined {
  // The file found is the target's (scheduleTarget answers with the last id `exists` found): it is read once.
  let code: FunctionCode | undefined;
  const target = scheduleTarget(functionName, (id) => (code = loadFunction(root, id)) !== undefined);
  if (!target || !code) return undefined;
  return target.entry === null ? code : { ...code, id: functionName, source: scheduledSource(code.source, target.entry) };
}

/** A file's text with a `main` that calls its module-level function `entry()` appended (line numbers kept). */
export function scheduledSource(source: string, entry: string): string {
  return `${source}\n\ndef main():\n    return ${entry}()\n`;
}

/** A local function URL's path, parsed: the project id it names (for the SDKs' shape) and the function id. */
export interface FunctionPath {
  projectId: string | undefined;
  name: string;
}

/**
 * The function a URL path names, in either shape, or undefined when the path is not a function URL. Path
 * segments are percent-decoded, so `reports%2Fdaily` and `reports/daily` both name `reports/daily`.
 */
export function parseFunctionPath(pathname: string): FunctionPath | undefined {
  let parts: string[];
  try {
    parts = pathname.split('/').map((part) => decodeURIComponent(part));
  } catch {
    return undefined;
  }
  if (parts[0] !== '' || parts[1] !== 'functions') return undefined;
  const rest = parts.slice(2);
  if (rest.length >= 3 && rest[1] === 'func') return { projectId: rest[0], name: rest.slice(2).join('/') };
  if (rest.length >= 2 && rest[rest.length - 1] === 'execute') return { projectId: undefined, name: rest.slice(0, -1).join('/') };
  return undefined;
}
