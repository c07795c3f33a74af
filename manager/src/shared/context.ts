/**
 * `app.sharedCtx` (WM-9): filled only in a `mainProcessStart` listener in the main process, then handed to every
 * server worker. Shared primitives (shared/primitives.ts) travel as handles to objects the manager hosts; plain
 * values are copied, with Sanic's warning, because a copy is all a worker can get.
 */
import { WorkerManagerError } from '../errors';
import { log } from '../log';
import type { SharedDescriptor } from '../protocol';
import { describeShared, isSharedPrimitive } from './primitives';

/** Where the context is and whether it may be written right now. */
export interface SharedContextGuard {
  /** Undefined when a write is allowed; otherwise the reason, naming the listener to use. */
  refuseWrite(key: string): string | undefined;
}

// Registered, so the manager reads a context made by another copy of this package.
const INTERNAL = Symbol.for('worker-manager.sharedCtx.internal');

interface Internal {
  values: Map<string, unknown>;
  load(entries: Record<string, unknown>): void;
}

export type SharedContext = Record<string, any>;

/** A context object whose writes go through `guard`. */
export function createSharedContext(guard: SharedContextGuard): SharedContext {
  const values = new Map<string, unknown>();
  const internal: Internal = {
    values,
    load(entries) {
      for (const [key, value] of Object.entries(entries)) values.set(key, value);
    },
  };
  return new Proxy(Object.create(null) as SharedContext, {
    get(_target, key) {
      if (key === INTERNAL) return internal;
      return typeof key === 'string' ? values.get(key) : undefined;
    },
    set(_target, key, value) {
      if (typeof key !== 'string') return false;
      const refusal = guard.refuseWrite(key);
      if (refusal) throw new WorkerManagerError(refusal.split('\n')[0], refusal.split('\n').slice(1).join(' ') || undefined);
      if (!key.startsWith('_') && !isSharedPrimitive(value)) {
        const type = value === null ? 'null' : Array.isArray(value) ? 'Array' : typeof value === 'object' ? value.constructor?.name ?? 'Object' : typeof value;
        log.warn(
          `Unsafe object ${key} with type ${type} was added to sharedCtx. It may not function as intended: ` +
            `each worker gets a copy. Consider using the regular context (app.ctx) instead, or a shared primitive (Value, Queue, ...).`,
        );
      }
      values.set(key, value);
      return true;
    },
    deleteProperty(_target, key) {
      if (typeof key !== 'string') return false;
      const refusal = guard.refuseWrite(key);
      if (refusal) throw new WorkerManagerError(refusal.split('\n')[0]);
      return values.delete(key);
    },
    has(_target, key) {
      return typeof key === 'string' && values.has(key);
    },
    ownKeys() {
      return [...values.keys()];
    },
    getOwnPropertyDescriptor(_target, key) {
      if (typeof key !== 'string' || !values.has(key)) return undefined;
      return { value: values.get(key), writable: true, enumerable: true, configurable: true };
    },
  });
}

function internalOf(ctx: SharedContext): Internal {
  return (ctx as unknown as Record<symbol, Internal>)[INTERNAL];
}

/** The context as descriptors for the workers (main process). */
export function describeSharedContext(ctx: SharedContext): Record<string, SharedDescriptor> {
  const out: Record<string, SharedDescriptor> = {};
  for (const [key, value] of internalOf(ctx).values) {
    out[key] = isSharedPrimitive(value) ? describeShared(value) : { kind: 'plain', value: toPlain(key, value) };
  }
  return out;
}

/** Fills a worker's context without the write guard (worker bootstrap). */
export function loadSharedContext(ctx: SharedContext, entries: Record<string, unknown>): void {
  internalOf(ctx).load(entries);
}

function toPlain(key: string, value: unknown): unknown {
  try {
    return structuredClone(value);
  } catch {
    log.warn(`sharedCtx.${key} cannot be copied to the workers (it holds functions or handles); they will not see it.`);
    return undefined;
  }
}
