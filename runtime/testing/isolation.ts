// The database of a test run: a throwaway file (in memory-backed /dev/shm where there is one), never the
// user's .cloudfn/local.db. Each fixture is loaded once into a template file, and the database file is that
// template while its tests run. A test's writes never reach the file: the runtime rolls every test's
// transaction back in memory at its end (RunRequest.discardWrites), which is the per-test reset. Only when the
// next test names another fixture are its template's bytes put in place (a copy and a rename; the runtime
// reloads the file before that run).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Store } from '../store/store';
import { databasePaths } from '../store/databaseFile';
import { importFixture, FixtureError } from '../store/fixtures';
import { readRegularFile } from '../userFiles';

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

  /** Loads a fixture into a new database file. */
  private async buildTemplate(fixture: string, file: string): Promise<string> {
    const store = await Store.createEmpty(file);
    try {
      if (fixture) {
        const read = readRegularFile(fixture, 256 * 2 ** 20);
        if (!read) throw new TestFixtureError(`fixture '${fixture}' does not exist`);
        let parsed: unknown;
        try {
          parsed = JSON.parse(read.bytes.toString('utf8'));
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
    return file;
  }
}
