// Outgoing http calls that a run may send to the network (`--allow-network`). The runtime process is confined
// (no sockets, no fetch: confinement.ts) and cannot wait for a promise while Python runs, so it writes the
// request on a pipe of its own (stdio slot `httpPipeFd`, a UNIX socketpair whose end in the process is
// blocking) and blocks reading that pipe until its supervisor, which owns the network, writes the answer back.
// The permission model checks paths, not file descriptors: reading and writing an inherited descriptor stays
// allowed. The supervisor stops waiting for the network at the run's deadline and answers with a failure, so
// the process is never blocked beyond its time limit (and is killed after it in any case). Mocked and refused
// calls never come here (sandbox/services.py answers them).

import fs from 'node:fs';

/** The runtime process's descriptor of its http pipe: slot 4 of its stdio (after stdin, stdout, stderr, ipc). */
export const httpPipeFd = 4;

/** The largest answer (JSON of status, headers and text) a call may bring back. */
const answerBytes = 8 * 2 ** 20;

/** What the sandbox asks for: the method, the URL with its query, the headers and the body as text. */
interface HttpFetchRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | null;
  timeout: number;
}

/** One line on the pipe from the process: a call of run `id`. */
export interface HttpPipeRequest {
  id: number;
  call: number;
  request: string;
}

/** One line on the pipe to the process: the answer to `call`. */
interface HttpPipeAnswer {
  call: number;
  answer: string;
}

let sequence = 0;
/** Bytes read from the pipe after the last complete line. */
let unread = Buffer.alloc(0);

const failure = (message: string): string => '!' + JSON.stringify({ message });

/**
 * The supervisor's answer when the run's time limit came first: the sandbox raises the time limit's
 * KeyboardInterrupt in the user's code at once (the process's own deadline, armed when the run reached it, may
 * be a little later), so the run ends as a TimeoutError.
 */
export const runDeadlineAnswer = '!' + JSON.stringify({ message: 'the run reached its time limit while waiting for the answer', deadline: true });

/** Process side: writes all of `text` on the pipe (a blocking descriptor; EAGAIN only if it is not). */
function writeAll(text: string): void {
  const bytes = Buffer.from(text);
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += fs.writeSync(httpPipeFd, bytes, offset, bytes.length - offset);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
}

/** Process side: the next complete line on the pipe, blocking until it is there. */
function readLine(): string {
  const chunk = Buffer.alloc(64 * 1024);
  for (;;) {
    const end = unread.indexOf(10);
    if (end >= 0) {
      const line = unread.subarray(0, end).toString('utf8');
      unread = Buffer.from(unread.subarray(end + 1));
      return line;
    }
    let count: number;
    try {
      count = fs.readSync(httpPipeFd, chunk, 0, chunk.length, null);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
      continue;
    }
    if (count === 0) throw new Error('the supervisor closed the http pipe');
    unread = Buffer.concat([unread, chunk.subarray(0, count)]);
  }
}

/**
 * Process side: sends the request of run `id` to the supervisor and blocks until its answer,
 * `{status, headers, text}` as JSON or "!" + `{message}`.
 */
export function fetchThroughSupervisor(id: number, requestJson: string): string {
  const call = ++sequence;
  try {
    writeAll(JSON.stringify({ id, call, request: requestJson } satisfies HttpPipeRequest) + '\n');
    for (;;) {
      const answer = JSON.parse(readLine()) as HttpPipeAnswer;
      if (answer.call === call) return answer.answer;
    }
  } catch (error) {
    return failure(`the runtime's http pipe failed: ${(error as Error).message}`);
  }
}

/** Supervisor side: the line to write on the pipe for `answer` to `call`. */
export function httpAnswerLine(call: number, answer: string): string {
  return JSON.stringify({ call, answer } satisfies HttpPipeAnswer) + '\n';
}

/**
 * Supervisor side: makes the call when the run allows the network, giving up at the run's `deadline`
 * (performance.now() milliseconds), and resolves with the answer for the process.
 */
export async function answerHttp(message: HttpPipeRequest, allowNetwork: boolean, deadline: number): Promise<string> {
  let answer: string;
  if (!allowNetwork) {
    answer = failure('the network is not allowed for this run');
  } else {
    const request = JSON.parse(message.request) as HttpFetchRequest;
    const left = deadline - performance.now();
    const ownLimit = Math.max(1, Math.ceil(request.timeout * 1000));
    try {
      const response = await fetch(request.url, {
        method: request.method, headers: request.headers, body: request.body ?? undefined,
        signal: AbortSignal.timeout(Math.max(1, Math.ceil(Math.min(ownLimit, left)))),
      });
      const text = await response.text();
      answer = JSON.stringify({ status: response.status, headers: Object.fromEntries(response.headers), text });
    } catch (error) {
      if (left < ownLimit && performance.now() >= deadline) {
        answer = runDeadlineAnswer;
      } else {
        const cause = (error as { cause?: { message?: string } }).cause?.message;
        answer = failure(error instanceof Error ? `${error.message}${cause ? ` (${cause})` : ''}` : String(error));
      }
    }
  }
  if (Buffer.byteLength(answer) > answerBytes) answer = failure(`the answer is larger than ${answerBytes / 2 ** 20} MB`);
  return answer;
}
