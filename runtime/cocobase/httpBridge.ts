// Outgoing http calls that a run may send to the network (`--allow-network`): the worker thread cannot wait for
// a promise while Python runs, so it posts the request to its supervisor and blocks on a shared buffer until
// the supervisor, which owns the network, writes the answer there. The worker keeps checking the run's
// deadline flag while it waits. Mocked and refused calls never come here (sandbox/services.py answers them).

import type { WorkerToSupervisor } from './workerProtocol';

/** The largest answer (JSON of status, headers and text) a call may bring back. */
const answerBytes = 8 * 2 ** 20;
/** How often the waiting worker looks at the deadline flag, in ms. */
const waitSliceMs = 50;

/** What the sandbox asks for: the method, the URL with its query, the headers and the body as text. */
interface HttpFetchRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | null;
  timeout: number;
}

let shared: SharedArrayBuffer | undefined;
let sequence = 0;

const failure = (message: string): string => '!' + JSON.stringify({ message });

/**
 * Worker side: sends the request to the supervisor and waits for its answer, `{status, headers, text}` as JSON
 * or "!" + `{message}`. `signals[1]` is set once the run's deadline has passed.
 */
export function fetchThroughSupervisor(post: (message: WorkerToSupervisor) => void, id: number, requestJson: string,
  signals: Int32Array): string {
  shared ??= new SharedArrayBuffer(8 + answerBytes);
  const state = new Int32Array(shared, 0, 2);
  const call = ++sequence;
  const { timeout } = JSON.parse(requestJson) as HttpFetchRequest;
  const deadline = performance.now() + timeout * 1000 + 1000;
  post({ type: 'http', id, call, request: requestJson, buffer: shared });
  while (Atomics.load(state, 0) !== call) {
    if (Atomics.load(signals, 1) !== 0) return failure('the run reached its time limit while waiting for the answer');
    if (performance.now() > deadline) return failure(`no answer within ${timeout} s`);
    Atomics.wait(state, 0, Atomics.load(state, 0), waitSliceMs);
  }
  return new TextDecoder().decode(new Uint8Array(shared, 8, Atomics.load(state, 1)).slice());
}

/** Supervisor side: makes the call when the run allows the network, and writes the answer for the worker. */
export async function answerHttp(message: Extract<WorkerToSupervisor, { type: 'http' }>, allowNetwork: boolean): Promise<void> {
  let answer: string;
  if (!allowNetwork) {
    answer = failure('the network is not allowed for this run');
  } else {
    const request = JSON.parse(message.request) as HttpFetchRequest;
    try {
      const response = await fetch(request.url, {
        method: request.method, headers: request.headers, body: request.body ?? undefined,
        signal: AbortSignal.timeout(Math.max(1, request.timeout * 1000)),
      });
      const text = await response.text();
      answer = JSON.stringify({ status: response.status, headers: Object.fromEntries(response.headers), text });
    } catch (error) {
      const cause = (error as { cause?: { message?: string } }).cause?.message;
      answer = failure(error instanceof Error ? `${error.message}${cause ? ` (${cause})` : ''}` : String(error));
    }
  }
  let bytes = new TextEncoder().encode(answer);
  if (bytes.length > answerBytes) bytes = new TextEncoder().encode(failure(`the answer is larger than ${answerBytes / 2 ** 20} MB`));
  const state = new Int32Array(message.buffer, 0, 2);
  new Uint8Array(message.buffer, 8, bytes.length).set(bytes);
  Atomics.store(state, 1, bytes.length);
  Atomics.store(state, 0, message.call);
  Atomics.notify(state, 0);
}
