// The project of a cloud function (spec §6): the nearest `cloudfn.json` in the function's folder or above
// (project_id, config, http_mocks, static_base_url), the git-ignored `cloudfn.secrets.json` beside it, the
// templates of its `templates/` folder and the function's own mocks (`<name>.http.json` beside it). Read on
// the host side for each run and handed to the sandbox as the run's context, so that the Python process never
// needs to read the project's files. Errors in these files are usage errors naming the file.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { isObject } from '../jsonValues';
import { UsageError } from '../usageError';
import { readRegularFile, UnreadableFileError } from '../userFiles';
import type { HttpMock, RunContext } from './run';

export const projectFileName = 'cloudfn.json';
export const secretsFileName = 'cloudfn.secrets.json';
/** Where templates may call static(path) by default: the local server's URL of the project's static/ folder. */
export const defaultStaticBaseUrl = 'http://localhost:8787/static';
const defaultProjectId = 'local';
/** Limits of the templates read for one run. */
const maxTemplates = 1000;
const maxTemplateBytes = 8 * 2 ** 20;

/**
 * The nearest project file in `folder` or above, or undefined. Anything but a folder counts, so that a FIFO
 * or a device named cloudfn.json is refused with a clear error when read rather than silently skipped.
 */
export function findProjectFile(folder: string): string | undefined {
  for (let dir = path.resolve(folder); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, projectFileName);
    if (fs.existsSync(candidate) && !fs.statSync(candidate).isDirectory()) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** The largest project, secrets or mocks file read. */
const maxProjectFileBytes = 8 * 2 ** 20;

/** The JSON of a project, secrets or mocks file, read as every user-named file is; UsageError naming the file. */
export function readProjectJson(file: string): unknown {
  let text: string;
  try {
    // Read as every user-named file is: a FIFO or a folder here is an error, never a hang.
    const read = readRegularFile(file, maxProjectFileBytes);
    if (!read) throw new UnreadableFileError(file, 'no such file');
    text = read.bytes.toString('utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${error instanceof UnreadableFileError ? error.reason : String(error)}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * Checks the mocks of a file: a list of {method?, url, status?, headers?, json? | body? | error?}; each is
 * tagged with `file` (its file's name), which the calls it answers report.
 */
function readMocks(value: unknown, where: string, file: string): HttpMock[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new UsageError(`${where} must be a list of http mocks`);
  return value.map((mock, index) => {
    const at = `${where}[${index}]`;
    if (!isObject(mock) || typeof mock.url !== 'string' || mock.url === '') throw new UsageError(`${at} needs a "url" string`);
    if (mock.method !== undefined && (typeof mock.method !== 'string' || !/^[A-Za-z]+$/.test(mock.method))) {
      throw new UsageError(`${at}.method must be an HTTP method name`);
    }
    if (mock.status !== undefined && !(Number.isInteger(mock.status) && (mock.status as number) >= 100 && (mock.status as number) <= 599)) {
      throw new UsageError(`${at}.status must be an HTTP status (100 to 599)`);
    }
    if (mock.body !== undefined && typeof mock.body !== 'string') throw new UsageError(`${at}.body must be a string (use "json" for JSON)`);
    if (mock.headers !== undefined && !(isObject(mock.headers) && Object.values(mock.headers).every((v) => typeof v === 'string'))) {
      throw new UsageError(`${at}.headers must be an object of strings`);
    }
    if (mock.error !== undefined && typeof mock.error !== 'string') throw new UsageError(`${at}.error must be a string`);
    return { ...mock, file } as unknown as HttpMock;
  });
}

/** The text files under `folder` by path relative to it (with `/`), within the limits. */
function readTemplates(folder: string): Record<string, string> {
  const templates: Record<string, string> = {};
  if (!fs.existsSync(folder)) return templates;
  let count = 0;
  let bytes = 0;
  const walk = (dir: string, prefix: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full, `${prefix}${entry.name}/`);
      else if (entry.isFile()) {
        const text = fs.readFileSync(full, 'utf8');
        count += 1;
        bytes += Buffer.byteLength(text);
        if (count > maxTemplates || bytes > maxTemplateBytes) {
          throw new UsageError(`${folder} holds more templates than a run reads (${maxTemplates} files, ${maxTemplateBytes / 2 ** 20} MB)`);
        }
        templates[`${prefix}${entry.name}`] = text;
      }
    }
  };
  walk(folder, '');
  return templates;
}

/**
 * What git's answer for the secrets file depends on, as one string: the `.gitignore` files from its folder up to
 * the work tree's root and that repository's `info/exclude` (modification time and size of each, or "-").
 */
function ignoreRulesSignature(secretsFile: string): string {
  const parts: string[] = [];
  const stamp = (file: string): string => {
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    return stat ? `${stat.mtimeMs}:${stat.size}` : '-';
  };
  for (let dir = path.dirname(secretsFile); ; dir = path.dirname(dir)) {
    parts.push(stamp(path.join(dir, '.gitignore')));
    if (fs.existsSync(path.join(dir, '.git'))) {
      parts.push(stamp(path.join(dir, '.git', 'info', 'exclude')));
      break;
    }
    if (path.dirname(dir) === dir) break;
  }
  return parts.join('|');
}

/** The last answer of git per secrets file, kept while its ignore rules are unchanged (git costs a process). */
const secretsWarnings = new Map<string, { signature: string; warning: string | undefined }>();

/** A warning when git would track the secrets file (it is in a git work tree and not ignored). */
function secretsWarning(secretsFile: string): string | undefined {
  const signature = ignoreRulesSignature(secretsFile);
  const known = secretsWarnings.get(secretsFile);
  if (known?.signature === signature) return known.warning;
  const check = spawnSync('git', ['check-ignore', '-q', path.basename(secretsFile)], { cwd: path.dirname(secretsFile), stdio: 'ignore' });
  // 0: ignored; 1: not ignored; 128 (or no git): not a work tree.
  const warning = check.status === 1
    ? `${secretsFile} is not ignored by git: add ${secretsFileName} to .gitignore so that its secrets are never committed`
    : undefined;
  secretsWarnings.set(secretsFile, { signature, warning });
  return warning;
}

/**
 * The context of a run of the function at `functionPath`: its project's id, config, secrets, templates and
 * mocks. Without a project file: the defaults (project "local", no config, no mocks) and no templates.
 */
export function loadRunContext(functionPath: string | undefined, allowNetwork = false): RunContext {
  const context: RunContext = {
    project_file: null, project_id: defaultProjectId, config: {}, secrets: {}, templates: {}, http_mocks: [],
    static_base_url: defaultStaticBaseUrl, allow_network: allowNetwork, mock_hint: 'an http mock (http_mocks in cloudfn.json)', warnings: [],
  };
  if (!functionPath) return context;
  const functionFile = path.resolve(functionPath);
  const ownMocksFile = functionFile.replace(/\.py$/, '') + '.http.json';
  context.mock_hint = `an http mock to ${path.basename(ownMocksFile)} or to http_mocks in ${projectFileName}`;
  const ownMocks = fs.existsSync(ownMocksFile) ? readMocks(readProjectJson(ownMocksFile), ownMocksFile, path.basename(ownMocksFile)) : [];
  const projectFile = findProjectFile(path.dirname(functionFile));
  if (!projectFile) return { ...context, http_mocks: ownMocks };
  const project = readProjectJson(projectFile);
  if (!isObject(project)) throw new UsageError(`${projectFile} must hold a JSON object`);
  if (project.project_id !== undefined && (typeof project.project_id !== 'string' || project.project_id === '')) {
    throw new UsageError(`${projectFile}: "project_id" must be a non-empty string`);
  }
  if (project.config !== undefined && !isObject(project.config)) throw new UsageError(`${projectFile}: "config" must be an object`);
  if (project.static_base_url !== undefined && (typeof project.static_base_url !== 'string' || project.static_base_url === '')) {
    throw new UsageError(`${projectFile}: "static_base_url" must be a non-empty string`);
  }
  const root = path.dirname(projectFile);
  const secretsFile = path.join(root, secretsFileName);
  let secrets: Record<string, unknown> = {};
  const warnings: string[] = [];
  if (fs.existsSync(secretsFile)) {
    const read = readProjectJson(secretsFile);
    if (!isObject(read)) throw new UsageError(`${secretsFile} must hold a flat JSON object of secret values`);
    secrets = read;
    const warning = secretsWarning(secretsFile);
    if (warning) warnings.push(warning);
  }
  return {
    ...context,
    project_file: projectFile,
    project_id: (project.project_id as string | undefined) ?? defaultProjectId,
    config: (project.config as Record<string, unknown> | undefined) ?? {},
    secrets,
    templates: readTemplates(path.join(root, 'templates')),
    http_mocks: [...ownMocks, ...readMocks(project.http_mocks, `${projectFile}: "http_mocks"`, projectFileName)],
    static_base_url: (project.static_base_url as string | undefined) ?? defaultStaticBaseUrl,
    warnings,
  };
}

/** The texts to redact in a run's output: the secret values, as text (strings as they are, others as JSON). */
export function secretTexts(context: Pick<RunContext, 'secrets'>): string[] {
  return Object.values(context.secrets)
    .map((value) => (typeof value === 'string' ? value : JSON.stringify(value)))
    .filter((text) => text.length >= minRedactedLength);
}

/** Secret values shorter than this are not redacted: they would blank out ordinary words and numbers. */
export const minRedactedLength = 4;

/** Replaces every secret value in `text` by `[redacted]` (longest first, so that overlapping values go whole). */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(secret).join('[redacted]');
  return out;
}
