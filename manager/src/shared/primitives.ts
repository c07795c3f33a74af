/**
 * Cross-process primitives for `app.sharedCtx` (WM-9), with the semantics of Python's `multiprocessing`
 * counterparts. Made in the main process (in a `mainProcessStart` listener), they live in the manager
 * (shared/host.ts); the workers get handles whose every call is one round trip to the manager. Timeouts are in
 * seconds, as in Python. Every method is async because every call may cross a process boundary.
 */
import { getProcessGlobal, setProcessGlobal } from '../globals';
import { log } from '../log';
import type { SharedDescriptor } from '../protocol';
import {
  HostedArray,
  HostedEvent,
  HostedLock,
  HostedQueue,
  HostedSemaphore,
  HostedValue,
  mainHost,
  type HostedPrimitive,
} from './host';

/** Carries one operation to the object, wherever it lives. */
type Backend = (op: string, args: unknown[]) => Promise<unknown>;

/** How a worker reaches the manager: set by the worker bootstrap. */
export type SharedTransport = (id: number, op: string, args: unknown[]) => Promise<unknown>;
export function setSharedTransport(t: SharedTransport): void {
  setProcessGlobal('sharedTransport', t);
}

const BRAND = Symbol.for('worker-manager.shared');

interface Brand {
  type: string;
  /** Set when the manager hosts it (made in the main process): the id workers use. */
  id?: number;
}

function inMainProcess(): boolean {
  return process.env.WM_PROCESS_NAME === undefined;
}

let warnedLocal = false;

export abstract class SharedPrimitive {
  protected readonly backend: Backend;
  readonly [BRAND]: Brand;

  protected constructor(type: string, hosted: () => HostedPrimitive, remote?: { id: number }) {
    if (remote) {
      this[BRAND] = { type, id: remote.id };
      this.backend = (op, args) => {
        const transport = getProcessGlobal<SharedTransport>('sharedTransport');
        if (!transport) return Promise.reject(new Error('This process has no link to the manager.'));
        return transport(remote.id, op, args);
      };
      return;
    }
    const object = hosted();
    if (inMainProcess()) {
      const id = mainHost().register(object);
      this[BRAND] = { type, id };
    } else {
      // Made inside a worker: only this process can see it, as with a multiprocessing object made after spawn.
      this[BRAND] = { type };
      if (!warnedLocal) {
        warnedLocal = true;
        log.warn(
          `A ${type} was made in ${process.env.WM_PROCESS_NAME}, so only this process sees it. Make shared objects in a ` +
            `mainProcessStart listener and put them on app.sharedCtx.`,
        );
      }
    }
    this.backend = async (op, args) => object.apply(op, args, 'main');
  }

  protected call<T>(op: string, ...args: unknown[]): Promise<T> {
    return this.backend(op, args) as Promise<T>;
  }
}

interface TimeoutOptions {
  /** Seconds to wait; absent waits forever. */
  timeout?: number;
}

export class Value<T = number> extends SharedPrimitive {
  constructor(initial?: T, remote?: { id: number }) {
    super('Value', () => new HostedValue(initial ?? 0), remote);
  }
  get(): Promise<T> {
    return this.call('get');
  }
  set(value: T): Promise<void> {
    return this.call('set', value);
  }
  /** Adds atomically and returns the new value. */
  add(delta = 1): Promise<number> {
    return this.call('add', delta);
  }
  /** Sets `next` only if the value is still `expected`; true when it did. */
  compareAndSet(expected: T, next: T): Promise<boolean> {
    return this.call('compareAndSet', expected, next);
  }
}

export class SharedArray<T = number> extends SharedPrimitive {
  constructor(init: number | T[] = 0, remote?: { id: number }) {
    super('SharedArray', () => new HostedArray(typeof init === 'number' ? new Array(init).fill(0) : [...init]), remote);
  }
  get(index: number): Promise<T> {
    return this.call('get', index);
  }
  set(index: number, value: T): Promise<void> {
    return this.call('set', index, value);
  }
  add(index: number, delta = 1): Promise<number> {
    return this.call('add', index, delta);
  }
  length(): Promise<number> {
    return this.call('length');
  }
  toArray(): Promise<T[]> {
    return this.call('toArray');
  }
}

export class Lock extends SharedPrimitive {
  constructor(remote?: { id: number }) {
    super('Lock', () => new HostedLock(), remote);
  }
  /** True once held; false if `blocking` is false or the timeout passed first. A lock held by a process that dies is released. */
  acquire(options: TimeoutOptions & { blocking?: boolean } = {}): Promise<boolean> {
    return this.call('acquire', options.blocking ?? true, options.timeout);
  }
  release(): Promise<void> {
    return this.call('release');
  }
  locked(): Promise<boolean> {
    return this.call('locked');
  }
  /** Runs `fn` holding the lock (Python's `with lock:`). */
  async withLock<R>(fn: () => R | Promise<R>): Promise<R> {
    await this.acquire();
    try {
      return await fn();
    } finally {
      await this.release();
    }
  }
}

export class Semaphore extends SharedPrimitive {
  constructor(value = 1, remote?: { id: number }) {
    super('Semaphore', () => new HostedSemaphore(value), remote);
  }
  acquire(options: TimeoutOptions & { blocking?: boolean } = {}): Promise<boolean> {
    return this.call('acquire', options.blocking ?? true, options.timeout);
  }
  release(): Promise<void> {
    return this.call('release');
  }
  value(): Promise<number> {
    return this.call('value');
  }
}

export class Event extends SharedPrimitive {
  constructor(remote?: { id: number }) {
    super('Event', () => new HostedEvent(), remote);
  }
  set(): Promise<void> {
    return this.call('set');
  }
  clear(): Promise<void> {
    return this.call('clear');
  }
  isSet(): Promise<boolean> {
    return this.call('isSet');
  }
  /** True once set; false if the timeout passed first. */
  wait(options: TimeoutOptions = {}): Promise<boolean> {
    return this.call('wait', options.timeout);
  }
}

export class Queue<T = unknown> extends SharedPrimitive {
  constructor(options: { maxsize?: number } = {}, remote?: { id: number }) {
    super('Queue', () => new HostedQueue(options.maxsize ?? 0), remote);
  }
  /** Waits for room when full (up to `timeout`), then throws QueueFull. */
  put(item: T, options: TimeoutOptions & { block?: boolean } = {}): Promise<void> {
    return this.call('put', item, options.block ?? true, options.timeout);
  }
  /** Each item goes to exactly one getter. Waits when empty (up to `timeout`), then throws QueueEmpty. */
  get(options: TimeoutOptions & { block?: boolean } = {}): Promise<T> {
    return this.call('get', options.block ?? true, options.timeout);
  }
  putNowait(item: T): Promise<void> {
    return this.put(item, { block: false });
  }
  getNowait(): Promise<T> {
    return this.get({ block: false });
  }
  qsize(): Promise<number> {
    return this.call('qsize');
  }
  empty(): Promise<boolean> {
    return this.call('empty');
  }
  full(): Promise<boolean> {
    return this.call('full');
  }
}

export function isSharedPrimitive(value: unknown): value is SharedPrimitive {
  return typeof value === 'object' && value !== null && BRAND in value;
}

export function describeShared(value: SharedPrimitive): SharedDescriptor {
  const brand = value[BRAND];
  if (brand.id === undefined) {
    throw new Error(`This ${brand.type} was made outside the main process and cannot be shared.`);
  }
  return { kind: 'primitive', type: brand.type, id: brand.id };
}

/** A worker's handle on a primitive the manager hosts. */
export function primitiveFromDescriptor(type: string, id: number): SharedPrimitive {
  const remote = { id };
  switch (type) {
    case 'Value':
      return new Value(undefined, remote);
    case 'SharedArray':
      return new SharedArray(0, remote);
    case 'Lock':
      return new Lock(remote);
    case 'Semaphore':
      return new Semaphore(1, remote);
    case 'Event':
      return new Event(remote);
    case 'Queue':
      return new Queue({}, remote);
    default:
      throw new Error(`Unknown shared primitive type ${type}.`);
  }
}
