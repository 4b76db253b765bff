// The Cloud Code of one app: its entry file (cloud/main.js) loaded with plain `require` (full Node: the user's
// npm modules load as on Parse Server) into the app's registry. Loading is also the one way of reloading: the
// file and its local modules are required again, and a version that does not load leaves the previous one
// registered. What triggers a reload is the caller's: the editor's host reloads when a source file of the
// cloud folder changed (loadIfChanged), `serve` on each change it is told of (watch).

import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { CloudRegistry } from './registry';

/** The Cloud Code file could not be loaded (missing, or it threw: syntax error, failing require). */
export class CloudLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CloudLoadError';
  }
}

/** The error of a cloud file that does not exist. */
export const missingCloudFile = (file: string): CloudLoadError => new CloudLoadError(`cannot read cloud code '${file}': no such file`);

/** Node's require (a variable keeps bundlers from following it): user code and its npm modules load as on Parse Server. */
const nodeRequire = createRequire(__filename);

export class CloudCode {
  /** The cloud folder's signature when it was last loaded through loadIfChanged(). */
  private signature: string | undefined;

  /** `file` is undefined for an app without Cloud Code. */
  constructor(readonly file: string | undefined, private readonly registry: CloudRegistry) {}

  /** Loads (or reloads) the cloud file: the registry is emptied and the file and its local modules re-required. */
  load(): void {
    this.signature = undefined;
    const file = this.file;
    if (!file) return;
    const resolved = path.resolve(file);
    if (!fs.existsSync(resolved)) throw missingCloudFile(file);
    const folder = path.dirname(resolved) + path.sep;
    for (const key of Object.keys(nodeRequire.cache)) {
      if (key.startsWith(folder) && !key.includes(`${path.sep}node_modules${path.sep}`)) delete nodeRequire.cache[key];
    }
    const previous = this.registry.snapshot();
    this.registry.clear();
    try {
      delete nodeRequire.cache[resolved];
      nodeRequire(resolved);
    } catch (error) {
      this.registry.restore(previous);
      throw new CloudLoadError(describeLoadError(file, error));
    }
  }

  /** Loads the cloud file when a source file of its folder changed since the last call (or it never loaded); true when it did. */
  loadIfChanged(): boolean {
    if (!this.file) return false;
    if (!fs.existsSync(this.file)) throw missingCloudFile(this.file);
    const signature = folderSignature(path.dirname(path.resolve(this.file)));
    if (signature === this.signature) return false;
    this.load();
    this.signature = signature;
    return true;
  }

  /**
   * Reloads after each change of a source file in the cloud file's folder (30 ms after the last of a burst);
   * `onReload` gets the error of a version that does not load (the previous one stays registered). Other
   * files there — the database, its journal and lock when they sit beside the code — never reload it.
   */
  watch(onReload: (error?: unknown) => void): void {
    const file = this.file;
    if (!file || !fs.existsSync(file)) return;
    this.signature ??= folderSignature(path.dirname(path.resolve(file)));
    let timer: NodeJS.Timeout | undefined;
    fs.watch(file.replace(/[^/\\]+$/, '') || '.', { recursive: false }, (_event, name) => {
      if (name && !sourceFileName.test(name) && !fs.existsSync(path.join(path.dirname(file), name, '.'))) return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        try {
          if (!this.loadIfChanged()) return;
        } catch (error) {
          onReload(error);
          return;
        }
        onReload();
      }, 30);
    }).unref();
  }
}

/** A one-line description of why the cloud file failed to load, with file:line for syntax errors. */
function describeLoadError(file: string, error: unknown): string {
  if (error instanceof SyntaxError && error.stack) {
    const where = error.stack.split('\n')[0]!;
    return `cloud code ${file} has a syntax error: ${error.message} (${where.replace(process.cwd() + path.sep, '')})`;
  }
  if (error instanceof Error) {
    const frame = error.stack?.split('\n').find((line) => line.includes(path.resolve(file)));
    return `cloud code ${file} failed to load: ${error.name}: ${error.message}${frame ? ` (${frame.trim().replace(/^at /, '')})` : ''}`;
  }
  return `cloud code ${file} failed to load: ${String(error)}`;
}

/** The files whose change reloads cloud code: scripts and JSON. */
const sourceFileName = /\.(c|m)?js$|\.json$/;

/** Names, sizes and modification times of the folder's source files (not node_modules): changes when one is edited. */
function folderSignature(folder: string, limit = 2000): string {
  const parts: string[] = [];
  const walk = (dir: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (parts.length >= limit || entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (sourceFileName.test(entry.name)) {
        try {
          const stat = fs.statSync(full);
          parts.push(`${full}:${stat.size}:${stat.mtimeMs}`);
        } catch {
          // Deleted meanwhile.
        }
      }
    }
  };
  walk(folder);
  return parts.join('\n');
}
