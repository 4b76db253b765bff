// Command-line parsing shared by the subcommands: flags via node:util parseArgs, and one error type whose
// message is printed on one line of stderr with exit code 2.

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseUserJson } from '../runtime/jsonLimits';
import { isObject } from '../runtime/jsonValues';
import { readRegularFile, UnreadableFileError } from '../runtime/userFiles';

/** The largest file a flag names (a source, payload or params file). */
const maxFlagFileBytes = 64 * 2 ** 20;

/** A usage error: bad flags, malformed payload, missing file. Exit code 2. */
export class CliUsageError extends Error {
  override name = 'CliUsageError';
}

export function parseFlags<T extends ParseArgsConfig['options']>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliUsageError(error instanceof Error ? error.message.split('\n')[0]! : String(error));
  }
}

/** Parses repeated `k=v` flags into an object. */
export function parsePairs(flag: string, values: string[] | undefined): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const value of values ?? []) {
    const eq = value.indexOf('=');
    if (eq <= 0) throw new CliUsageError(`--${flag} expects key=value, got '${value}'`);
    pairs[value.slice(0, eq)] = value.slice(eq + 1);
  }
  return pairs;
}

/** Reads `--flag JSON` or `--flag @file.json` into a JSON object. */
export function parseJsonObjectFlag(flag: string, value: string | undefined): Record<string, unknown> {
  if (value === undefined) return {};
  let text = value;
  if (value.startsWith('@')) {
    const file = value.slice(1);
    text = readFlagFile(file, `cannot read --${flag} file '${file}'`);
  }
  const parsed = parseUserJson(text);
  if ('invalid' in parsed) throw new CliUsageError(`malformed --${flag} JSON: ${parsed.invalid}`);
  const object = parsed.value;
  if (!isObject(object)) {
    throw new CliUsageError(`--${flag} must be a JSON object, got ${Array.isArray(object) ? 'an array' : JSON.stringify(object)}`);
  }
  if (parsed.tooDeep) throw new CliUsageError(`--${flag} is refused: ${parsed.tooDeep}`);
  return object;
}

/** Reads `--flag N`, a positive number (seconds, MB), or the fallback when the flag is absent. */
export function positiveNumberFlag(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new CliUsageError(`--${flag} must be a positive number, got '${value}'`);
  return number;
}

/** A time flag's value (`--now`, `--since`): an ISO 8601 time, as Date.parse reads it; else a usage error. */
export function isoTimeFlag(flag: string, value: string): Date {
  if (Number.isNaN(Date.parse(value))) throw new CliUsageError(`--${flag} must be an ISO 8601 time, got '${value}'`);
  return new Date(value);
}

/** Reads a source file named on the command line. */
export function readSourceFile(file: string | undefined, command: string): string {
  if (!file) throw new CliUsageError(`${command}: missing FILE argument`);
  return readFlagFile(file, `cannot read '${file}'`);
}

/** The text of a file named on the command line, at most maxFlagFileBytes; a usage error when unreadable. */
export function readFlagFile(file: string, what: string): string {
  try {
    const read = readRegularFile(file, maxFlagFileBytes);
    if (!read) throw new UnreadableFileError(file, 'no such file');
    return read.bytes.toString('utf8');
  } catch (error) {
    throw new CliUsageError(`${what}: ${error instanceof UnreadableFileError ? error.reason : String(error)}`);
  }
}

/** The database file: --db, or .cloudfn/local.db under the current folder. */
export const defaultDbPath = '.cloudfn/local.db';
