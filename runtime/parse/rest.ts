// One request of the Parse REST emulation and its answer, as the HTTP layer, the CLI, the editor's host and the
// SDK inside Cloud Code hand it over (already read: method, path under the mount, JSON body, keys).

export type Json = Record<string, unknown>;

/** One REST request, after the HTTP layer (or the CLI, or the SDK) has read it. */
export interface ParseRequest {
  method: string;
  /** The path under the mount: `functions/hello`, `classes/Review/ID`, `jobs/myJob`, `batch`. */
  path: string;
  body: Json;
  master: boolean;
  sessionToken?: string;
  /** A user by objectId (the CLI's --user). */
  userId?: string;
  installationId?: string;
  headers?: Record<string, string>;
  context?: Json;
  ip?: string;
  /** A file upload's bytes and Content-Type, when the body is the file itself (serve). */
  upload?: { bytes: Buffer; contentType: string };
}

/** What Parse Server would answer: the HTTP status, the body (JSON, text for an unknown route, bytes for a file), headers. */
export interface ParseResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}
