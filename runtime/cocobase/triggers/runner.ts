// The one way a function runs for the triggers: `TriggerRunner.execute()` reads the function's current text,
// runs it on the runtime pool, records the execution, and then, when the run committed writes and was not
// itself fired by a write, fires what they trigger — the collection hooks and the legacy webhook of each write,
// in write order, each hook its own `db-event` execution with `X-Hook-Event` and the spec's payload. Writes
// of hook and webhook runs fire nothing (no loops); their log says so when they wrote to a hooked collection.

import { createHash } from 'node:crypto';
import { buildRunRequest, type RequestInput, type RunResult } from '../run';
import type { ChangeItem } from '../../store/changes';
import type { Store } from '../../store/store';
import { documentWrites, hookCalls, webhookBody } from './events';
import { ExecutionLog, executionRecord, newExecutionId, truncatedWritesNote, type ExecutionRecord, type Trigger } from './executions';
import { loadFunction, parseFunctionPath, type FunctionCode } from './functions';
import type { RuntimePool } from './pool';
import type { AuthHookEvent, TriggersProject } from './projectConfig';
import { deliverWebhook, type DeliveryOptions } from './webhooks';
import { errorMessage } from '../../errorMessage';

export interface TriggerRunnerOptions {
  pool: RuntimePool;
  /** The runner's own handle on the database: execution records, tokens, collections' webhook URLs. */
  store: Store;
  /** The project as it is now (read again on each call, so edits of cloudfn.json apply at once). */
  project: () => TriggersProject;
  timeoutMs: number;
  userAgent: string;
  /** Whether webhooks may call URLs that are not local functions. */
  allowNetwork?: boolean;
  webhookDelivery?: DeliveryOptions;
  /** A line for the server's log. */
  onLog?: (line: string) => void;
  /** Called with each execution once it is recorded (queued for the log). */
  onExecuted?: (record: ExecutionRecord) => void;
}

/** How `execute` runs a function beyond its request. */
export interface ExecuteOptions {
  /** The run sees this time, frozen (request.timestamp, datetime.now(), time.time()): a schedule fired on a set clock. */
  frozenNow?: Date;
}

export interface Execution {
  record: ExecutionRecord;
  result: RunResult;
}

/** The SHA-256 hex of a token, as `app_user_tokens` keeps it. */
export const tokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');

/** The id of the app user a bearer token signs in, or null for an unknown or expired token. */
export function userForToken(store: Store, token: string): string | null {
  const id = store.value('SELECT user_id FROM app_user_tokens WHERE project_id = ? AND token_hash = ? AND (expires_at IS NULL OR expires_at > ?)',
    [store.projectId, tokenHash(token), new Date().toISOString()]);
  return typeof id === 'string' ? id : null;
}

/** How long execution records wait in memory before they are written (a burst of runs shares one save). */
const executionLogDelayMs = 100;

export class TriggerRunner {
  readonly log: ExecutionLog;
  /** The chain of hook and webhook work, so that writes fire in order. */
  private fired: Promise<void> = Promise.resolve();
  /** The pending timer of the next write of the executions log. */
  private flushTimer: NodeJS.Timeout | undefined;
  /** Writes of this thread waiting for the runs in flight to end (see whenIdle). */
  private readonly idleWaiters: Array<() => void> = [];

  constructor(private readonly options: TriggerRunnerOptions) {
    this.log = new ExecutionLog(options.store);
    options.pool.onIdle(() => {
      for (const waiter of this.idleWaiters.splice(0)) waiter();
      this.flush();
    });
  }

  /**
   * Runs `body` — a write of the database on this thread (a sign-up, a login's token) — when no run of the pool
   * is in flight: a run holds the database's write lock from its start to its end, and waiting for the lock
   * here would stall the server.
   */
  whenIdle<T>(body: () => T): Promise<T> {
    return new Promise((resolve, reject) => {
      const go = (): void => {
        try {
          resolve(body());
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      };
      if (this.options.pool.isIdle) go();
      else this.idleWaiters.push(go);
    });
  }

  /** Runs a fire-and-forget auth hook after the work fired so far (settle() waits for it). */
  authHookLater(event: AuthHookEvent, payload: Record<string, unknown>): void {
    this.fired = this.fired.then(async () => {
      await this.authHook(event, payload);
    }).catch((error: unknown) => this.options.onLog?.(`${event} hook failed: ${errorMessage(error)}`));
  }

  /** The current text of function `id` of the project, or undefined. */
  load(id: string): FunctionCode | undefined {
    return loadFunction(this.options.project().root, id);
  }

  /** The app user a bearer token signs in (reading the database's latest state), or null. */
  userForToken(token: string): string | null {
    this.reloadStore();
    return userForToken(this.options.store, token);
  }

  /** Runs `code` with `input`, records it and (in the background) fires what its writes trigger. */
  async execute(code: FunctionCode, input: RequestInput, trigger: Trigger, onOutput?: (line: string) => void,
    options: ExecuteOptions = {}): Promise<Execution> {
    const startedAt = new Date();
    const { frozenNow } = options;
    const request = buildRunRequest({ source: code.source, filename: code.filename, timeoutMs: this.options.timeoutMs }, input,
      this.options.userAgent, frozenNow ?? startedAt);
    if (frozenNow) request.frozenNow = frozenNow.toISOString();
    // Every run reads its function's project (cloudfn.json config, secrets, templates, http mocks), as a CLI
    // run does: a function an app calls through serve, or a hook, sees the same config.get() and mocks.
    request.functionPath = code.file;
    const result = await this.options.pool.run(request, onOutput);
    return { record: this.record(code.id, input.payload, result, trigger, startedAt), result };
  }

  /**
   * Records a run that has ended (one of this runner's, or a `manual` run of the CLI or the editor) and, when it
   * committed writes and was not itself fired by a write, fires what they trigger (in the background).
   */
  record(functionName: string, payload: Record<string, unknown>, result: RunResult, trigger: Trigger, startedAt: Date,
    id?: string): ExecutionRecord {
    const record = executionRecord(functionName, payload, result, trigger, startedAt, id);
    const writes = result.committed ? documentWrites(result.changes.items) : [];
    if (trigger.by === 'db-event') {
      const project = this.options.project();
      const hooked = writes.filter((item) => project.hooks.collections[item.collection!] || this.webhookUrl(item.collection!));
      if (hooked.length) {
        record.logs += `[cloudfn] ${hooked.length} write(s) to collections with hooks or webhooks fired nothing: writes by hook and webhook runs never fire hooks (no loops)\n`;
      }
    } else if (writes.length) {
      if (result.changes.truncated) record.logs += truncatedWritesNote(writes.length);
      this.fire(writes, record.id);
    }
    this.log.add(record);
    this.flush();
    this.options.onExecuted?.(record);
    return record;
  }

  /**
   * Fires (in the background) what the committed writes of a run recorded elsewhere trigger, with that run
   * (`parentId`) as their parent: a manual run its own runtime recorded.
   */
  fireWrites(result: RunResult, parentId: string): void {
    const writes = result.committed ? documentWrites(result.changes.items) : [];
    if (writes.length) this.fire(writes, parentId);
  }

  /** Waits until every hook and webhook fired so far has run and been recorded. */
  async settle(): Promise<void> {
    let current;
    do {
      current = this.fired;
      await current;
    } while (current !== this.fired);
    this.flush(true);
  }

  /**
   * Runs an auth hook, if one is configured for `event`. For `pre_register` and `pre_login` the answer says
   * whether the operation is refused: `{"block": True, "reason"}`, or a hook that failed or timed out.
   */
  async authHook(event: AuthHookEvent, payload: Record<string, unknown>): Promise<{ blocked: boolean; reason?: string }> {
    const name = this.options.project().hooks.auth[event];
    if (!name) return { blocked: false };
    const code = this.load(name);
    const blocking = event === 'pre_register' || event === 'pre_login';
    if (!code) {
      this.options.onLog?.(`auth hook ${event}: no function '${name}'`);
      return blocking ? { blocked: true, reason: `${event} hook failed` } : { blocked: false };
    }
    const { result } = await this.execute(code, hookInput(event, payload), { by: 'db-event', detail: `auth ${event}` });
    if (!blocking) return { blocked: false };
    if (!result.success) return { blocked: true, reason: `${event} hook failed` };
    const answer = result.result as { block?: unknown; reason?: unknown } | null;
    if (answer && typeof answer === 'object' && answer.block === true) {
      return { blocked: true, reason: typeof answer.reason === 'string' ? answer.reason : `blocked by the ${event} hook` };
    }
    return { blocked: false };
  }

  /**
   * Writes the queued execution records, at once with `force`; otherwise soon (executionLogDelayMs, so that
   * a burst of requests costs one save, not one fsync each, and the answers are not held up by it) and when
   * the pool is idle, never waiting for another process's write lock (the event loop would stand still):
   * while another writer holds it, the records wait for the next try.
   */
  flush(force = false): void {
    if (this.log.pending === 0) return;
    if (force) {
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
      this.writeLog(false);
      return;
    }
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      if (this.options.pool.isIdle && !this.writeLog(true)) this.flush();
    }, executionLogDelayMs);
    this.flushTimer.unref();
  }

  /** Writes the queued records; false when the write lock was busy (`lockBusyFails`) and they stay queued. */
  private writeLog(lockBusyFails: boolean): boolean {
    try {
      return this.log.flush(lockBusyFails ? 0 : undefined);
    } catch (error) {
      this.options.onLog?.(`cannot record executions: ${errorMessage(error)}`);
      return true;
    }
  }

  private fire(writes: ChangeItem[], parentId: string): void {
    this.fired = this.fired.then(async () => {
      // The project file is read once for the run's writes, not once per write.
      const project = this.options.project();
      for (const item of writes) {
        for (const call of hookCalls(project, item)) {
          const code = this.load(call.functionName);
          if (!code) {
            this.options.onLog?.(`${call.event} hook on ${call.collection}: no function '${call.functionName}'`);
            continue;
          }
          await this.execute(code, hookInput(call.event, call.payload), { by: 'db-event', detail: `${call.event} on ${call.collection}`, parentId });
        }
        const url = this.webhookUrl(item.collection!);
        if (url) await this.webhook(url, item.collection!, webhookBody(item), parentId);
      }
    }).catch((error: unknown) => this.options.onLog?.(`hooks failed: ${errorMessage(error)}`));
  }

  private reloadStore(): void {
    try {
      this.options.store.reloadIfChangedOnDisk();
    } catch (error) {
      // The database as last read is used meanwhile.
      this.options.onLog?.(`cannot read the database: ${errorMessage(error)}`);
    }
  }

  private webhookUrl(collection: string): string | undefined {
    const store = this.options.store;
    this.reloadStore();
    const url = store.value('SELECT webhook_url FROM collections WHERE project_id = ? AND name = ?', [store.projectId, collection]);
    return typeof url === 'string' && url !== '' ? url : undefined;
  }

  /** Delivers a legacy webhook: a local function URL runs that function; other URLs only with the network. */
  private async webhook(url: string, collection: string, body: Record<string, unknown>, parentId: string): Promise<void> {
    const detail = `webhook of ${collection}`;
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    const local = parsed && parseFunctionPath(parsed.pathname);
    if (local) {
      const code = this.load(local.name);
      if (code) {
        await this.execute(code, { payload: body, query: {}, headers: { 'content-type': 'application/json' }, method: 'POST', user: null },
          { by: 'db-event', detail, parentId });
        return;
      }
    }
    const started = new Date();
    const record: ExecutionRecord = {
      id: newExecutionId(), function_name: `webhook:${collection}`, triggered_by: 'db-event', trigger_detail: `${detail} → ${url}`,
      status: 'failed', started_at: started.toISOString(), duration_ms: 0, payload: body, logs: '', result: null, error: null,
      status_code: null, parent_id: parentId,
    };
    if (!this.options.allowNetwork || !parsed) {
      record.error = parsed ? `not delivered (offline): ${url}; allow the network to post it` : `not delivered: '${url}' is not a URL`;
    } else {
      const delivery = await deliverWebhook(url, body, this.options.webhookDelivery);
      record.status = delivery.delivered ? 'success' : 'failed';
      record.status_code = delivery.status;
      record.logs = delivery.attempts.join('\n') + '\n';
      record.error = delivery.delivered ? null : `not delivered: ${delivery.attempts.at(-1) ?? ''}`;
    }
    record.duration_ms = Date.now() - started.getTime();
    this.options.onLog?.(`${detail}: ${record.error ?? 'delivered'}`);
    this.log.add(record);
    this.flush();
  }
}

/** The request of a hook run: a POST of `payload` with its `X-Hook-Event` header. */
function hookInput(event: string, payload: Record<string, unknown>): RequestInput {
  return { payload, query: {}, headers: { 'x-hook-event': event, 'content-type': 'application/json' }, method: 'POST', user: null };
}
