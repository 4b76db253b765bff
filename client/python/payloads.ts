// Named payloads of a function in the editor: where `<name>.payloads.json` is, and adding an entry to it. The
// file is read by runtime/testing/payloadsFile.ts, shared with `cloudfn test`.

import type { RequestInput } from '../../runtime/cocobase/run';

export { readPayloads, PayloadFileError, payloadsFileFor, type NamedPayload } from '../../runtime/testing/payloadsFile';

/** The payloads file text with one more entry (or a replaced one), keeping the others in order. */
export function withPayload(text: string | undefined, name: string, spec: RequestInput): string {
  const current: Record<string, unknown> = text?.trim() ? (JSON.parse(text) as Record<string, unknown>) : {};
  return JSON.stringify({ ...current, [name]: spec }, null, 2) + '\n';
}
