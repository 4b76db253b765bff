// One request of the peer comparison scenario (test/parse-peer/peer.peer.ts), as data: what is sent, with
// which keys, and what is taken from the answer for later steps.

export interface Step {
  name: string;
  method: string;
  path: string;
  body?: Record<string, unknown>;
  master?: boolean;
  appId?: string;
  /** Sends no X-Parse-Application-Id header at all. */
  noAppId?: boolean;
  /** Keys as HTTP Basic auth (`appId:masterKey`) instead of X-Parse-* headers. */
  basic?: string;
  /** The variable holding the session token to send as X-Parse-Session-Token. */
  session?: string;
  /** A raw body with its Content-Type (a file upload) instead of JSON. */
  raw?: { contentType: string; text: string };
  /** Variables taken from the response body: name → key. */
  capture?: Record<string, string>;
  captureHeader?: Record<string, string>;
  /** Response headers compared too (lower case): the body is then compared as `{body, headers}`. */
  headers?: string[];
  /** Polls (GET) until the body's `status` is this. */
  waitFor?: string;
  /**
   * Polls (GET) until each of these fields of the body has its value: for what a server writes after it
   * answered (parse-server saves a job's `message` asynchronously, so a read at once may not see it yet).
   */
  waitForFields?: Record<string, string>;
}

export const pointer = (className: string, id: string): Record<string, string> => ({ __type: 'Pointer', className, objectId: id });
