// What Cloud Code registered through Parse.Cloud: functions, jobs and triggers by name, emptied and filled again
// when the cloud file reloads (with the previous contents restored when the new version does not load).

/* eslint-disable @typescript-eslint/no-explicit-any */
export type Handler = (request: any, response?: any) => unknown;
export type Validator = Record<string, any> | ((request: any) => unknown);

export interface Registered {
  handler: Handler;
  validator?: Validator;
}

export type TriggerType = 'beforeSave' | 'afterSave' | 'beforeDelete' | 'afterDelete' | 'beforeFind' | 'afterFind' | 'beforeLogin' | 'afterLogin' | 'afterLogout';

/** The trigger types run on an object (the find triggers run on a query, in read.ts). */
export type RunTriggerType = 'beforeSave' | 'afterSave' | 'beforeDelete' | 'afterDelete' | 'beforeLogin' | 'afterLogin' | 'afterLogout';

const kinds = ['functions', 'jobs', 'triggers'] as const;

/** A copy of a registry's contents, to put back when a reload fails. */
export type RegistrySnapshot = Record<(typeof kinds)[number], [string, Registered][]>;

export class CloudRegistry {
  readonly functions = new Map<string, Registered>();
  readonly jobs = new Map<string, Registered>();
  readonly triggers = new Map<string, Registered>();

  trigger(type: TriggerType, className: string): Registered | undefined {
    return this.triggers.get(`${type}:${className}`);
  }

  setTrigger(type: TriggerType, className: string, registered: Registered): void {
    this.triggers.set(`${type}:${className}`, registered);
  }

  snapshot(): RegistrySnapshot {
    return { functions: [...this.functions], jobs: [...this.jobs], triggers: [...this.triggers] };
  }

  restore(snapshot: RegistrySnapshot): void {
    this.clear();
    for (const kind of kinds) for (const [key, value] of snapshot[kind]) this[kind].set(key, value);
  }

  clear(): void {
    for (const kind of kinds) this[kind].clear();
  }
}

/** The class name of a trigger's first argument: a string, or a class such as Parse.User. */
export function triggerClassName(target: unknown): string {
  if (typeof target === 'string') return target;
  if (typeof target === 'function') {
    const fromStatic = (target as { className?: unknown }).className;
    if (typeof fromStatic === 'string') return fromStatic;
    try {
      const instance = new (target as new () => { className?: unknown })();
      if (typeof instance.className === 'string') return instance.className;
    } catch {
      // Not constructible without arguments: fall through.
    }
  }
  throw new TypeError('Parse.Cloud trigger: the first argument must be a class name or a Parse.Object subclass');
}
