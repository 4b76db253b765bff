// Editor-test harness: starts a fresh code-server (a real VS Code served to a browser) per suite, installs
// .vsix packages into it, drives it with Debian's Chromium through playwright-core, and offers helpers that
// wait, with deadlines, for what a user sees: code lenses, completion rows, problems, output channels,
// webviews and tree views. A failed wait names what it awaited and saves a screenshot under
// test/e2e/artifacts/. See test/e2e/README.md for how to install and run.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Frame, type Locator, type Page } from 'playwright-core';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const codeServerBin = process.env.CLOUDFN_E2E_CODE_SERVER ?? path.join(repoRoot, '.e2e', 'code-server', 'node_modules', '.bin', 'code-server');
export const artifactsDir = path.join(repoRoot, 'test', 'e2e', 'artifacts');
export const chromiumPath = process.env.CLOUDFN_E2E_CHROMIUM ?? '/usr/bin/chromium';

/** The default deadline of every wait, generous for two shared cores. */
export const defaultTimeoutMs = 30_000;

const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** User settings of every fresh editor: no welcome page, tips, update checks or other distractions. */
const quietSettings: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'npm.autoDetect': 'off',
  'typescript.disableAutomaticTypeAcquisition': true,
  'chat.commandCenter.enabled': false,
  'files.autoSave': 'off',
};

/** Throws (and prints once, so that it stands out in the test report) how to install what is missing. */
export function assertCodeServerInstalled(): void {
  const missing = [
    fs.existsSync(codeServerBin) ? undefined : `code-server (${codeServerBin})`,
    fs.existsSync(chromiumPath) ? undefined : `Chromium (${chromiumPath})`,
  ].filter((what) => what !== undefined);
  if (missing.length === 0) return;
  const message = `Editor tests need ${missing.join(' and ')}, not installed: run \`bash scripts/install-code-server.sh\` as root first.`;
  if (!installHintPrinted) console.error(`\n${message}\n`);
  installHintPrinted = true;
  throw new Error(message);
}
let installHintPrinted = false;

/** Saves a screenshot of the page under test/e2e/artifacts/ (or at an absolute path) and returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  const file = path.isAbsolute(name) ? name : path.join(artifactsDir, name.endsWith('.png') ? name : `${name}.png`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file, timeout: 10_000 });
  return file;
}

export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Describes the last state seen, appended to the timeout message. */
  lastSeen?: () => string | Promise<string>;
  /** The page to screenshot on timeout. */
  page?: Page;
}

/**
 * Polls `probe` until it returns a value other than undefined, null or false, and returns that value. On
 * timeout it throws an error naming `description`, the last state seen and a screenshot path. Errors thrown by
 * the probe count as "not yet" and the last one is reported.
 */
export async function waitFor<T>(description: string, probe: () => Promise<T | undefined | null | false> | T | undefined | null | false, options: WaitOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  const intervalMs = options.intervalMs ?? 100;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, Math.max(0, deadline - Date.now()))));
  }
  const parts = [`Timed out after ${timeoutMs} ms waiting for ${description}.`];
  if (options.lastSeen) parts.push(`Last seen: ${await describeSafely(options.lastSeen)}`);
  if (lastError) parts.push(`Last error: ${lastError instanceof Error ? lastError.message.split('\n')[0] : String(lastError)}`);
  if (options.page) parts.push(`Screenshot: ${await failureScreenshot(options.page, description)}`);
  throw new Error(parts.join('\n'));
}

async function describeSafely(describe: () => string | Promise<string>): Promise<string> {
  try {
    return await describe();
  } catch (error) {
    return `(could not tell: ${error instanceof Error ? error.message.split('\n')[0] : String(error)})`;
  }
}

async function failureScreenshot(page: Page, description: string): Promise<string> {
  const slug = description.replace(/[^a-zA-Z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);
  try {
    return await saveScreenshot(page, `failure-${new Date().toISOString().replace(/[:.]/g, '-')}-${slug}.png`);
  } catch (error) {
    return `(screenshot failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)})`;
  }
}

function matches(text: string, pattern: string | RegExp): boolean {
  return typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface CodeServerOptions {
  /** User settings merged over the harness's quiet defaults. */
  settings?: Record<string, unknown>;
  /** .vsix packages installed before the server starts. */
  extensions?: string[];
  /** Keep workspace trust on (the folder then opens untrusted); off by default, as the doc's flags have it. */
  workspaceTrust?: boolean;
  startTimeoutMs?: number;
}

/**
 * One code-server process with its own temporary HOME, XDG folders, user-data-dir and extensions-dir. It runs
 * in a session of its own so that stop() ends it together with its extension hosts and language servers.
 */
export class CodeServer {
  readonly rootDir: string;
  readonly homeDir: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  readonly serverLogFile: string;
  port = 0;
  private serverProcess: ChildProcess | undefined;
  private readonly editors = new Set<Editor>();

  private constructor() {
    this.rootDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudfn-e2e-'));
    this.homeDir = path.join(this.rootDir, 'home');
    this.userDataDir = path.join(this.rootDir, 'user-data');
    this.extensionsDir = path.join(this.rootDir, 'extensions');
    this.serverLogFile = path.join(this.rootDir, 'code-server.log');
    for (const dir of [this.homeDir, this.userDataDir, this.extensionsDir, path.join(this.rootDir, 'tmp')]) fs.mkdirSync(dir, { recursive: true });
    liveServers.add(this);
    killLiveServersOnExit();
  }

  /** Creates the folders, writes settings, installs the given extensions and starts the server. */
  static async start(options: CodeServerOptions = {}): Promise<CodeServer> {
    assertCodeServerInstalled();
    const server = new CodeServer();
    try {
      const settingsFile = path.join(server.userDataDir, 'User', 'settings.json');
      fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
      const trustSettings = options.workspaceTrust ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never' } : {};
      fs.writeFileSync(settingsFile, JSON.stringify({ ...quietSettings, ...trustSettings, ...options.settings }, null, 2));
      for (const vsix of options.extensions ?? []) await server.installExtension(vsix);
      await server.launch(options.startTimeoutMs ?? 60_000, options.workspaceTrust ?? false);
      return server;
    } catch (error) {
      await server.stop();
      throw error;
    }
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The environment of every code-server call: temporary HOME and XDG folders, no VS Code IPC of a parent. */
  private environment(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) {
      if (!key.startsWith('VSCODE_') && !key.startsWith('CODE_SERVER_') && key !== 'PASSWORD' && key !== 'HASHED_PASSWORD') env[key] = value;
    }
    return {
      ...env,
      HOME: this.homeDir,
      XDG_CONFIG_HOME: path.join(this.homeDir, '.config'),
      XDG_DATA_HOME: path.join(this.homeDir, '.local', 'share'),
      XDG_CACHE_HOME: path.join(this.homeDir, '.cache'),
      XDG_STATE_HOME: path.join(this.homeDir, '.local', 'state'),
      TMPDIR: path.join(this.rootDir, 'tmp'),
    };
  }

  private commonArgs(): string[] {
    return ['--user-data-dir', this.userDataDir, '--extensions-dir', this.extensionsDir];
  }

  /** Installs a .vsix with `code-server --install-extension`. Editors opened afterwards load it. */
  async installExtension(vsixPath: string): Promise<void> {
    const result = spawnSync(codeServerBin, [...this.commonArgs(), '--install-extension', path.resolve(vsixPath)], {
      env: this.environment(),
      encoding: 'utf8',
      timeout: 120_000,
    });
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
    if (result.status !== 0 || !/successfully installed/i.test(output)) {
      throw new Error(`Installing ${vsixPath} into code-server failed (exit ${result.status}${result.error ? `, ${result.error.message}` : ''}):\n${output}`);
    }
  }

  private async launch(timeoutMs: number, workspaceTrust: boolean): Promise<void> {
    this.port = await freePort();
    const log = fs.openSync(this.serverLogFile, 'a');
    const args = [
      ...this.commonArgs(),
      '--bind-addr', `127.0.0.1:${this.port}`,
      '--auth', 'none',
      '--disable-telemetry',
      '--disable-update-check',
      ...(workspaceTrust ? [] : ['--disable-workspace-trust']),
      '--disable-getting-started-override',
    ];
    // detached: true makes the child call setsid(), as `setsid code-server ...` would: its pid is the id of a
    // new process group holding everything it starts.
    this.serverProcess = spawn(codeServerBin, args, { env: this.environment(), cwd: this.homeDir, detached: true, stdio: ['ignore', log, log] });
    fs.closeSync(log);
    let exitCode: number | null | undefined;
    this.serverProcess.on('exit', (code, signal) => (exitCode = code ?? (signal ? -1 : null)));
    await waitFor(`code-server to answer ${this.url}/healthz`, async () => {
      if (exitCode !== undefined) throw new Error(`code-server exited (${exitCode}):\n${this.serverLog().slice(-2000)}`);
      const response = await fetch(`${this.url}/healthz`, { signal: AbortSignal.timeout(2000) });
      return response.ok;
    }, { timeoutMs, intervalMs: 200, lastSeen: () => this.serverLog().slice(-1000) });
  }

  /** What code-server printed so far. */
  serverLog(): string {
    try {
      return fs.readFileSync(this.serverLogFile, 'utf8');
    } catch {
      return '';
    }
  }

  /** Opens a browser on `/?folder=<folder>` and waits for the workbench. */
  async openEditor(folder: string, options: EditorOptions = {}): Promise<Editor> {
    const editor = await Editor.open(this, path.resolve(folder), options);
    this.editors.add(editor);
    editor.onClose(() => this.editors.delete(editor));
    return editor;
  }

  /**
   * The log files of an output channel, oldest first. A LogOutputChannel writes
   * `<user-data-dir>/logs/<session>/exthost<N>/<extension id>/<name>.log`; a plain output channel writes
   * `<user-data-dir>/logs/<session>/exthost<N>/output_logging_<time>/<N>-<name>.log`.
   */
  outputChannelFiles(name: string): string[] {
    const logsDir = path.join(this.userDataDir, 'logs');
    const files: string[] = [];
    for (const session of safeReaddir(logsDir)) {
      for (const host of safeReaddir(path.join(logsDir, session)).filter((entry) => /^exthost\d+$/.test(entry))) {
        const hostDir = path.join(logsDir, session, host);
        for (const entry of safeReaddir(hostDir)) {
          const dir = path.join(hostDir, entry);
          if (entry.startsWith('output_logging_')) {
            for (const file of safeReaddir(dir)) if (file.replace(/^\d+-/, '') === `${name}.log`) files.push(path.join(dir, file));
          } else if (fs.existsSync(path.join(dir, `${name}.log`))) {
            files.push(path.join(dir, `${name}.log`));
          }
        }
      }
    }
    return files.sort((a, b) => fs.statSync(a).mtimeMs - fs.statSync(b).mtimeMs);
  }

  /** Whether an extension host of this server has activated its startup extensions (read from its log). */
  extensionHostStarted(): boolean {
    const logsDir = path.join(this.userDataDir, 'logs');
    return safeReaddir(logsDir).some((session) =>
      safeReaddir(path.join(logsDir, session)).some((host) => {
        try {
          return /^exthost\d+$/.test(host) && fs.readFileSync(path.join(logsDir, session, host, 'remoteexthost.log'), 'utf8').includes('Eager extensions activated');
        } catch {
          return false;
        }
      }),
    );
  }

  /** All text written so far to the output channel `name` (every extension host of this server), or ''. */
  readOutputChannel(name: string): string {
    return this.outputChannelFiles(name).map((file) => fs.readFileSync(file, 'utf8')).join('');
  }

  /** Closes its editors, kills the process group and removes the temporary folders. Safe to call twice. */
  async stop(): Promise<void> {
    for (const editor of [...this.editors]) await editor.close().catch(() => undefined);
    const pid = this.serverProcess?.pid;
    if (pid !== undefined && this.serverProcess?.exitCode === null && this.serverProcess.signalCode === null) {
      signalGroup(pid, 'SIGTERM');
      const gone = await waitFor('code-server to exit', () => !groupAlive(pid), { timeoutMs: 5000, intervalMs: 50 }).catch(() => false);
      if (!gone) signalGroup(pid, 'SIGKILL');
    }
    // Extension hosts and language servers may outlive the server; the group kill reaches them too.
    if (pid !== undefined) signalGroup(pid, 'SIGKILL');
    this.serverProcess = undefined;
    if (process.env.CLOUDFN_E2E_KEEP) console.log(`kept ${this.rootDir} (CLOUDFN_E2E_KEEP is set)`);
    else fs.rmSync(this.rootDir, { recursive: true, force: true, maxRetries: 3 });
    liveServers.delete(this);
  }

  /** Synchronous last resort when the test process exits or is interrupted without stop(). */
  killNow(): void {
    if (this.serverProcess?.pid !== undefined) signalGroup(this.serverProcess.pid, 'SIGKILL');
    if (!process.env.CLOUDFN_E2E_KEEP) fs.rmSync(this.rootDir, { recursive: true, force: true });
  }
}

const liveServers = new Set<CodeServer>();
let exitHandlersInstalled = false;

/**
 * The servers run in sessions of their own, so neither Ctrl+C nor the test runner's SIGTERM reaches them:
 * kill what is still running when this process exits or is told to.
 */
function killLiveServersOnExit(): void {
  if (exitHandlersInstalled) return;
  exitHandlersInstalled = true;
  const killAll = (): void => {
    for (const server of liveServers) server.killNow();
    liveServers.clear();
  };
  process.on('exit', killAll);
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    process.once(signal, () => {
      killAll();
      process.exit(code);
    });
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

export interface EditorOptions {
  viewport?: { width: number; height: number };
  timeoutMs?: number;
}

export interface Problem {
  severity: 'error' | 'warning' | 'info' | 'unknown';
  /** The row's accessible text, e.g. "Warning: message at line 1 column 8 in x.py". */
  text: string;
}

export interface TreeItem {
  label: string;
  /** Depth in the tree, 1 for top-level items. */
  level: number;
  /** true or false for items with children, undefined for leaves. */
  expanded: boolean | undefined;
}

const quickInput = '.quick-input-widget';
const quickInputRows = '.quick-input-widget .quick-input-list .monaco-list-row';
const activeEditor = '.part.editor .editor-group-container.active .monaco-editor';
const suggestWidget = '.editor-widget.suggest-widget.visible';

/** A browser page showing code-server's workbench on one folder, with helpers that act as a user would. */
export class Editor {
  private readonly closeListeners: Array<() => void> = [];
  private closed = false;

  private constructor(readonly server: CodeServer, readonly folder: string, readonly browser: Browser, readonly page: Page, readonly timeoutMs: number) {}

  static async open(server: CodeServer, folder: string, options: EditorOptions = {}): Promise<Editor> {
    const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, headless: true });
    try {
      const page = await browser.newPage({ viewport: options.viewport ?? { width: 1400, height: 900 } });
      const editor = new Editor(server, folder, browser, page, options.timeoutMs ?? defaultTimeoutMs);
      await page.goto(`${server.url}/?folder=${encodeURIComponent(folder)}`, { timeout: editor.timeoutMs });
      await editor.waitFor('the workbench with the folder open', async () =>
        (await page.locator('.monaco-workbench .part.statusbar').count()) > 0 && (await page.locator('.part.sidebar, .part.editor').count()) > 0);
      await editor.waitFor('the extension host to start (remoteexthost.log: "Eager extensions activated")', () => server.extensionHostStarted());
      return editor;
    } catch (error) {
      await browser.close().catch(() => undefined);
      throw error;
    }
  }

  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.browser.close().catch(() => undefined);
    for (const listener of this.closeListeners) listener();
  }

  /** waitFor with this editor's deadline and a screenshot of its page on timeout. */
  waitFor<T>(description: string, probe: () => Promise<T | undefined | null | false> | T | undefined | null | false, options: Omit<WaitOptions, 'page'> = {}): Promise<T> {
    return waitFor(description, probe, { timeoutMs: this.timeoutMs, ...options, page: this.page });
  }

  /** Saves a screenshot under test/e2e/artifacts/ (name without extension, or an absolute path); returns the path. */
  screenshot(name: string): Promise<string> {
    return saveScreenshot(this.page, name);
  }

  // Quick input: the command palette, quick open and go to line all share one widget.

  private async openQuickInput(value: string): Promise<Locator> {
    const input = this.page.locator(`${quickInput} .quick-input-box input`);
    await this.waitFor('the quick input to open after F1', async () => {
      if (!(await input.isVisible())) await this.page.keyboard.press('F1');
      return input.isVisible();
    }, { intervalMs: 300 });
    await input.fill(value);
    return input;
  }

  private async quickInputLabels(): Promise<string[]> {
    return this.page.locator(quickInputRows).evaluateAll((rows) => rows.map((row) => row.getAttribute('aria-label') ?? row.textContent ?? ''));
  }

  private async waitForQuickInputClosed(description: string): Promise<void> {
    await this.waitFor(`the quick input to close after ${description}`, async () => !(await this.page.locator(quickInput).isVisible()));
  }

  /**
   * Opens the quick input with `value` and clicks the first row whose label is exactly `label` (and whose
   * description is `description`, when given). The list is computed once per typed value, so a row that is
   * not there yet (e.g. a command contributed by an extension still being registered) is looked for again by
   * typing the value anew.
   */
  private async pickQuickInputRow(value: string, label: string, what: string, description?: string): Promise<void> {
    let rows = this.page.locator(quickInputRows).filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }) });
    if (description !== undefined) rows = rows.filter({ has: this.page.locator('.label-description', { hasText: new RegExp(`^${escapeRegExp(description)}$`) }) });
    const input = await this.openQuickInput(value);
    let typedAt = Date.now();
    await this.waitFor(what, async () => {
      if ((await rows.count()) > 0) return true;
      if (Date.now() - typedAt > 2000) {
        if (!(await input.isVisible())) await this.openQuickInput(value);
        await input.fill(value.slice(0, 1));
        await input.fill(value);
        typedAt = Date.now();
      }
      return false;
    }, { intervalMs: 200, lastSeen: async () => JSON.stringify(await this.quickInputLabels()) });
    await rows.first().click();
    await this.waitForQuickInputClosed(`picking "${label}"`);
  }

  /** Runs a command by its title as the command palette shows it (e.g. "View: Toggle Terminal"). */
  async runCommand(title: string): Promise<void> {
    await this.pickQuickInputRow(`>${title}`, title, `the command "${title}" in the command palette`);
  }

  /** Opens a file of the workspace by its path relative to the folder, through quick open. */
  async openFile(relativePath: string): Promise<void> {
    const base = path.posix.basename(relativePath);
    const dir = path.posix.dirname(relativePath);
    await this.pickQuickInputRow(relativePath, base, `"${relativePath}" in quick open`, dir === '.' ? undefined : dir);
    const tab = this.page.locator('.part.editor .editor-group-container.active .tab.active');
    await this.waitFor(`the editor tab of "${relativePath}" to be active`, async () => ((await tab.getAttribute('title')) ?? (await tab.getAttribute('aria-label')) ?? '').includes(base) || (await tab.textContent())?.includes(base), {
      lastSeen: async () => `active tab: ${(await tab.count()) ? await tab.textContent() : '(none)'}`,
    });
    await this.waitFor(`the text of "${relativePath}" in the editor`, async () => (await this.page.locator(`${activeEditor} .view-lines`).count()) > 0);
  }

  /** Moves the cursor of the active editor to a 1-based line and column (Go to Line). */
  async goToLine(line: number, column = 1): Promise<void> {
    await this.openQuickInput(`:${line}:${column}`);
    await this.page.keyboard.press('Enter');
    await this.waitForQuickInputClosed(`going to line ${line}`);
    await this.waitFor('the editor to have focus', async () => (await this.page.locator(`${activeEditor}.focused`).count()) > 0);
  }

  /** Types text at the cursor of the focused editor, as keystrokes. */
  async typeText(text: string): Promise<void> {
    await this.page.keyboard.type(text);
  }

  /** The texts of the code lenses shown in the active editor. */
  async codeLensTexts(): Promise<string[]> {
    return this.page.locator(`${activeEditor} .codelens-decoration a`).allTextContents();
  }

  /** Waits until a code lens showing `text` is visible in the active editor; returns the matching links. */
  async waitForCodeLens(text: string | RegExp, timeoutMs?: number): Promise<Locator> {
    const links = this.page.locator(`${activeEditor} .codelens-decoration a`).filter({ hasText: text });
    await this.waitFor(`a code lens "${text}" in the active editor`, async () => (await links.count()) > 0 && (await links.first().isVisible()), {
      timeoutMs,
      lastSeen: async () => JSON.stringify(await this.codeLensTexts()),
    });
    return links;
  }

  /**
   * Checks, repeatedly for `holdMs`, that no code lens shows `text` in the active editor. An absence can only be
   * observed over a window: use it after something proved that code lenses are computed (e.g. another file's
   * lens appeared).
   */
  async expectNoCodeLens(text: string | RegExp, holdMs = 2000): Promise<void> {
    const deadline = Date.now() + holdMs;
    while (Date.now() < deadline) {
      const texts = await this.codeLensTexts();
      const found = texts.find((t) => matches(t, text));
      if (found !== undefined) {
        throw new Error(`Expected no code lens "${text}" in the active editor, but saw "${found}".\nScreenshot: ${await failureScreenshot(this.page, `unexpected code lens ${text}`)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Clicks the first code lens showing `text`, once it is visible. */
  async clickCodeLens(text: string | RegExp): Promise<void> {
    const links = await this.waitForCodeLens(text);
    await links.first().click();
  }

  /**
   * Clicks a code lens that opens a quick pick and picks the row matching `row`. A click that lands while the
   * editor redraws its code lenses is lost, so the lens is clicked again until the row shows.
   */
  async pickFromCodeLens(lens: string | RegExp, row: string | RegExp): Promise<void> {
    const rows = this.page.locator(quickInputRows).filter({ hasText: row });
    let polls = 0;
    await this.waitFor(`the row "${row}" in the quick pick after clicking the code lens "${lens}"`, async () => {
      if ((await rows.count()) > 0) return true;
      if (polls++ % 10 === 0) await this.clickCodeLens(lens);
      return false;
    }, { intervalMs: 300 });
    await rows.first().click();
  }

  /** Presses Ctrl+Space in the focused editor and waits for the suggest widget to show rows. */
  async triggerCompletion(): Promise<Locator> {
    const rows = this.page.locator(`${suggestWidget} .monaco-list-row`);
    await this.waitFor('the suggest widget to show rows after Ctrl+Space', async () => {
      if ((await rows.count()) > 0) return true;
      if (!(await this.page.locator(suggestWidget).isVisible())) await this.page.keyboard.press('Control+Space');
      return false;
    }, { intervalMs: 300 });
    return rows;
  }

  /** The labels of the completion rows currently rendered (the list is virtual: only the visible ones). */
  async completionLabels(): Promise<string[]> {
    return this.page.locator(`${suggestWidget} .monaco-list-row .label-name`).allTextContents();
  }

  /** Waits until a completion row with exactly this label is shown (triggering completion if needed). */
  async waitForCompletion(label: string): Promise<void> {
    await this.waitFor(`a completion row "${label}"`, async () => {
      if (!(await this.page.locator(suggestWidget).isVisible())) await this.page.keyboard.press('Control+Space');
      return (await this.completionLabels()).includes(label);
    }, { intervalMs: 300, lastSeen: async () => JSON.stringify(await this.completionLabels()) });
  }

  /** Closes the suggest widget (or any other widget Escape closes). */
  async pressEscape(): Promise<void> {
    await this.page.keyboard.press('Escape');
  }

  /** Opens the Problems panel and returns its rows (files and markers alike are listed by their text). */
  async problems(): Promise<Problem[]> {
    const panel = this.page.locator('.part.panel .markers-panel');
    if (!(await panel.isVisible())) {
      await this.runCommand('View: Focus Problems (Errors, Warnings, Infos)');
      await this.waitFor('the Problems panel to show', () => panel.isVisible());
    }
    const labels = await panel.locator('.monaco-list-row').evaluateAll((rows) => rows.map((row) => row.getAttribute('aria-label') ?? row.textContent ?? ''));
    return labels.map((text) => ({ text, severity: problemSeverity(text) }));
  }

  /** Waits until the Problems panel lists a marker whose text matches; returns it. */
  async waitForProblem(text: string | RegExp): Promise<Problem> {
    let seen: Problem[] = [];
    return this.waitFor(`a problem "${text}" in the Problems panel`, async () => {
      seen = await this.problems();
      return seen.find((problem) => problem.severity !== 'unknown' && matches(problem.text, text));
    }, { intervalMs: 300, lastSeen: () => JSON.stringify(seen.map((problem) => problem.text)) });
  }

  /** All text written so far to the output channel `name` (read from the extension host's log files). */
  readOutputChannel(name: string): string {
    return this.server.readOutputChannel(name);
  }

  /** Waits until a line of the output channel `name` matches; returns that line. */
  async waitForOutput(name: string, text: string | RegExp): Promise<string> {
    return this.waitFor(`a line "${text}" in the output channel "${name}"`, () => this.readOutputChannel(name).split('\n').find((line) => matches(line, text)), {
      lastSeen: () => {
        const content = this.readOutputChannel(name);
        return content ? `…${content.slice(-800)}` : `(no log file for "${name}" under ${path.join(this.server.userDataDir, 'logs')})`;
      },
    });
  }

  /**
   * Finds the frame of a webview whose document contains `selector` (webviews are nested iframes: VS Code's host
   * frame, then the extension's content frame) and returns it for playwright queries.
   */
  async webviewFrame(selector: string): Promise<Frame> {
    return this.waitFor(`a webview frame containing "${selector}"`, async () => {
      for (const frame of this.page.frames()) {
        if (frame === this.page.mainFrame() || frame.isDetached()) continue;
        if ((await frame.locator(selector).count().catch(() => 0)) > 0) return frame;
      }
      return undefined;
    }, { intervalMs: 200, lastSeen: () => `${this.page.frames().length} frames: ${this.page.frames().map((frame) => frame.url().slice(0, 80)).join(', ')}` });
  }

  private viewPane(viewTitle: string): Locator {
    return this.page.locator('.pane').filter({ has: this.page.locator('.pane-header h3.title', { hasText: new RegExp(`^${escapeRegExp(viewTitle)}$`, 'i') }) });
  }

  /** Shows a view of the sidebar or panel by its title (quick access "view "), expanded (or the only view of its container). */
  async openView(viewTitle: string): Promise<Locator> {
    const pane = this.viewPane(viewTitle);
    if (!(await pane.first().isVisible())) await this.pickQuickInputRow(`view ${viewTitle}`, viewTitle, `the view "${viewTitle}" in Open View`);
    const header = pane.first().locator('.pane-header');
    await this.waitFor(`the view "${viewTitle}" to be expanded`, async () => {
      // The only view of a view container shows no header of its own (the container's title names it).
      if (!(await header.isVisible())) return pane.first().locator('.pane-body').isVisible();
      if ((await header.getAttribute('aria-expanded')) === 'true') return true;
      await header.click();
      // The click toggles the pane: on a slow workbench it is awaited before looking again, so that a second
      // click does not collapse it again (a click that was lost is retried).
      return this.waitFor(`the view "${viewTitle}" to expand after a click`, async () => (await header.getAttribute('aria-expanded')) === 'true', { timeoutMs: 5000 }).catch(() => false);
    }, { intervalMs: 300 });
    return pane.first();
  }

  /** The rows of a tree view in the sidebar, in display order (opens and expands the view first). */
  async treeViewItems(viewTitle: string): Promise<TreeItem[]> {
    const pane = await this.openView(viewTitle);
    return pane.locator('.pane-body .monaco-list-row').evaluateAll((rows) =>
      rows.map((row) => {
        const expanded = row.getAttribute('aria-expanded');
        return {
          label: row.querySelector('.label-name')?.textContent ?? row.getAttribute('aria-label') ?? '',
          level: Number(row.getAttribute('aria-level') ?? '1'),
          expanded: expanded === null ? undefined : expanded === 'true',
        };
      }),
    );
  }

  /** The texts of the status bar items, left to right (their accessible labels where they have one). */
  async statusBarTexts(): Promise<string[]> {
    return this.page.locator('.part.statusbar .statusbar-item').evaluateAll((items) =>
      items.map((item) => (item.querySelector('.statusbar-item-label') ?? item).textContent?.trim() ?? '').filter((text) => text !== ''),
    );
  }

  /** Waits until a status bar item's text matches; returns that text. */
  async waitForStatusBarItem(text: string | RegExp): Promise<string> {
    return this.waitFor(`a status bar item "${text}"`, async () => (await this.statusBarTexts()).find((item) => matches(item, text)), {
      lastSeen: async () => JSON.stringify(await this.statusBarTexts()),
    });
  }

  /** Waits until a tree view shows an item with exactly this label; returns all items then shown. */
  async waitForTreeItem(viewTitle: string, label: string): Promise<TreeItem[]> {
    let seen: TreeItem[] = [];
    return this.waitFor(`the item "${label}" in the tree view "${viewTitle}"`, async () => {
      seen = await this.treeViewItems(viewTitle);
      return seen.some((item) => item.label === label) && seen;
    }, { intervalMs: 300, lastSeen: () => JSON.stringify(seen.map((item) => item.label)) });
  }

  /** Clicks the tree item with exactly this label (expands it when it has children). */
  async clickTreeItem(viewTitle: string, label: string): Promise<void> {
    await this.waitForTreeItem(viewTitle, label);
    const pane = this.viewPane(viewTitle).first();
    await pane.locator('.pane-body .monaco-list-row').filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }) }).first().click();
  }
}

function problemSeverity(text: string): Problem['severity'] {
  if (/^error\b/i.test(text)) return 'error';
  if (/^warning\b/i.test(text)) return 'warning';
  if (/^info\b/i.test(text)) return 'info';
  return 'unknown';
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Builds a .vsix from an extension folder with the project's vsce (works offline); returns its path. */
export function packageExtension(extensionDir: string, outFile = path.join(extensionDir, 'extension.vsix')): string {
  const vsce = path.join(repoRoot, 'node_modules', '.bin', 'vsce');
  const result = spawnSync(vsce, ['package', '--allow-missing-repository', '--skip-license', '--out', outFile], { cwd: extensionDir, encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0 || !fs.existsSync(outFile)) {
    throw new Error(`vsce package failed in ${extensionDir} (exit ${result.status}):\n${result.stdout}${result.stderr}`);
  }
  return outFile;
}
