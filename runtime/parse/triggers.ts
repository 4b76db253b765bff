// Runs the save and delete triggers, whatever their kind, through one function (as Parse Server's
// maybeRunTrigger): the registered trigger is looked up, its request built (cloudRequests.ts), its validator
// and handler run. A before-trigger's failure refuses the write (resolveError: 141, or the Parse.Error's
// code); an afterSave's failure is only logged, and afterDelete's, afterLogin's and afterLogout's are logged
// and answered. The triggers of Parse.Config (`@Config`) run here too, around `PUT config`.

import type { AppContext } from './context';
import { inflate, triggerRequest, type ParseObject } from './cloudRequests';
import { ParseCode, ParseFailure, resolveError, thrownStack } from './errors';
import { invokeBeforeTrigger } from './invoke';
import type { Registered, RunTriggerType } from './registry';
import type { Json } from './rest';
import { runValidator, skipsWithMasterKey } from './validators';
import { isObject, jsonText, publicView, type ParseRecord } from './values';

/** What a trigger acts on. */
export interface TriggerTarget {
  className: string;
  /** The stored record the trigger's object is made from (and that a failing after-trigger's log shows). */
  record?: ParseRecord;
  /** The object when it is not the record's: a beforeSave's, with the request's data set. */
  object?: () => ParseObject;
  /** For save triggers: the stored object before the write; undefined for a new object. */
  original?: ParseRecord;
}

/** A trigger that ran: its request, its object, and what its handler returned (undefined when it failed). */
export interface TriggerRun {
  request: Json;
  object: ParseObject;
  returned: unknown;
}

/**
 * Runs the `triggerName` trigger of `target.className` when one is registered (undefined otherwise). `use`
 * takes what an after-trigger returned; its failure is the trigger's (logged).
 */
export async function maybeRunTrigger(ctx: AppContext, triggerName: RunTriggerType, target: TriggerTarget, base: Json, use?: (returned: unknown, object: ParseObject) => void): Promise<TriggerRun | undefined> {
  const registered = ctx.registry.trigger(triggerName, target.className);
  if (!registered) return undefined;
  const object = target.object ? target.object() : inflate(ctx, target.className, target.record!);
  // An afterSave of a create sees an object that did not exist before the request, as on Parse Server.
  if (triggerName === 'afterSave' && !target.original) object._setExisted(false);
  const request = triggerRequest(ctx, triggerName, base, object, target.className, target.original);
  const leave = enterTrigger(ctx, triggerName, target.className, target.record?.objectId ?? target.original?.objectId);
  try {
    return await runTrigger(ctx, triggerName, target, base, registered, object, request, use);
  } finally {
    leave();
  }
}

/** How deeply the same trigger of the same object may run inside itself (an afterSave that saves its object). */
const maxTriggerNesting = 16;
const activeTriggers = new WeakMap<AppContext, Map<string, number>>();

/**
 * Counts one run of a trigger on one object; refuses (141) a run nested deeper than maxTriggerNesting in runs
 * of the same trigger on the same object — an endless recursion, which would otherwise take the process's
 * CPU and memory for ever. Returns the function that ends the run.
 */
function enterTrigger(ctx: AppContext, triggerName: string, className: string, objectId: string | undefined): () => void {
  if (!objectId) return () => undefined;
  let active = activeTriggers.get(ctx);
  if (!active) activeTriggers.set(ctx, active = new Map());
  const key = `${triggerName}:${className}:${objectId}`;
  const depth = (active.get(key) ?? 0) + 1;
  if (depth > maxTriggerNesting) {
    throw new ParseFailure(ParseCode.scriptFailed, `${triggerName} of ${className} ${objectId} runs inside itself more than ${maxTriggerNesting} times: an endless recursion (save with the master key and { skipWithMasterKey: true }, or check request.original)`);
  }
  active.set(key, depth);
  return () => {
    if (depth === 1) active.delete(key); else active.set(key, depth - 1);
  };
}

async function runTrigger(ctx: AppContext, triggerName: RunTriggerType, target: TriggerTarget, base: Json, registered: Registered, object: ParseObject, request: Json, use?: (returned: unknown, object: ParseObject) => void): Promise<TriggerRun> {
  if (triggerName === 'beforeSave' || triggerName === 'beforeDelete' || triggerName === 'beforeLogin') {
    try {
      await runValidator(registered.validator, request);
      if (skipsWithMasterKey(registered.validator, request)) return { request, object, returned: undefined };
      await invokeBeforeTrigger(registered.handler, request, ctx.work.quietFromNow(),
        () => ctx.logs.warnLegacy(`${triggerName}("${target.className}") with (request, response) and response.success/error`));
    } catch (error) {
      throw resolveError(error);
    }
    keepContext(triggerName, base, request);
    return { request, object, returned: undefined };
  }
  try {
    await runValidator(registered.validator, request);
    if (skipsWithMasterKey(registered.validator, request)) {
      use?.(undefined, object);
      return { request, object, returned: undefined };
    }
    const returned = await Promise.resolve().then(() => registered.handler(request));
    keepContext(triggerName, base, request);
    use?.(returned, object);
    return { request, object, returned };
  } catch (error) {
    const failure = resolveError(error);
    const user = (base.user as { id?: string } | undefined)?.id;
    ctx.logs.add('error', `${triggerName} failed for ${target.className} for user ${user}:\n  Input: ${jsonText(publicView(target.record ?? {}))}\n  Error: ${jsonText(failure.body)}`, thrownStack(error));
    // Parse Server only logs an afterSave's failure; afterDelete's, afterLogin's and afterLogout's fail the
    // request (after the delete, login or logout took place).
    if (triggerName !== 'afterSave') throw failure;
    return { request, object, returned: undefined };
  }
}

/**
 * What a save or delete trigger left in `request.context` (changed, or replaced by another object) is merged
 * into the request's context, which the next trigger of the same request sees (as Parse Server does).
 */
function keepContext(triggerName: RunTriggerType, base: Json, request: Json): void {
  if (!['beforeSave', 'afterSave', 'beforeDelete', 'afterDelete'].includes(triggerName)) return;
  if (isObject(base.context) && isObject(request.context)) Object.assign(base.context, request.context);
}

/** The class name Parse Server files Parse.Config's triggers under (its getClassName of Parse.Config). */
export const configClassName = '@Config';

/**
 * Runs the beforeSave or afterSave of Parse.Config around `PUT config` (Parse Server's
 * maybeRunGlobalConfigTrigger): `object` is a Parse.Config holding `params`, `original` the stored one when
 * there was one. A failure of either refuses the request: 141 with "Script failed. Unknown error." for an
 * empty throw, or the thrown Parse.Error's code.
 */
export async function maybeRunConfigTrigger(ctx: AppContext, triggerName: 'beforeSave' | 'afterSave', base: Json, params: Json, original: Json | undefined): Promise<void> {
  const registered = ctx.registry.trigger(triggerName, configClassName);
  if (!registered) return;
  const request: Json = { ...base, triggerName, object: configObject(ctx, params) };
  if (original) request.original = configObject(ctx, original);
  try {
    await runValidator(registered.validator, request);
    if (skipsWithMasterKey(registered.validator, request)) return;
    await registered.handler(request);
  } catch (error) {
    throw resolveError(error, ParseCode.scriptFailed, 'Script failed. Unknown error.');
  }
}

/** A Parse.Config holding `params` (decoded), as Parse Server's getConfigFromParams makes it. */
function configObject(ctx: AppContext, params: Json): ParseObject {
  const config = new ctx.Parse.Config();
  for (const [key, value] of Object.entries(params)) config.attributes[key] = ctx.Parse._decode(undefined, value);
  return config;
}
