// Defence in depth: the sandbox's first wall (the Python checks) is assumed fallen. A test-only hook hands user
// code the JavaScript `Function` constructor of the runtime process (`js_function`), and the code tries what
// the escape did: read a host file, write one, start a process, read the environment, open sockets.
// In the confined runtime process every attempt is refused; in the same process started without its
// confinement (the other test-only switch) every attempt succeeds, so these tests can fail.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import dgram from 'node:dgram';
import { once } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { startRuntimeProcess, type RuntimeProcess } from '../../runtime/cocobase/runtimeProcess';
import type { RunResult } from '../../runtime/cocobase/run';
import type { WorkerToSupervisor } from '../../runtime/cocobase/workerProtocol';
import { runRequest, tempDir } from '../helpers';

const canary = `canary-${crypto.randomUUID()}`;
const dir = tempDir();
const secretFile = path.join(dir, 'secret.txt');

/** A started runtime process and a way to run one function in it. */
interface Runtime {
  process: RuntimeProcess;
  run(source: string): Promise<RunResult>;
}

async function startRuntime(unconfined: boolean): Promise<Runtime> {
  const runtime = startRuntimeProcess({ dbPath: path.join(dir, `${unconfined ? 'open' : 'confined'}.db`), memoryLimitMb: 256, unsafeTestHooks: { jsFunction: true, unconfined } });
  runtime.stderr.resume();
  runtime.stdout.resume();
  const [ready] = await once(runtime, 'message') as [WorkerToSupervisor];
  assert.equal(ready.type, 'ready', JSON.stringify(ready));
  let nextId = 1;
  return {
    process: runtime,
    run(source) {
      const id = nextId++;
      return new Promise((resolve) => {
        const listener = (message: WorkerToSupervisor): void => {
          if (message.type === 'result' && message.id === id) {
            runtime.off('message', listener);
            resolve(message.result);
          }
        };
        runtime.on('message', listener);
        runtime.postMessage({ type: 'run', id, run: runRequest(source) });
      });
    },
  };
}

/** A cloud function that runs `body` as JavaScript in the runtime process and returns its value as text. */
const javascript = (body: string): string => `def main():\n    return str(js_function(${JSON.stringify(body)})())\n`;
const builtin = (name: string): string => `process.getBuiltinModule(${JSON.stringify(name)})`;

/** Waits until `seen()` or the time is up; returns `seen()`. */
async function within(ms: number, seen: () => boolean): Promise<boolean> {
  const end = performance.now() + ms;
  while (!seen() && performance.now() < end) await new Promise((resolve) => setTimeout(resolve, 20));
  return seen();
}

interface Listeners {
  tcpPort: number;
  httpPort: number;
  udpPort: number;
  connections: () => number;
  close(): void;
}

/** Local TCP, HTTP and UDP servers that count what reaches them. */
async function listeners(): Promise<Listeners> {
  let count = 0;
  const tcp = net.createServer((socket) => { count++; socket.destroy(); });
  const web = http.createServer((_request, response) => { count++; response.end('ok'); });
  const udp = dgram.createSocket('udp4');
  udp.on('message', () => count++);
  await Promise.all([
    new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve)),
    new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve)),
    new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve)),
  ]);
  return {
    tcpPort: (tcp.address() as net.AddressInfo).port,
    httpPort: (web.address() as net.AddressInfo).port,
    udpPort: udp.address().port,
    connections: () => count,
    close() { tcp.close(); web.close(); udp.close(); },
  };
}

/** One attempt: the JavaScript it runs, and whether it reached the host (judged from its result and the host). */
interface Attempt {
  name: string;
  body: (servers: Listeners, marker: string) => string;
  reached: (result: RunResult, servers: Listeners, marker: string) => Promise<boolean>;
}

const leaked = (result: RunResult): boolean => JSON.stringify(result).includes(canary);
const connected = (servers: Listeners, before: number) => within(1_000, () => servers.connections() > before);

const attempts: Attempt[] = [
  {
    name: 'read a host file',
    body: () => `return ${builtin('fs')}.readFileSync(${JSON.stringify(secretFile)}, 'utf8')`,
    reached: async (result) => leaked(result),
  },
  {
    name: 'read /etc/passwd',
    body: () => `return ${builtin('fs')}.readFileSync('/etc/passwd', 'utf8')`,
    reached: async (result) => JSON.stringify(result).includes('root:'),
  },
  {
    // The grants name the database's files exactly: a prefix grant (`confined.db*`) would let this through.
    name: 'read a file beside the database whose name begins with the database\'s',
    body: () => `return ${builtin('fs')}.readFileSync(${JSON.stringify(path.join(dir, 'confined.db-backup'))}, 'utf8') + ${builtin('fs')}.readFileSync(${JSON.stringify(path.join(dir, 'open.db-backup'))}, 'utf8')`,
    reached: async (result) => leaked(result),
  },
  {
    name: 'read another process\'s environment in /proc',
    body: () => `return ${builtin('fs')}.readFileSync('/proc/' + process.ppid + '/environ', 'latin1')`,
    reached: async (result) => JSON.stringify(result).includes('PATH='),
  },
  {
    name: 'signal another process',
    body: () => 'process.kill(process.ppid, 0); return "signalled"',
    reached: async (result) => result.success,
  },
  {
    name: 'write a host file',
    body: (_servers, marker) => `${builtin('fs')}.writeFileSync(${JSON.stringify(marker)}, 'written'); return 'done'`,
    reached: async (_result, _servers, marker) => fs.existsSync(marker),
  },
  {
    name: 'start a process',
    body: (_servers, marker) => `return ${builtin('child_process')}.execFileSync(process.execPath, ['-e', 'require("fs").writeFileSync(${JSON.stringify(marker).replace(/"/g, '\\"')}, "spawned")'], { encoding: 'utf8' }) + 'ran'`,
    reached: async (_result, _servers, marker) => fs.existsSync(marker),
  },
  {
    name: 'start a worker thread',
    body: (_servers, marker) => `new (${builtin('worker_threads')}.Worker)('require("fs").writeFileSync(${JSON.stringify(marker).replace(/"/g, '\\"')}, "worker")', { eval: true }); return 'started'`,
    reached: async (_result, _servers, marker) => within(2_000, () => fs.existsSync(marker)),
  },
  {
    name: 'read the environment',
    body: () => 'return JSON.stringify(process.env)',
    reached: async (result) => leaked(result),
  },
  {
    name: 'open a TCP connection',
    body: (servers) => `const socket = ${builtin('net')}.connect(${servers.tcpPort}, '127.0.0.1'); socket.on('error', () => {}); return 'connecting'`,
    reached: async (_result, servers) => connected(servers, servers.connections()),
  },
  {
    name: 'open a TCP connection through the main module\'s require',
    body: (servers) => `process.mainModule.require('node:net').connect(${servers.tcpPort}, '127.0.0.1').on('error', () => {}); return 'connecting'`,
    reached: async (_result, servers) => connected(servers, servers.connections()),
  },
  {
    name: 'fetch over HTTP',
    body: (servers) => `fetch('http://127.0.0.1:${servers.httpPort}/').catch(() => {}); return 'fetching'`,
    reached: async (_result, servers) => connected(servers, servers.connections()),
  },
  {
    name: 'send a UDP datagram',
    body: (servers) => `const socket = ${builtin('dgram')}.createSocket('udp4'); socket.send('x', ${servers.udpPort}, '127.0.0.1', () => socket.close()); return 'sent'`,
    reached: async (_result, servers) => connected(servers, servers.connections()),
  },
  {
    name: 'open the inspector\'s port',
    body: () => `${builtin('inspector')}.open(0, '127.0.0.1'); return 'listening'`,
    reached: async (result) => result.success,
  },
  {
    name: 'listen on a port',
    body: () => `const server = ${builtin('net')}.createServer(); server.listen(0, '127.0.0.1'); return 'listening'`,
    reached: async (result) => result.success,
  },
];

let servers: Listeners;
before(async () => {
  process.env.CLOUDFN_TEST_CANARY = canary;
  fs.writeFileSync(secretFile, canary);
  for (const name of ['confined.db-backup', 'open.db-backup']) fs.writeFileSync(path.join(dir, name), canary);
  servers = await listeners();
});
after(() => servers.close());

for (const unconfined of [false, true]) {
  describe(unconfined ? 'without the confinement, each attempt reaches the host' : 'the confined runtime process refuses each attempt', () => {
    let runtime: Runtime;
    before(async () => { runtime = await startRuntime(unconfined); }, { timeout: 60_000 });
    after(() => runtime.process.terminate());

    for (const attempt of attempts) {
      test(attempt.name, async () => {
        const marker = path.join(dir, `marker-${crypto.randomUUID()}`);
        const result = await runtime.run(javascript(attempt.body(servers, marker)));
        const reached = await attempt.reached(result, servers, marker);
        assert.equal(reached, unconfined, `${unconfined ? 'did not reach' : 'reached'} the host: ${JSON.stringify(result).slice(0, 400)}`);
      });
    }
  });
}

test('the test hook is off unless the test asks for it: js_function is not defined', async () => {
  const runtime = startRuntimeProcess({ dbPath: path.join(dir, 'plain.db'), memoryLimitMb: 256 });
  runtime.stderr.resume();
  runtime.stdout.resume();
  try {
    assert.equal(((await once(runtime, 'message')) as [WorkerToSupervisor])[0].type, 'ready');
    runtime.postMessage({ type: 'run', id: 1, run: runRequest(javascript('return 1')) });
    const [message] = await once(runtime, 'message') as [WorkerToSupervisor];
    assert.ok(message.type === 'result' && message.result.error_type === 'NameError', JSON.stringify(message));
  } finally {
    await runtime.terminate();
  }
});
