// Parse.Cloud as Cloud Code calls it, the server half that the Node SDK lacks: define, job, the save, delete
// (of Parse.File too), find and login triggers (password-reset and LiveQuery ones are accepted and never run)
// and the legacy httpRequest, installed on the process-wide SDK. Each call goes to the app that is current when it is
// made: its registry, its log, its time limit and its background work.

import { withSyncLimit } from './deadlines';
import { httpRequest, type HttpRequestOptions } from './httpRequest';
import { fileClassName } from './files';
import { checkValidator } from './validators';
import type { AppLog } from './logs';
import { configClassName } from './triggers';
import { triggerClassName, type CloudRegistry, type Handler, type TriggerType, type Validator } from './registry';
import type { BackgroundWork } from './background';
import type { ParseSdk } from './sdk';

/** What Parse.Cloud needs of the current app. */
export interface CloudHost {
  readonly registry: CloudRegistry;
  readonly logs: AppLog;
  readonly work: BackgroundWork;
  /** The limit on the synchronous part of each handler call, in ms; undefined for none. */
  readonly syncTimeoutMs: number | undefined;
}

const triggerTypes: TriggerType[] = ['beforeSave', 'afterSave', 'beforeDelete', 'afterDelete', 'beforeFind', 'afterFind'];
const neverRunTypes = ['beforePasswordResetRequest', 'beforeConnect', 'beforeSubscribe', 'afterLiveQueryEvent', 'onLiveQueryEvent'];

/** Sets `global.Parse` to the SDK and fills in its Parse.Cloud; `host()` is the app each call goes to. */
export function installCloudApi(Parse: ParseSdk, host: () => CloudHost): void {
  (globalThis as { Parse?: ParseSdk }).Parse = Parse;
  const cloud = Parse.Cloud;
  const check = (kind: string, name: unknown, handler: unknown): void => {
    if (typeof handler !== 'function') throw new TypeError(`Parse.Cloud.${kind}: the handler must be a function`);
    if (kind !== 'trigger' && (typeof name !== 'string' || !name)) throw new TypeError(`Parse.Cloud.${kind}: the name must be a non-empty string`);
  };
  // Handlers are called within the current app's time limit when it has one.
  const limited = (handler: Handler): Handler => withSyncLimit(handler, () => host().syncTimeoutMs);
  cloud.define = (name: string, handler: Handler, validator?: Validator) => {
    check('define', name, handler);
    checkValidator(validator);
    host().registry.functions.set(name, { handler: limited(handler), validator });
  };
  cloud.job = (name: string, handler: Handler) => {
    check('job', name, handler);
    host().registry.jobs.set(name, { handler: limited(handler) });
  };
  for (const type of triggerTypes) {
    cloud[type] = (target: unknown, handler: Handler, validator?: Validator) => {
      check('trigger', target, handler);
      checkValidator(validator);
      // Parse.File's triggers are the file triggers (files.ts), filed under Parse Server's name for them.
      const className = target === Parse.File ? fileClassName : target === Parse.Config ? configClassName : triggerClassName(target);
      host().registry.setTrigger(type, className, { handler: limited(handler), validator });
    };
  }
  // The login triggers take no class: they are those of _User (logins) and _Session (logouts).
  for (const [type, className] of [['beforeLogin', '_User'], ['afterLogin', '_User'], ['afterLogout', '_Session']] as const) {
    cloud[type] = (handler: Handler, validator?: Validator) => {
      check('trigger', className, handler);
      checkValidator(validator);
      host().registry.setTrigger(type, className, { handler: limited(handler), validator });
    };
  }
  for (const type of neverRunTypes) {
    cloud[type] = () => host().logs.add('warn', `Parse.Cloud.${type} is accepted but never runs in cloudfn (no e-mail or LiveQuery)`);
  }
  cloud.httpRequest = (options: HttpRequestOptions) => {
    const current = host();
    current.logs.warnLegacy('Parse.Cloud.httpRequest (removed in Parse Server 6.0)');
    return current.work.track(httpRequest(options));
  };
}
