// What the run panel shows of a CocoBASE run's side effects and rendered HTML, as plain data for the webview:
// the "Mail & HTTP" section (each mail of the outbox, each outgoing http call with who answered it) and the
// HTML a function returned (shown in a sandboxed preview and as source). Pure: no VS Code API.

import type { HttpCall, OutboxMail, RunResult } from '../../../runtime/cocobase/run';

/** One mail of the run's outbox as the panel lists it. */
export interface MailView {
  to: string;
  subject: string;
  /** The body as one line of text (tags of an HTML body removed), cut at `excerptLength`; a template's id and context otherwise. */
  excerpt: string;
  /** The body when it is HTML (for the sandboxed preview), else null. */
  html: string | null;
  /** The full body as text, null for a template mail. */
  body: string | null;
}

/** One outgoing http call as the panel lists it. */
export interface HttpCallView {
  method: string;
  url: string;
  /** The answer's status, or `—` when there was none (refused, failed). */
  status: string;
  source: HttpCall['source'];
  /** Who answered, in words: `answered by a mock in fetch.http.json`, `sent to the network`, `refused (offline)`. */
  answeredBy: string;
  /** The file of the mock that answered, when the runtime names it; else null. */
  mockFile: string | null;
  durationMs: number;
}

/** The run's mails and http calls; null when it has neither (the panel then shows no section). */
export interface EffectsView {
  mails: MailView[];
  calls: HttpCallView[];
}

/** Characters of a mail's body the list shows. */
export const excerptLength = 200;

const answeredBy: Record<HttpCall['source'], string> = {
  mock: 'answered by a mock',
  network: 'sent to the network',
  refused: 'refused (offline)',
};

/** Whether a text is (most likely) HTML: it holds an element tag. */
export function looksLikeHtml(text: string): boolean {
  return /<\/?[a-zA-Z][a-zA-Z0-9-]*(\s[^<>]*)?\/?>/.test(text);
}

/** The visible text of an HTML fragment, on one line: comments, script and style contents and tags removed. */
export function htmlText(html: string): string {
  return html
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

function cut(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}

export function mailView(mail: OutboxMail): MailView {
  const body = mail.body;
  const html = body !== null && looksLikeHtml(body) ? body : null;
  let excerpt: string;
  if (body !== null && body !== '') excerpt = cut(html !== null ? htmlText(html) : body.replace(/\s+/g, ' ').trim(), excerptLength);
  else excerpt = `template ${mail.template_id ?? '(none)'}${mail.context ? ` with ${cut(JSON.stringify(mail.context), excerptLength)}` : ''}`;
  return { to: mail.to.join(', '), subject: mail.subject, excerpt, html, body };
}

export function httpCallView(call: HttpCall): HttpCallView {
  return {
    method: call.method, url: call.url, status: call.status === null ? '—' : String(call.status), source: call.source,
    answeredBy: call.mock_file ? `${answeredBy[call.source]} in ${call.mock_file}` : answeredBy[call.source], mockFile: call.mock_file ?? null,
    durationMs: call.duration_ms,
  };
}

/** The "Mail & HTTP" section of a run; null for a run without mails and http calls (and before it ended). */
export function effectsView(result: Pick<RunResult, 'outbox' | 'http_calls'> | null): EffectsView | null {
  // Results kept from before the runtime reported effects have neither field.
  const mails = result?.outbox ?? [];
  const calls = result?.http_calls ?? [];
  if (mails.length === 0 && calls.length === 0) return null;
  return { mails: mails.map(mailView), calls: calls.map(httpCallView) };
}

/** The HTML a run returned (render_html, render_template: content type text/html), or null. */
export function renderedHtml(result: Pick<RunResult, 'success' | 'content_type' | 'result'> | null): string | null {
  if (!result?.success || typeof result.result !== 'string') return null;
  return result.content_type !== null && /^text\/html\b/i.test(result.content_type) ? result.result : null;
}
