// Parse Config (as Parse Server's GlobalConfigRouter): `GET config` answers the parameters (those marked
// masterKeyOnly only with the master key), `PUT config` (master key) sets or deletes them. They are kept as
// one `_GlobalConfig` object in parse_objects. A `PUT config` runs Parse.Config's beforeSave and afterSave.

import { baseRequest } from './cloudRequests';
import type { AppContext } from './context';
import { HttpFailure } from './errors';
import type { Json, ParseRequest, ParseResponse } from './rest';
import { maybeRunConfigTrigger } from './triggers';
import { isObject } from './values';

const configClass = '_GlobalConfig';
const configId = '1';

/** GET config. */
export function readConfig(ctx: AppContext, request: ParseRequest): ParseResponse {
  const stored = ctx.classes.get(configClass, configId);
  const params = isObject(stored?.params) ? stored.params : {};
  const masterKeyOnly = isObject(stored?.masterKeyOnly) ? stored.masterKeyOnly : {};
  if (!stored) return { status: 200, body: { params: {} } };
  const visible = request.master ? params : Object.fromEntries(Object.entries(params).filter(([key]) => masterKeyOnly[key] !== true));
  const flags = Object.fromEntries(Object.keys(visible).map((key) => [key, masterKeyOnly[key] === true]));
  return { status: 200, body: { params: visible, masterKeyOnly: flags } };
}

/** PUT config: `{"params": {...}, "masterKeyOnly": {...}}`; a null or Delete value removes a parameter. */
export async function updateConfig(ctx: AppContext, request: ParseRequest): Promise<ParseResponse> {
  if (!request.master) throw new HttpFailure(403, 'unauthorized: master key is required');
  const stored = ctx.classes.get(configClass, configId);
  // Parse.Config's triggers see the parameters sent (beforeSave, and afterSave of a first config) or all of
  // them after the update, and the stored ones as `original`.
  const sent = isObject(request.body.params) ? request.body.params : {};
  const original = isObject(stored?.params) ? stored.params : undefined;
  const base = baseRequest(ctx, request);
  await maybeRunConfigTrigger(ctx, 'beforeSave', base, sent, original);
  const params: Json = { ...(isObject(stored?.params) ? stored.params : {}) };
  const masterKeyOnly: Json = { ...(isObject(stored?.masterKeyOnly) ? stored.masterKeyOnly : {}) };
  for (const [key, value] of Object.entries(isObject(request.body.params) ? request.body.params : {})) {
    if (value === null || (isObject(value) && value.__op === 'Delete')) {
      delete params[key];
      delete masterKeyOnly[key];
    } else {
      params[key] = value;
    }
  }
  for (const [key, value] of Object.entries(isObject(request.body.masterKeyOnly) ? request.body.masterKeyOnly : {})) masterKeyOnly[key] = value === true;
  if (stored) ctx.classes.update(configClass, configId, { params, masterKeyOnly });
  else ctx.classes.create(configClass, { params, masterKeyOnly }, configId);
  await maybeRunConfigTrigger(ctx, 'afterSave', base, stored ? params : sent, original);
  return { status: 200, body: { result: true } };
}
