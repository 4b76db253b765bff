// Starts `cloudfn serve` as a child process on a free port for a test, and sends it REST requests.

import { spawn, type ChildProcess } from 'node:child_process';
import { cliPath, repoRoot } from '../helpers';

export interface Served {
  child: ChildProcess;
  url: string;
  /** Everything the server printed so far (its logs). */
  output: () => string;
  stop: () => Promise<void>;
}

/** Spawns `serve --port 0` and resolves once it prints its URL. */
export function startServe(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Served> {
  const child = spawn(process.execPath, [cliPath, 'serve', '--port', '0', ...args], { cwd: repoRoot, env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  let started = false;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill(); reject(new Error(`serve did not start:\n${stdout}\n${stderr}`)); }, 20_000);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`serve exited with ${code}:\n${stdout}\n${stderr}`)); });
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /Parse API at (http:\/\/127\.0\.0\.1:\d+\/parse)/.exec(stdout);
      // Once only: a later chunk (serve's shutdown messages) must not remove the listener that stop() adds.
      if (match && !started) {
        started = true;
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve({
          child, url: match[1]!, output: () => stdout + stderr,
          stop: () => new Promise((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            // A server that does not end on SIGTERM fails its test elsewhere; it must not hang the run.
            const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
            child.once('exit', () => { clearTimeout(kill); done(); });
            child.kill('SIGTERM');
          }),
        });
      }
    });
  });
}

export interface RestOptions {
  /** The application id header; null sends none. */
  appId?: string | null;
  masterKey?: string;
  sessionToken?: string;
  /** The X-Parse-Installation-Id header. */
  installationId?: string;
  /** `appId:key` sent as HTTP Basic auth. */
  basic?: string;
  /** A raw body with its Content-Type (a file upload) instead of JSON. */
  raw?: { contentType: string; text: string };
}

/** One REST call the way curl would send it (keys in headers, GET params in the query string). */
export async function rest(url: string, method: string, path: string, body: Record<string, unknown> = {}, options: RestOptions = {}): Promise<{ status: number; body: unknown; headers: Headers }> {
  const headers: Record<string, string> = { 'Content-Type': options.raw?.contentType ?? 'application/json' };
  if (options.appId !== null) headers['X-Parse-Application-Id'] = options.appId ?? 'appId';
  if (options.masterKey) headers['X-Parse-Master-Key'] = options.masterKey;
  if (options.sessionToken) headers['X-Parse-Session-Token'] = options.sessionToken;
  if (options.installationId) headers['X-Parse-Installation-Id'] = options.installationId;
  if (options.basic) headers.Authorization = `Basic ${Buffer.from(options.basic).toString('base64')}`;
  let target = `${url}/${path}`;
  let payload: string | undefined = options.raw ? options.raw.text : JSON.stringify(body);
  if (method === 'GET') {
    const query = new URLSearchParams(Object.entries(body).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
    if ([...query].length) target += `?${query}`;
    payload = undefined;
  }
  let response: Response;
  try {
    response = await fetch(target, { method, headers, body: payload, signal: AbortSignal.timeout(30_000) });
  } catch (error) {
    // A server that never answers (a hang) is a failed step, not a stuck suite.
    return { status: 0, body: `no answer: ${String(error)}`, headers: new Headers() };
  }
  const text = await response.text();
  let parsed: unknown = text;
  try { parsed = JSON.parse(text); } catch { /* not JSON: keep the text */ }
  return { status: response.status, body: parsed, headers: response.headers };
}

export { repoRoot };
