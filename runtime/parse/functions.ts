// Cloud functions and jobs (as Parse Server's FunctionsRouter): a define() handler called with its validator,
// its result encoded as Parse Server does and the "Ran cloud function…" line logged; a job started with the
// master key, tracked in _JobStatus (running → succeeded/failed with its message, finishedAt) and run in the
// background after the answer.

import type { AppContext } from './context';
import { baseRequest, functionRequest, jobRequest, type ParseObject } from './cloudRequests';
import { HttpFailure, ParseCode, ParseFailure, resolveError, thrownStack } from './errors';
import { spinMessage, unwrapped } from './deadlines';
import { invokeFunction, invokeJob, type JobOutcome } from './invoke';
import type { Json, ParseRequest, ParseResponse } from './rest';
import { runValidator } from './validators';
import { jsonCopy, jsonText } from './values';
import { onLoopStop, runWatched, watchSource } from './watchdog';

/** POST functions/NAME. */
export async function callFunction(ctx: AppContext, name: string, request: ParseRequest): Promise<ParseResponse> {
  const fn = ctx.registry.functions.get(name);
  if (!fn) throw new ParseFailure(ParseCode.scriptFailed, `Invalid function: "${name}"`);
  const params = decodeParams(ctx, request.body);
  const cloudRequest = functionRequest(baseRequest(ctx, request), name, params);
  const user = (cloudRequest.user as ParseObject)?.id;
  try {
    await runValidator(fn.validator, cloudRequest);
    const outcome = await invokeFunction(fn.handler, cloudRequest, ctx.work.quietFromNow(),
      () => ctx.logs.warnLegacy(`define("${name}") answering through response.success/error`));
    const result = ctx.Parse._encode(outcome.value);
    ctx.logs.add('info', `Ran cloud function ${name} for user ${user} with:\n  Input: ${jsonText(request.body)}\n  Result: ${jsonText(result)}`);
    return { status: outcome.status ?? 200, body: jsonCopy({ result }), headers: outcome.headers };
  } catch (error) {
    const failure = error instanceof ParseFailure ? error : resolveError(error);
    ctx.logs.add('error', `Failed running cloud function ${name} for user ${user} with:\n  Input: ${jsonText(request.body)}\n  Error: ${jsonText(failure.body)}`, thrownStack(error));
    throw failure;
  }
}

/** POST jobs/NAME: answers at once with the _JobStatus id; the job runs on the next turn, tracked as background work. */
export function startJob(ctx: AppContext, name: string, request: ParseRequest): ParseResponse {
  if (!request.master) throw new HttpFailure(403, 'Permission denied');
  const job = ctx.registry.jobs.get(name);
  if (!job) throw new ParseFailure(ParseCode.scriptFailed, 'Invalid job.');
  const { record } = ctx.classes.create('_JobStatus', { jobName: name, status: 'running', source: 'api', ACL: {} });
  const jobId = record.objectId;
  const setMessage = (message: unknown): void => {
    if (typeof message === 'string' && message) ctx.classes.update('_JobStatus', jobId, { message });
  };
  const cloudRequest = jobRequest(ctx, request, name, jobId, setMessage);
  // A job the event-loop watchdog stops (it held the thread past the time limit) never settles: its end is
  // taken from the stop instead, as a failure with the time limit's message.
  let stopped: (outcome: JobOutcome) => void = () => undefined;
  const stop = new Promise<JobOutcome>((resolve) => { stopped = resolve; });
  const unlisten = onLoopStop((labels, timeoutMs) => { if (labels.includes(jobId)) stopped({ status: 'failed', message: spinMessage(timeoutMs) }); });
  // A stop in a callback written inside the job (a legacy job's .then, a bare setTimeout) names it too.
  const unwatch = watchSource(jobId, unwrapped(job.handler));
  const run = new Promise<void>((resolve) => setImmediate(resolve))
    // A legacy job (one whose source uses its status parameter, and returns nothing) is waited for until it
    // calls status.success or status.error, however long: it runs in the background, and no request waits for
    // it. A job that declares the parameter but never uses it is called with the request alone, as on Parse 9.
    .then(() => Promise.race([stop, invokeJob(job.handler, cloudRequest, setMessage, () => new Promise<void>(() => undefined),
      () => ctx.logs.warnLegacy(`job "${name}" with (request, status) and status.message/success/error`), (call) => runWatched(jobId, call))]))
    .then(({ status, message }) => {
      unlisten();
      unwatch();
      const update: Json = { status, finishedAt: { __type: 'Date', iso: new Date().toISOString() } };
      if (typeof message === 'string' && message) update.message = message;
      else if (message instanceof Error && typeof message.message === 'string') update.message = message.message;
      ctx.classes.update('_JobStatus', jobId, update);
      ctx.logs.add(status === 'failed' ? 'error' : 'info', `Job ${name} (_JobStatus ${jobId}) ${status}${update.message !== undefined ? `: ${String(update.message)}` : ''}`);
    })
    .catch((error) => ctx.logs.add('error', `Job ${name} could not record its status: ${String(error)}`));
  void ctx.work.track(run);
  return { status: 200, body: {}, headers: { 'X-Parse-Job-Status-Id': jobId } };
}

/**
 * Function params as Parse Server's FunctionsRouter gives them: each value of the body decoded, recursively —
 * Dates become Date objects (keeping __type/iso), Files Parse.File and Pointers Parse.Object.
 */
function decodeParams(ctx: AppContext, params: Json): Json {
  const decode = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(decode);
    if (!value || typeof value !== 'object') return value;
    const object = value as Json;
    if (object.__type === 'Date' && typeof object.iso === 'string') return Object.assign(new Date(object.iso), object);
    if (object.__type === 'File') return ctx.Parse.File.fromJSON(object);
    if (object.__type === 'Pointer') return ctx.Parse.Object.fromJSON({ __type: 'Pointer', className: object.className, objectId: object.objectId });
    return decodeParams(ctx, object);
  };
  return Object.fromEntries(Object.entries(params).map(([key, item]) => [key, decode(item)]));
}

/** GET cloud_code/jobs/data: the jobs Cloud Code defines (none is scheduled locally); master key only. */
export function jobsData(ctx: AppContext, request: ParseRequest): ParseResponse {
  if (!request.master) throw new HttpFailure(403, 'unauthorized: master key is required');
  return { status: 200, body: { in_use: [], jobs: [...ctx.registry.jobs.keys()] } };
}
