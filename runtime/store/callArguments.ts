// Arguments of a db call as the Python bridge sends them (a JSON object of named arguments), checked the way
// Python would: unknown or missing names are TypeErrors, wrong types TypeErrors, bad values ValueErrors,
// each message naming the method, e.g. `get_documents(): limit must be a non-negative int, got -1`.

import { isObject, type JsonObject } from '../jsonValues';

// Re-exported for runtime/parse/query.ts, which imports them from here (the Parse branch moves that import).

/** Python exception types the runtime raises for a DataError. */
export type PyErrorType = 'ValueError' | 'TypeError' | 'KeyError';

/** An error the user's code sees as the Python exception `pyType`. */
export class DataError extends Error {
  constructor(readonly pyType: PyErrorType, message: string) {
    super(message);
    this.name = 'DataError';
  }
}

/** A parameter of a db method: its name and whether a call must give it. */
export interface ParamSpec {
  name: string;
  required: boolean;
}

/** The Python type name of a JSON value, for messages. */
export function pyTypeName(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'bigint') return 'int';
  return Array.isArray(value) ? 'list' : 'dict';
}

/** A short Python-like rendering of a value, for messages. */
export function pyRepr(value: unknown): string {
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return pyTypeName(value);
}

/** The named arguments of one call, with typed accessors that raise DataErrors naming the method. */
export class Args {
  constructor(
    readonly method: string,
    params: readonly ParamSpec[],
    private readonly values: JsonObject,
    /** The JSON text the arguments came from; SQL reads user data straight from it to keep key order. */
    readonly raw: string,
  ) {
    const known = new Set(params.map((param) => param.name));
    for (const name of Object.keys(values)) {
      if (!known.has(name)) this.fail('TypeError', `got an unexpected keyword argument '${name}'`);
    }
    for (const param of params) {
      if (param.required && !(param.name in values)) this.fail('TypeError', `missing required argument '${param.name}'`);
    }
  }

  /** Throws a DataError whose message starts with the method's name. */
  fail(pyType: PyErrorType, message: string): never {
    throw new DataError(pyType, `${this.method}(): ${message}`);
  }

  /** True when the argument was given and is not None. */
  given(name: string): boolean {
    return this.values[name] !== undefined && this.values[name] !== null;
  }

  /** A non-empty string, such as a collection name. */
  name(name: string): string {
    const value = this.values[name];
    if (typeof value !== 'string') this.fail('TypeError', `${name} must be a str, got ${pyTypeName(value)}`);
    if (value === '') this.fail('ValueError', `${name} must not be empty`);
    return value;
  }

  /** A string, or null when not given. */
  optionalName(name: string): string | null {
    return this.given(name) ? this.name(name) : null;
  }

  /** Any string, possibly empty (a search term, a password). */
  text(name: string): string {
    const value = this.values[name];
    if (typeof value !== 'string') this.fail('TypeError', `${name} must be a str, got ${pyTypeName(value)}`);
    return value;
  }

  /** Any string, or null when not given. */
  optionalText(name: string): string | null {
    return this.given(name) ? this.text(name) : null;
  }

  /** An id: null for None or '' (a lookup miss, not an error), the string otherwise. */
  id(name: string): string | null {
    const value = this.values[name];
    if (value === null || value === undefined || value === '') return null;
    if (typeof value !== 'string') this.fail('TypeError', `${name} must be a str, got ${pyTypeName(value)}`);
    return value;
  }

  /** A dict. */
  dict(name: string): JsonObject {
    const value = this.values[name];
    if (!isObject(value)) this.fail('TypeError', `${name} must be a dict, got ${pyTypeName(value)}`);
    return value;
  }

  /** A dict, or null when not given. */
  optionalDict(name: string): JsonObject | null {
    return this.given(name) ? this.dict(name) : null;
  }

  /** A list of strings, or null when not given. */
  optionalStringList(name: string): string[] | null {
    if (!this.given(name)) return null;
    const value = this.values[name];
    if (!Array.isArray(value)) this.fail('TypeError', `${name} must be a list of str, got ${pyTypeName(value)}`);
    value.forEach((item, index) => {
      if (typeof item !== 'string') this.fail('TypeError', `${name}[${index}] must be a str, got ${pyTypeName(item)}`);
    });
    return value as string[];
  }

  /** A non-negative int, or null (no limit) when not given. */
  limit(name: string): number | null {
    return this.given(name) ? this.nonNegativeInt(name) : null;
  }

  /** A non-negative int, 0 when not given. */
  offset(name: string): number {
    return this.given(name) ? this.nonNegativeInt(name) : 0;
  }

  private nonNegativeInt(name: string): number {
    const given = this.values[name];
    // An int beyond 2^53 arrives as a BigInt; as a count it is simply very large.
    const value = typeof given === 'bigint' ? Number(given) : given;
    if (typeof value !== 'number' || !Number.isInteger(value)) this.fail('TypeError', `${name} must be an int, got ${pyTypeName(value)}`);
    if (value < 0) this.fail('ValueError', `${name} must be a non-negative int, got ${value}`);
    return value;
  }

  /** The raw value, for arguments with their own checks. */
  get(name: string): unknown {
    return this.values[name];
  }
}
