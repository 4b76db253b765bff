// Legacy `webhook_url` delivery to a URL that is not a local function (spec §7): a JSON POST with
// `User-Agent: Cocobase-Webhook/1.0`, 10 s per attempt, up to 3 attempts waiting 1 s then 2 s, retried on
// network errors and 5xx, never on 4xx. Only when the network is allowed; otherwise nothing is sent.

import { errorMessage } from '../../errorMessage';

export interface DeliveryOptions {
  /** Waits before the 2nd and 3rd attempts, in ms (1 s and 2 s; tests pass shorter ones). */
  retryDelaysMs?: readonly number[];
  attemptTimeoutMs?: number;
}

export interface Delivery {
  delivered: boolean;
  /** One line per attempt: its HTTP status or network error. */
  attempts: string[];
  status: number | null;
}

export const webhookHeaders = { 'Content-Type': 'application/json', 'User-Agent': 'Cocobase-Webhook/1.0' };

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Posts `body` to `url` with the retry policy. */
export async function deliverWebhook(url: string, body: Record<string, unknown>, options: DeliveryOptions = {}): Promise<Delivery> {
  const delays = options.retryDelaysMs ?? [1000, 2000];
  const attempts: string[] = [];
  for (let attempt = 0; ; attempt++) {
    let status: number | null = null;
    try {
      const response = await fetch(url, {
        method: 'POST', headers: webhookHeaders, body: JSON.stringify(body), signal: AbortSignal.timeout(options.attemptTimeoutMs ?? 10_000),
      });
      await response.arrayBuffer();
      status = response.status;
      attempts.push(`attempt ${attempt + 1}: HTTP ${status}`);
      if (status < 500) return { delivered: status < 400, attempts, status };
    } catch (error) {
      attempts.push(`attempt ${attempt + 1}: ${errorMessage(error)}`);
    }
    if (attempt >= delays.length) return { delivered: false, attempts, status };
    await sleep(delays[attempt]!);
  }
}
