// The database of a test run: a throwaway file (in memory-backed /dev/shm where there is one), never the
// user's .cloudfn/local.db. Each fixture is loaded once into a template file, and the database file is that
// template while its tests run. A test's writes never reach the file: the runtime rolls every test's
// transaction back in memory at its end (RunRequest.discardWrites), which is the per-test reset. Only when the
// next test names another fixture are its template's bytes put in place (a copy and a rename; the runtime
// reloads the file before that run). A fixture's template is also cached between runs, by the fixture's
// bytes, in a folder of the user's own, so that a later `cloudfn test` does not load the fixture again.

import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Store } from '../store/store';
import { databasePaths } from '../store/databaseFile';
import { importFixture, FixtureError } from '../store/fixtures';
import { readRegularFile } from '../userFiles';
import { schemaVersion } from '../store/schema';

/** A fixture that cannot be read or loaded: a usage error of the test file naming it. */
export class TestFixtureError extends Error {
  override name = 'TestFixtureError';
}

export class TestDatabase {
  /** The file the runtime opens. */
  readonly dbPath: string;
  private readonly dir: string;

  /** The throwaway folder (Parse tests put their own database files here). */
  get folder(): string {
    return this.dir;
  }
  /** The template file of each fixture (by absolute path; '' for the empty database). */
  private readonly templates = new Map<string, Promise<string>>();
  /** Which fixture's template the database file holds now. */
  private current: string | undefined;
  /** Time spent putting templates in place (a change of fixture), in ms, and how many times. */
  readonly resets = { count: 0, totalMs: 0, maxMs: 0 };

  constructor() {
    const shm = '/dev/shm';
    const base = process.platform === 'linux' && fs.existsSync(shm) ? shm : os.tmpdir();
    this.dir = fs.mkdtempSync(path.join(base, 'cloudfn-test-'));
    this.dbPath = path.join(this.dir, 'test.db');
  }

  /** Makes the database hold `fixture` (an absolute path, or null for an empty database) as it was loaded. */
  async prepare(fixture: string | null): Promise<void> {
    const key = fixture ?? '';
    const template = await this.template(key);
    if (this.current === key) return;
    const started = performance.now();
    const paths = databasePaths(this.dbPath);
    const staged = `${paths.target}.staged`;
    fs.copyFileSync(template, staged);
    fs.renameSync(staged, paths.target);
    fs.rmSync(paths.journal, { force: true });
    this.current = key;
    const ms = performance.now() - started;
    this.resets.count++;
    this.resets.totalMs += ms;
    this.resets.maxMs = Math.max(this.resets.maxMs, ms);
  }

  /**
   * Forgets the loaded fixtures, so that the next test loads its fixture file again (a kept database between
   * runs, whose fixture files may have changed since).
   */
  forgetFixtures(): void {
    this.templates.clear();
    this.current = undefined;
  }

  /** Removes the throwaway folder. */
  dispose(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private template(key: string): Promise<string> {
    let template = this.templates.get(key);
    if (!template) {
      template = this.buildTemplate(key, path.join(this.dir, `template-${this.templates.size}.db`));
      this.templates.set(key, template);
    }
    return template;
  }

  /**
   * Loads a fixture into a new database file, or finds the one an earlier run built from the same bytes in
   * the template cache (then no SQLite is loaded in this process at all).
   */
  private async buildTemplate(fixture: string, file: string): Promise<string> {
    let bytes: Buffer = Buffer.alloc(0);
    if (fixture) {
      const read = readRegularFile(fixture, 256 * 2 ** 20);
      if (!read) throw new TestFixtureError(`fixture '${fixture}' does not exist`);
      bytes = read.bytes;
    }
    const cached = cachedTemplatePath(bytes);
    if (cached && fs.existsSync(cached)) return cached;
    const store = await Store.createEmpty(file);
    try {
      if (fixture) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(bytes.toString('utf8'));
        } catch (error) {
          throw new TestFixtureError(`fixture '${fixture}' is not valid JSON: ${(error as Error).message}`);
        }
        try {
          importFixture(store, parsed, { replace: true });
        } catch (error) {
          if (error instanceof FixtureError) throw new TestFixtureError(`fixture '${fixture}': ${error.message}`);
          throw error;
        }
      }
      store.save();
    } finally {
      store.close();
    }
    if (cached) {
      // Written aside and renamed, so that a concurrent run never reads half a file; a failure only loses the cache.
      const staged = `${cached}.${process.pid}.tmp`;
      try {
        fs.copyFileSync(file, staged);
        fs.renameSync(staged, cached);
      } catch {
        fs.rmSync(staged, { force: true });
      }
    }
    return file;
  }
}

/** Cached templates not used for this long are removed. */
const cacheLifetimeMs = 7 * 24 * 3600_000;

/**
 * Where the template of a fixture's bytes is cached between runs: a folder of this user's own in the temporary
 * folder (created 0700; not used when it is a link, someone else's, or open to others), one file per fixture
 * content, schema version and build of this code (a rebuilt runner does not trust older templates).
 * Undefined when there is no usable cache folder.
 */
function cachedTemplatePath(bytes: Buffer): string | undefined {
  const uid = process.getuid?.();
  const folder = path.join(os.tmpdir(), `cloudfn-fixture-templates-${uid ?? 'user'}`);
  try {
    fs.mkdirSync(folder, { mode: 0o700, recursive: true });
    const stats = fs.lstatSync(folder);
    if (!stats.isDirectory() || (uid !== undefined && stats.uid !== uid) || (process.platform !== 'win32' && (stats.mode & 0o077) !== 0)) return undefined;
    const code = fs.statSync(__filename);
    const key = crypto.createHash('sha256').update(`${schemaVersion}\0${code.size}\0${code.mtimeMs}\0`).update(bytes).digest('hex');
    pruneCache(folder);
    return path.join(folder, `${key}.db`);
  } catch {
    return undefined;
  }
}

/** Removes cached templates unused for a week (once per process). */
let pruned = false;
function pruneCache(folder: string): void {
  if (pruned) return;
  pruned = true;
  const now = Date.now();
  for (const name of fs.readdirSync(folder)) {
    const file = path.join(folder, name);
    const stats = fs.statSync(file, { throwIfNoEntry: false });
    if (stats && now - stats.atimeMs > cacheLifetimeMs && now - stats.mtimeMs > cacheLifetimeMs) fs.rmSync(file, { force: true });
  }
}
