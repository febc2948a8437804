/**
 * Values crossing into and out of a vm context. An Array or Date made in node's own realm
 * fails `instanceof Array` inside the script's context, and an Error made here fails
 * `instanceof Error` there, so everything the script receives is rebuilt with the context's
 * own constructors.
 */
import { types } from 'node:util';
import vm from 'node:vm';

interface Intrinsics {
  Array: ArrayConstructor;
  Date: DateConstructor;
  Object: ObjectConstructor;
  Error: ErrorConstructor;
  TypeError: TypeErrorConstructor;
  JSON: JSON;
}

export class Realm {
  readonly Array: ArrayConstructor;
  readonly Date: DateConstructor;
  readonly Object: ObjectConstructor;
  readonly Error: ErrorConstructor;
  readonly TypeError: TypeErrorConstructor;
  readonly JSON: JSON;

  constructor(context: vm.Context) {
    const intrinsics = vm.runInContext(
      '({ Array: Array, Date: Date, Object: Object, Error: Error, TypeError: TypeError, JSON: JSON })',
      context,
    ) as Intrinsics;
    this.Array = intrinsics.Array;
    this.Date = intrinsics.Date;
    this.Object = intrinsics.Object;
    this.Error = intrinsics.Error;
    this.TypeError = intrinsics.TypeError;
    this.JSON = intrinsics.JSON;
  }

  /** An error of the context, named as Apps Script names its service errors ('Exception'). */
  error(message: string, name = 'Exception'): Error {
    const Ctor = name === 'TypeError' ? this.TypeError : this.Error;
    const error = new Ctor(message);
    if (name !== 'Error' && name !== 'TypeError') {
      Object.defineProperty(error, 'name', {
        value: name,
        writable: true,
        configurable: true,
        enumerable: false,
      });
      if (typeof error.stack === 'string') error.stack = error.stack.replace(/^Error/, name);
    }
    return error;
  }

  date(ms: number): Date {
    return new this.Date(ms);
  }

  array<T>(items: readonly T[]): T[] {
    const out = new this.Array<T>();
    for (const item of items) out.push(item);
    return out;
  }

  /** A fresh object of the context with the given own properties. */
  object<T extends object>(props: T): T {
    return this.Object.assign(new this.Object(), props) as T;
  }

  /** Deep copy of plain data (arrays, plain objects, dates) into the context. */
  toRealm<T>(value: T): T {
    return this.copy(
      value,
      (items) => this.array(items),
      (ms) => this.date(ms),
      () => new this.Object() as Record<string, unknown>,
    ) as T;
  }

  /** Deep copy of plain data out of the context, so tests compare node values. */
  toHost<T>(value: T): T {
    return this.copy(
      value,
      (items) => [...items],
      (ms) => new Date(ms),
      () => ({}),
    ) as T;
  }

  private copy(
    value: unknown,
    makeArray: (items: unknown[]) => unknown[],
    makeDate: (ms: number) => Date,
    makeObject: () => Record<string, unknown>,
    seen = new Map<object, unknown>(),
  ): unknown {
    if (value === null || typeof value !== 'object') return value;
    if (seen.has(value)) return seen.get(value);
    if (types.isDate(value)) return makeDate((value as Date).getTime());
    if (Array.isArray(value)) {
      const out = makeArray([]);
      seen.set(value, out);
      for (const item of value) out.push(this.copy(item, makeArray, makeDate, makeObject, seen));
      return out;
    }
    if (!isPlainObject(value)) return value;
    const out = makeObject();
    seen.set(value, out);
    for (const [key, item] of Object.entries(value)) {
      out[key] = this.copy(item, makeArray, makeDate, makeObject, seen);
    }
    return out;
  }
}

/** A plain object of any realm: its prototype is some realm's Object.prototype, or null. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto === null) return true;
  return (
    Object.getPrototypeOf(proto) === null &&
    Object.prototype.toString.call(value) === '[object Object]'
  );
}

export function isDate(value: unknown): value is Date {
  return types.isDate(value);
}

/** The name, message and stack of anything thrown, from either realm. */
export function describeError(thrown: unknown): { name: string; message: string; stack?: string } {
  if (thrown !== null && typeof thrown === 'object' && 'message' in thrown) {
    const e = thrown as { name?: unknown; message?: unknown; stack?: unknown };
    return {
      name: typeof e.name === 'string' ? e.name : 'Error',
      message: String(e.message),
      ...(typeof e.stack === 'string' ? { stack: e.stack } : {}),
    };
  }
  return { name: 'Error', message: String(thrown) };
}
