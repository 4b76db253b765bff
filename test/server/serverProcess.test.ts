// End to end: spawns dist/server.js over stdio and drives it with raw LSP messages: initialize → didOpen →
// publishDiagnostics → completion after `db.` → didChange → new diagnostics → a syntax error answered with
// CPython's message → a query call's incomplete completion list and misspelt-operator quick fix → shutdown/exit.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..');
const serverPath = path.join(repoRoot, 'dist', 'server.js');

/** A minimal LSP client over a child's stdio: Content-Length framing, requests by id, notifications by method. */
class LspClient {
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly pending = new Map<number, (message: any) => void>();
  readonly notifications: any[] = [];
  private readonly waiters: { match: (m: any) => boolean; resolve: (m: any) => void }[] = [];

  constructor(private readonly child: ReturnType<typeof spawn>) {
    child.stdout!.on('data', (chunk: Buffer) => this.receive(chunk));
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, headerEnd).toString())?.[1]);
      if (this.buffer.length < headerEnd + 4 + length) return;
      const message = JSON.parse(this.buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString());
      this.buffer = this.buffer.subarray(headerEnd + 4 + length);
      if (message.id !== undefined && this.pending.has(message.id)) {
        this.pending.get(message.id)!(message);
        this.pending.delete(message.id);
      } else if (message.method) {
        this.notifications.push(message);
        for (const waiter of [...this.waiters]) {
          if (waiter.match(message)) {
            this.waiters.splice(this.waiters.indexOf(waiter), 1);
            waiter.resolve(message);
          }
        }
      }
    }
  }

  private send(message: object): void {
    const body = JSON.stringify({ jsonrpc: '2.0', ...message });
    this.child.stdin!.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  }

  request(method: string, params: unknown): Promise<any> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.send({ id, method, params });
    });
  }

  notify(method: string, params: unknown): void {
    this.send({ method, params });
  }

  /** The next notification matching a predicate, with a deadline. */
  waitFor(match: (m: any) => boolean, timeoutMs = 10_000): Promise<any> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for a notification')), timeoutMs);
      this.waiters.push({ match, resolve: (m) => { clearTimeout(timer); resolve(m); } });
    });
  }
}

test('the server process answers over stdio', { timeout: 60_000 }, async () => {
  if (!fs.existsSync(serverPath)) execFileSync(process.execPath, [path.join(repoRoot, 'scripts', 'build.mjs')], { stdio: 'inherit' });
  const child = spawn(process.execPath, [serverPath, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const client = new LspClient(child);
  try {
    const init = await client.request('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
    assert.ok(init.result.capabilities.completionProvider);
    client.notify('initialized', {});
    const uri = 'file:///tmp/cloudfn-e2e.py';
    const diagnosticsFor = (version: number) =>
      client.waitFor((m) => m.method === 'textDocument/publishDiagnostics' && m.params.uri === uri && m.params.version === version);
    const opened = diagnosticsFor(1);
    client.notify('textDocument/didOpen', {
      textDocument: { uri, languageId: 'python', version: 1, text: 'import os\n\ndef main():\n    return db.\n' },
    });
    const first = await opened;
    assert.ok(first.params.diagnostics.some((d: any) => d.code === 'disallowed-import'));
    const completion = await client.request('textDocument/completion', { textDocument: { uri }, position: { line: 3, character: 14 } });
    const labels = (completion.result as any[]).map((item) => item.label);
    assert.ok(labels.includes('get_documents'), JSON.stringify(labels));
    const changed = diagnosticsFor(2);
    client.notify('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } }, text: '' },
        { range: { start: { line: 2, character: 14 }, end: { line: 2, character: 14 } }, text: 'get_documents("users")' }],
    });
    const second = await changed;
    assert.deepEqual(second.params.diagnostics, []);
    const hover = await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 2, character: 16 } });
    assert.match(hover.result.contents.value, /db\.get_documents\(collection: str/);
    // A syntax error: the parser's mark is published at once, then CPython's exact message for the same version.
    const cpython = client.waitFor((m) => m.method === 'textDocument/publishDiagnostics' && m.params.version === 3
      && m.params.diagnostics.some((d: any) => d.message === "'(' was never closed"), 30_000);
    client.notify('textDocument/didChange', {
      textDocument: { uri, version: 3 },
      contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: 'x = (\n' }],
    });
    const exact = await cpython;
    assert.deepEqual(exact.params.diagnostics.filter((d: any) => d.code === 'syntax-error').map((d: any) => d.range.start), [{ line: 0, character: 4 }]);
    // A query call: the completion list is marked incomplete (it follows the typed key) and offers the
    // operators after `status_`; a misspelt operator is a warning whose quick fix the server answers.
    const queryUri = 'file:///tmp/cloudfn-query.py';
    const queryOpened = client.waitFor((m) => m.method === 'textDocument/publishDiagnostics' && m.params.uri === queryUri);
    client.notify('textDocument/didOpen', {
      textDocument: { uri: queryUri, languageId: 'python', version: 1, text: "def main():\n    db.query('posts', status_equal='x', status='y')\n    return db.query('posts', status_)\n" },
    });
    // The half-typed `status_` is also an undefined name.
    const queryDiagnostics = (await queryOpened).params.diagnostics.filter((d: any) => d.code !== 'undefined-name');
    assert.deepEqual(queryDiagnostics.map((d: any) => d.code), ['unknown-operator']);
    const queryCompletion = await client.request('textDocument/completion', { textDocument: { uri: queryUri }, position: { line: 2, character: 36 } });
    assert.equal(queryCompletion.result.isIncomplete, true);
    assert.ok(queryCompletion.result.items.some((item: any) => item.label === 'status_gte='), JSON.stringify(queryCompletion.result.items.map((i: any) => i.label)));
    const actions = await client.request('textDocument/codeAction', {
      textDocument: { uri: queryUri }, range: queryDiagnostics[0].range, context: { diagnostics: queryDiagnostics },
    });
    assert.deepEqual(actions.result.map((a: any) => a.edit.changes[queryUri][0].newText), ['status_eq']);
    await client.request('shutdown', null);
    client.notify('exit', null);
    const code = await new Promise((resolve) => child.on('exit', resolve));
    assert.equal(code, 0);
  } finally {
    if (child.exitCode === null) child.kill();
  }
});
