// The two servers of the peer comparison suite: a throwaway PostgreSQL cluster (initdb/pg_ctl from Debian's
// postgresql package, in a temporary folder, as the `postgres` user when run as root) with the reference
// Parse Server 9.10.0 installed by scripts/install-parse-peer.sh in .peer/parse-server/, and `cloudfn serve`.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../helpers';

export const peerDir = path.join(repoRoot, '.peer', 'parse-server');

function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb'))) : [];
  if (!versions.length) throw new Error('PostgreSQL is not installed: run bash scripts/install-parse-peer.sh');
  return path.join(root, versions.sort((a, b) => Number(b) - Number(a))[0]!, 'bin');
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface Postgres {
  url: string;
  stop: () => void;
}

/** initdb + pg_ctl start of a cluster in a temporary folder; PostgreSQL refuses to run as root, so as root it runs as `postgres`. */
export async function startPostgres(): Promise<Postgres> {
  const bin = postgresBin();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudfn-peer-pg-'));
  const data = path.join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  const run = (tool: string, args: string[]): void => {
    const command = asRoot ? ['runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args]] as const : [path.join(bin, tool), args] as const;
    execFileSync(command[0], [...command[1]], { stdio: ['ignore', 'ignore', 'pipe'], cwd: dir });
  };
  if (asRoot) execFileSync('chown', ['postgres:', dir]);
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale', 'C']);
  const port = await freePort();
  run('pg_ctl', ['-D', data, '-l', path.join(dir, 'postgres.log'), '-w', '-t', '60', '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`, 'start']);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => {
      try { run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']); } catch { /* already stopped */ }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface ParseServerPeer {
  url: string;
  output: () => string;
  stop: () => Promise<void>;
}

/** Starts parse-server 9.10.0 (its own CLI, a JSON config) on PostgreSQL with `cloud`, and waits for /health. */
export async function startParseServer(databaseURI: string, cloud: string): Promise<ParseServerPeer> {
  const cliFile = path.join(peerDir, 'node_modules', 'parse-server', 'bin', 'parse-server');
  if (!fs.existsSync(cliFile)) throw new Error('parse-server is not installed: run bash scripts/install-parse-peer.sh');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudfn-peer-parse-'));
  const port = await freePort();
  const config = {
    appId: 'appId', masterKey: 'masterKey', databaseURI, cloud, port, host: '127.0.0.1', mountPath: '/parse',
    serverURL: `http://127.0.0.1:${port}/parse`, allowClientClassCreation: true, logsFolder: path.join(dir, 'logs'),
    logLevel: 'info', verbose: false, masterKeyIps: ['127.0.0.1', '::1', '::ffff:127.0.0.1'],
    // Files on local disk, as cloudfn keeps them (the default GridFS adapter needs MongoDB).
    filesAdapter: { module: '@parse/fs-files-adapter', options: { filesSubDirectory: 'files' } },
  };
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
  const child: ChildProcess = spawn(process.execPath, [cliFile, path.join(dir, 'config.json')], { cwd: dir, env: { ...process.env, TZ: 'UTC' } });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  let exited = false;
  child.once('exit', () => { exited = true; });
  const url = `http://127.0.0.1:${port}/parse`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`parse-server exited:\n${output}`);
    try {
      const response = await fetch(`${url}/health`);
      if (response.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) { child.kill(); throw new Error(`parse-server did not start in 60 s:\n${output}`); }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url, output: () => output,
    stop: () => new Promise((done) => {
      if (exited) { fs.rmSync(dir, { recursive: true, force: true }); done(); return; }
      child.once('exit', () => { fs.rmSync(dir, { recursive: true, force: true }); done(); });
      child.kill('SIGTERM');
    }),
  };
}
