// The language-server benchmark of the issue: drives our server (dist/server.js) and Pyright's language server
// side by side over stdio with one small JSON-RPC client, on a ~300-line and a ~5,000-line file of cloud-function
// code built from the seed examples, and writes bench/lsp-results.md. Run as `node --import tsx bench/lsp.ts`
// after `node scripts/build.mjs`; it always exits 0 and kills the servers it started.

import { spawn, execFileSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const iterations = Number(process.env.LSP_BENCH_ITERATIONS ?? 30);
const requestTimeoutMs = 20_000;
const startTimeoutMs = 60_000;

// ---------------------------------------------------------------------------------------------------------
// The JSON-RPC client: Content-Length framing over a child's stdio, requests with timeouts, answers to the
// few requests servers send to clients, and waiters for publishDiagnostics.

interface Message {
  jsonrpc: '2.0';
  id?: number | string;
  method?: string;
  params?: any;
  result?: any;
  error?: { code: number; message: string };
}

interface PublishedDiagnostics {
  uri: string;
  version?: number;
  diagnostics: Array<{ severity?: number; message: string }>;
}

interface DiagnosticsWaiter {
  uri: string;
  accepts: (published: PublishedDiagnostics) => boolean;
  resolve: (published: PublishedDiagnostics) => void;
}

class LspClient {
  readonly process: ChildProcessWithoutNullStreams;
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly pending = new Map<number, (message: Message) => void>();
  private waiters: DiagnosticsWaiter[] = [];
  exited = false;

  constructor(command: string, args: string[], cwd: string) {
    this.process = spawn(command, args, { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    this.process.stdout.on('data', (chunk: Buffer) => this.receive(chunk));
    this.process.stderr.on('data', () => undefined);
    this.process.on('exit', () => { this.exited = true; });
    this.process.stdin.on('error', () => undefined);
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const header = this.buffer.subarray(0, headerEnd).toString('ascii');
      const length = Number(/Content-Length:\s*(\d+)/i.exec(header)?.[1] ?? NaN);
      if (!Number.isFinite(length)) throw new Error(`bad LSP header: ${header}`);
      if (this.buffer.length < headerEnd + 4 + length) return;
      const body = this.buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8');
      this.buffer = this.buffer.subarray(headerEnd + 4 + length);
      this.dispatch(JSON.parse(body) as Message);
    }
  }

  private dispatch(message: Message): void {
    if (message.method !== undefined && message.id !== undefined) {
      // A request from the server: configuration gets one empty section per item, everything else null.
      const result = message.method === 'workspace/configuration'
        ? (message.params?.items ?? []).map(() => ({}))
        : null;
      this.send({ jsonrpc: '2.0', id: message.id, result });
    } else if (message.method === 'textDocument/publishDiagnostics') {
      const published = message.params as PublishedDiagnostics;
      const matched = this.waiters.filter((waiter) => waiter.uri === published.uri && waiter.accepts(published));
      this.waiters = this.waiters.filter((waiter) => !matched.includes(waiter));
      for (const waiter of matched) waiter.resolve(published);
    } else if (message.id !== undefined) {
      this.pending.get(Number(message.id))?.(message);
      this.pending.delete(Number(message.id));
    }
  }

  private send(message: Message): void {
    if (this.exited) return;
    const body = Buffer.from(JSON.stringify(message), 'utf8');
    this.process.stdin.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]));
  }

  notify(method: string, params: unknown): void {
    this.send({ jsonrpc: '2.0', method, params });
  }

  /** Sends a request and resolves with its result and the milliseconds until the answer arrived. */
  request(method: string, params: unknown, timeoutMs = requestTimeoutMs): Promise<{ result: any; ms: number }> {
    const id = this.nextId++;
    const started = performance.now();
    return new Promise((resolvePromise, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, (message) => {
        clearTimeout(timer);
        if (message.error) reject(new Error(`${method}: ${message.error.message}`));
        else resolvePromise({ result: message.result, ms: performance.now() - started });
      });
      this.send({ jsonrpc: '2.0', id, method, params });
    });
  }

  /**
   * Registers, before the edit is sent, a wait for the diagnostics of a version: the publish carrying that
   * version or a later one, or the first publish at all when the server leaves the version out.
   */
  diagnosticsFor(uri: string, version: number | undefined, timeoutMs = requestTimeoutMs): Promise<PublishedDiagnostics> {
    return new Promise((resolvePromise, reject) => {
      const waiter: DiagnosticsWaiter = {
        uri,
        accepts: (published) => version === undefined || published.version === undefined || published.version === null
          || published.version >= version,
        resolve: (published) => { clearTimeout(timer); resolvePromise(published); },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((other) => other !== waiter);
        reject(new Error(`diagnostics for version ${version} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Peak resident memory of the server process in MiB, from /proc (VmHWM), or undefined if unreadable. */
  peakMemoryMiB(): number | undefined {
    try {
      const status = readFileSync(`/proc/${this.process.pid}/status`, 'utf8');
      const kib = Number(/VmHWM:\s*(\d+)\s*kB/.exec(status)?.[1]);
      return Number.isFinite(kib) ? kib / 1024 : undefined;
    } catch {
      return undefined;
    }
  }

  /** Asks the server to shut down, then kills it if it has not exited within a second. */
  async stop(): Promise<void> {
    if (this.exited) return;
    try {
      await this.request('shutdown', null, 3000);
      this.notify('exit', null);
    } catch {
      // A server that does not answer shutdown is killed below.
    }
    await new Promise<void>((done) => {
      if (this.exited) return done();
      const timer = setTimeout(() => { this.process.kill('SIGKILL'); done(); }, 1000);
      this.process.once('exit', () => { clearTimeout(timer); done(); });
    });
  }
}

// ---------------------------------------------------------------------------------------------------------
// The benchmark files: seed examples repeated with their top-level functions renamed, plus one entry point.

function seedFunctions(): Array<{ stem: string; source: string; names: string[] }> {
  const folder = join(repoRoot, 'test/fixtures/seed');
  return readdirSync(folder).filter((name) => name.endsWith('.py')).sort().map((name) => {
    const source = readFileSync(join(folder, name), 'utf8');
    const names = [...source.matchAll(/^def (\w+)/gm)].map((match) => match[1]!);
    return { stem: basename(name, '.py').replace(/^\d+_/, ''), source, names };
  }).filter((seed) => seed.names.length > 0);
}

function benchmarkSource(targetLines: number): string {
  const seeds = seedFunctions();
  const parts: string[] = [];
  let lines = 0;
  for (let copy = 0; lines < targetLines; copy++) {
    for (const seed of seeds) {
      if (lines >= targetLines) break;
      let source = seed.source.replace(/^result = .*$/gm, '');
      for (const name of seed.names) {
        const renamed = name === 'main' ? `handle_${seed.stem}_${copy}` : `${name}_${copy}`;
        source = source.replace(new RegExp(`\\b${name}\\b`, 'g'), renamed);
      }
      const block = `${source.trimEnd()}\n\n\n`;
      parts.push(block);
      lines += block.split('\n').length - 1;
    }
  }
  parts.push(`def main():\n    return handle_${seeds[0]!.stem}_0()\n`);
  return parts.join('');
}

/**
 * Where the edits and the hover happen: a function body near the middle of the file, a db member, and a blank
 * line (a hover there asks for no work: it measures the round trip of client, transport and JSON alone).
 */
function probePoints(source: string): { insertLine: number; hover: { line: number; character: number }; blank: { line: number; character: number } } {
  const lines = source.split('\n');
  const middle = Math.floor(lines.length / 2);
  let defLine = middle;
  while (defLine < lines.length && !lines[defLine]!.startsWith('def ')) defLine++;
  let hoverLine = defLine;
  while (hoverLine < lines.length && !/db\.\w+\(/.test(lines[hoverLine]!)) hoverLine++;
  const column = lines[hoverLine]!.search(/db\.\w+\(/) + 'db.'.length + 2;
  let blankLine = defLine;
  while (blankLine < lines.length - 1 && lines[blankLine]!.trim() !== '') blankLine++;
  return { insertLine: defLine + 1, hover: { line: hoverLine, character: column }, blank: { line: blankLine, character: 0 } };
}

// ---------------------------------------------------------------------------------------------------------
// One session: spawn a server, open one file, then time first diagnostics, completion after an edit,
// diagnostics after an edit and hover.

interface SessionFigures {
  firstDiagnosticsMs?: number;
  completionMs: number[];
  diagnosticsMs: number[];
  hoverMs: number[];
  /** Hover on a blank line: the round-trip floor. */
  floorMs: number[];
  peakMemoryMiB?: number;
  completionHasMembers?: boolean;
  openErrors?: number;
  openErrorSamples?: string[];
  failures: string[];
}

interface ServerUnderTest {
  name: string;
  command: string;
  args: string[];
}

async function runSession(server: ServerUnderTest, workspace: string, file: string): Promise<SessionFigures> {
  const figures: SessionFigures = { completionMs: [], diagnosticsMs: [], hoverMs: [], floorMs: [], failures: [] };
  const text = readFileSync(file, 'utf8');
  const uri = pathToFileURL(file).href;
  const { insertLine, hover, blank } = probePoints(text);
  const spawned = performance.now();
  const client = new LspClient(server.command, server.args, workspace);
  let version = 1;
  try {
    const workspaceUri = pathToFileURL(workspace).href;
    await client.request('initialize', {
      processId: process.pid,
      rootUri: workspaceUri,
      workspaceFolders: [{ uri: workspaceUri, name: 'bench' }],
      capabilities: {
        textDocument: {
          synchronization: { dynamicRegistration: false, didSave: false },
          publishDiagnostics: { versionSupport: true },
          completion: { completionItem: { snippetSupport: false, documentationFormat: ['markdown', 'plaintext'] } },
          hover: { contentFormat: ['markdown', 'plaintext'] },
        },
        workspace: { configuration: true, workspaceFolders: true },
      },
      initializationOptions: {},
    }, startTimeoutMs);
    client.notify('initialized', {});
    const opened = client.diagnosticsFor(uri, undefined, startTimeoutMs);
    client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version, text } });
    const first = await opened;
    figures.firstDiagnosticsMs = performance.now() - spawned;
    // Pyright may publish an early, partial result: settle on the full one before timing edits.
    await new Promise((done) => setTimeout(done, 500));

    const insertRange = { start: { line: insertLine, character: 0 }, end: { line: insertLine, character: 0 } };
    const insertedRange = { start: { line: insertLine, character: 0 }, end: { line: insertLine + 1, character: 0 } };
    const change = async (edit: { range: typeof insertRange; text: string }): Promise<number> => {
      version += 1;
      const published = client.diagnosticsFor(uri, version);
      const started = performance.now();
      client.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [edit] });
      await published;
      return performance.now() - started;
    };
    const openErrors = first.diagnostics.filter((diagnostic) => diagnostic.severity === 1);
    figures.openErrors = openErrors.length;
    figures.openErrorSamples = [...new Set(openErrors.map((diagnostic) => diagnostic.message.split('\n')[0]!))].slice(0, 3);

    for (let iteration = 0; iteration < iterations; iteration++) {
      try {
        const line = '    probe = db.';
        version += 1;
        const settled = client.diagnosticsFor(uri, version);
        const started = performance.now();
        client.notify('textDocument/didChange', {
          textDocument: { uri, version }, contentChanges: [{ range: insertRange, text: `${line}\n` }],
        });
        const { result } = await client.request('textDocument/completion', {
          textDocument: { uri }, position: { line: insertLine, character: line.length },
          context: { triggerKind: 2, triggerCharacter: '.' },
        });
        figures.completionMs.push(performance.now() - started);
        const items: Array<{ label: string }> = Array.isArray(result) ? result : result?.items ?? [];
        figures.completionHasMembers = items.some((item) => item.label === 'create_document');
        await settled;
        await change({ range: insertedRange, text: '' });
      } catch (error) {
        figures.failures.push(`completion: ${(error as Error).message}`);
      }
    }

    for (let iteration = 0; iteration < iterations; iteration++) {
      try {
        figures.diagnosticsMs.push(await change({
          range: insertRange, text: `    probe_total_${iteration} = db.count_documents('users')\n`,
        }));
        await change({ range: insertedRange, text: '' });
      } catch (error) {
        figures.failures.push(`diagnostics: ${(error as Error).message}`);
      }
    }

    for (let iteration = 0; iteration < iterations; iteration++) {
      try {
        const { result, ms } = await client.request('textDocument/hover', { textDocument: { uri }, position: hover });
        if (!result) figures.failures.push('hover: empty answer');
        figures.hoverMs.push(ms);
        figures.floorMs.push((await client.request('textDocument/hover', { textDocument: { uri }, position: blank })).ms);
      } catch (error) {
        figures.failures.push(`hover: ${(error as Error).message}`);
      }
    }
    figures.peakMemoryMiB = client.peakMemoryMiB();
  } catch (error) {
    figures.failures.push(`session: ${(error as Error).message}`);
    figures.peakMemoryMiB ??= client.peakMemoryMiB();
  } finally {
    await client.stop();
  }
  return figures;
}

// ---------------------------------------------------------------------------------------------------------
// The report.

function percentile(samples: number[], fraction: number): number | undefined {
  if (samples.length === 0) return undefined;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)];
}

function format(value: number | undefined, unit: string): string {
  if (value === undefined) return 'n/a';
  return `${value < 10 ? value.toFixed(2) : value.toFixed(0)} ${unit}`;
}

interface Row {
  figure: string;
  ours: number[];
  pyright: number[];
  unit: string;
  /** The absolute goal on our p50, if the issue sets one. */
  goal?: number;
  /** A reference figure that no goal applies to. */
  reference?: boolean;
}

function tableRow(row: Row): string {
  const ours50 = percentile(row.ours, 0.5);
  const pyright50 = percentile(row.pyright, 0.5);
  const pair = (samples: number[]) => samples.length > 1
    ? `${format(percentile(samples, 0.5), row.unit)} / ${format(percentile(samples, 0.95), row.unit)}`
    : format(samples[0], row.unit);
  const ratio = ours50 !== undefined && pyright50 !== undefined && ours50 > 0 ? pyright50 / ours50 : undefined;
  if (row.reference) return `| ${row.figure} | ${pair(row.ours)} | ${pair(row.pyright)} | ${ratio === undefined ? 'n/a' : `${ratio.toFixed(1)}×`} | (reference) | |`;
  const goalText = row.goal !== undefined ? `≤ ${row.goal} ${row.unit} and ≥ 5×` : '≥ 5×';
  const met = ratio !== undefined && ratio >= 5 && (row.goal === undefined || (ours50 !== undefined && ours50 <= row.goal));
  return `| ${row.figure} | ${pair(row.ours)} | ${pair(row.pyright)} | ${ratio === undefined ? 'n/a' : `${ratio.toFixed(1)}×`} | ${goalText} | ${met ? 'yes' : 'no'} |`;
}

async function main(): Promise<void> {
  const loadAtStart = loadavg();
  const workspace = mkdtempSync(join(tmpdir(), 'cloudfn-lsp-bench-'));
  try {
    execFileSync(process.execPath, [join(repoRoot, 'bin/cloudfn.js'), 'stubs', '--out', workspace], { stdio: 'ignore' });
    const files = { small: join(workspace, 'functions_300.py'), large: join(workspace, 'functions_5k.py') };
    writeFileSync(files.small, benchmarkSource(300));
    writeFileSync(files.large, benchmarkSource(5000));
    const lineCount = (file: string) => readFileSync(file, 'utf8').split('\n').length - 1;

    const servers: ServerUnderTest[] = [
      { name: 'ours', command: process.execPath, args: [join(repoRoot, 'dist/server.js'), '--stdio'] },
      { name: 'pyright', command: process.execPath, args: [join(repoRoot, 'node_modules/pyright/langserver.index.js'), '--stdio'] },
    ];
    const results: Record<string, Record<'small' | 'large', SessionFigures>> = {};
    for (const server of servers) {
      results[server.name] = {
        small: await runSession(server, workspace, files.small),
        large: await runSession(server, workspace, files.large),
      };
      process.stderr.write(`${server.name}: done\n`);
    }
    const ours = results.ours!;
    const pyright = results.pyright!;
    const sizes = { small: `${lineCount(files.small)} lines`, large: `${lineCount(files.large)} lines` };
    const once = (value: number | undefined) => (value === undefined ? [] : [value]);
    const rows: Row[] = [
      { figure: `completion after edit, ${sizes.small}`, ours: ours.small.completionMs, pyright: pyright.small.completionMs, unit: 'ms', goal: 5 },
      { figure: `completion after edit, ${sizes.large}`, ours: ours.large.completionMs, pyright: pyright.large.completionMs, unit: 'ms', goal: 15 },
      { figure: `diagnostics after edit, ${sizes.small}`, ours: ours.small.diagnosticsMs, pyright: pyright.small.diagnosticsMs, unit: 'ms' },
      { figure: `diagnostics after edit, ${sizes.large}`, ours: ours.large.diagnosticsMs, pyright: pyright.large.diagnosticsMs, unit: 'ms', goal: 25 },
      { figure: `hover, ${sizes.small}`, ours: ours.small.hoverMs, pyright: pyright.small.hoverMs, unit: 'ms' },
      { figure: `hover, ${sizes.large}`, ours: ours.large.hoverMs, pyright: pyright.large.hoverMs, unit: 'ms' },
      { figure: `hover on a blank line (round-trip floor), ${sizes.small}`, ours: ours.small.floorMs, pyright: pyright.small.floorMs, unit: 'ms', reference: true },
      { figure: `hover on a blank line (round-trip floor), ${sizes.large}`, ours: ours.large.floorMs, pyright: pyright.large.floorMs, unit: 'ms', reference: true },
      { figure: `start to first diagnostics, ${sizes.small}`, ours: once(ours.small.firstDiagnosticsMs), pyright: once(pyright.small.firstDiagnosticsMs), unit: 'ms', goal: 400 },
      { figure: `start to first diagnostics, ${sizes.large}`, ours: once(ours.large.firstDiagnosticsMs), pyright: once(pyright.large.firstDiagnosticsMs), unit: 'ms', goal: 400 },
      { figure: `peak memory (VmHWM), ${sizes.small}`, ours: once(ours.small.peakMemoryMiB), pyright: once(pyright.small.peakMemoryMiB), unit: 'MiB' },
      { figure: `peak memory (VmHWM), ${sizes.large}`, ours: once(ours.large.peakMemoryMiB), pyright: once(pyright.large.peakMemoryMiB), unit: 'MiB' },
    ];
    const pyrightVersion = JSON.parse(readFileSync(join(repoRoot, 'node_modules/pyright/package.json'), 'utf8')).version;
    const sanity = (name: string, figures: SessionFigures) =>
      `- ${name}: \`db.\` completion lists \`create_document\`: ${figures.completionHasMembers ? 'yes' : 'no'}; `
      + `errors on the unedited file: ${figures.openErrors ?? 'n/a'}`
      + `${figures.openErrorSamples?.length ? ` (${figures.openErrorSamples.map((message) => `"${message}"`).join(', ')})` : ''}; failures: ${figures.failures.length === 0 ? 'none' : figures.failures.slice(0, 5).join('; ')}`;
    const report = [
      '# Language-server benchmark: cloudfn vs Pyright',
      '',
      `Written by \`node --import tsx bench/lsp.ts\` on ${new Date().toISOString()}: Node ${process.version}, `
        + `Pyright ${pyrightVersion} (\`pyright-langserver --stdio\` with the \`__builtins__.pyi\` of \`cloudfn stubs\`), `
        + `${iterations} iterations per figure, one fresh server per file, the same client for both; `
        + `load average at the start ${loadAtStart.map((value) => value.toFixed(2)).join(', ')} on a machine shared with other work.`,
      'Ratio is Pyright p50 ÷ ours p50 (higher is better for us); absolute goals apply to our p50.',
      'Completion after edit is timed from sending the didChange that types `db.` to the completion answer;',
      'diagnostics after edit from the didChange to the publish carrying that version. First diagnostics and',
      'peak memory are single samples (spawn to first publish after didOpen; VmHWM of the server process at the end).',
      'A hover on a blank line asks either server for no work: its time is the round trip of this client, the pipe',
      'and JSON, the floor under every other figure (no goal applies to it).',
      '',
      '| figure | ours p50/p95 | Pyright p50/p95 | ratio | goal | met |',
      '| --- | --- | --- | --- | --- | --- |',
      ...rows.map(tableRow),
      '',
      'Checks that both servers really did the work:',
      sanity(`ours, ${sizes.small}`, ours.small),
      sanity(`ours, ${sizes.large}`, ours.large),
      sanity(`Pyright, ${sizes.small}`, pyright.small),
      sanity(`Pyright, ${sizes.large}`, pyright.large),
      '',
    ].join('\n');
    writeFileSync(join(repoRoot, 'bench/lsp-results.md'), report);
    process.stdout.write(report);
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench/lsp: ${(error as Error).stack ?? String(error)}\n`);
}).finally(() => process.exit(0));
