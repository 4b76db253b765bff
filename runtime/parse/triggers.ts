// Runs the save and delete triggers, whatever their kind, through one function (as Parse Server's
// maybeRunTrigger): the registered trigger is looked up, its request built (cloudRequests.ts), its validator
// and handler run. A before-trigger's failure refuses the write (resolveError: 141, or the Parse.Error's
// code); an after-trigger's failure is only logged.

import type { AppContext } from './context';
import { inflate, triggerRequest, type ParseObject } from './cloudRequests';
import { resolveError, thrownStack } from './errors';
import { invokeBeforeTrigger, isLegacy } from './invoke';
import type { RunTriggerType } from './registry';
import type { Json } from './rest';
import { runValidator } from './validators';
import { jsonText, publicView, type ParseRecord } from './values';

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
export async function maybeRunTrigger(ctx: AppContext, triggerName: RunTriggerType, target: TriggerTarget, base: Json, use?: (returned: unknown) => void): Promise<TriggerRun | undefined> {
  const registered = ctx.registry.trigger(triggerName, target.className);
  if (!registered) return undefined;
  const object = target.object ? target.object() : inflate(ctx, target.className, target.record!);
  const request = triggerRequest(ctx, triggerName, base, object, target.className, target.original);
  if (triggerName === 'beforeSave' || triggerName === 'beforeDelete') {
    if (isLegacy(registered.handler)) ctx.logs.warnLegacy(`${triggerName}("${target.className}") with (request, response) and response.success/error`);
    try {
      await runValidator(registered.validator, request);
      await invokeBeforeTrigger(registered.handler, request);
    } catch (error) {
      throw resolveError(error);
    }
    return { request, object, returned: undefined };
  }
  try {
    await runValidator(registered.validator, request);
    const returned = await Promise.resolve().then(() => registered.handler(request));
    use?.(returned);
    return { request, object, returned };
  } catch (error) {
    const failure = resolveError(error);
    const user = (base.user as { id?: string } | undefined)?.id;
    ctx.logs.add('error', `${triggerName} failed for ${target.className} for user ${user}:\n  Input: ${jsonText(publicView(target.record ?? {}))}\n  Error: ${jsonText(failure.body)}`, thrownStack(error));
    return { request, object, returned: undefined };
  }
}
