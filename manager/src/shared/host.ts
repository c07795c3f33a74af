/**
 * The manager's side of the shared primitives: the real objects live here, in the main process, and every
 * operation from any process is applied to them in arrival order. That order is what makes a Lock exclude and a
 * Queue deliver each item once across processes that share no memory.
 */
import { WorkerManagerError } from '../errors';
import { processGlobal } from '../globals';

/** Who asked: a process name, or 'main' for the manager's own calls. */
export type Caller = string;

/** Waits longer than this are clamped (setTimeout's own limit). */
const MAX_WAIT_MS = 2_147_483_647;

export class SharedOpError extends WorkerManagerError {}

export class QueueEmpty extends WorkerManagerError {
  constructor() {
    super('Queue is empty.', 'Use get() without a timeout to wait, or check qsize() first.');
    this.name = 'QueueEmpty';
  }
}

export class QueueFull extends WorkerManagerError {
  constructor() {
    super('Queue is full.', 'Use put() without a timeout to wait for room, or make the queue larger.');
    this.name = 'QueueFull';
  }
}

interface Waiter<T> {
  caller: Caller;
  resolve: (value: T) => void;
  reject: (error: Error) => void;
  timer?: NodeJS.Timeout;
}

/** A queue of waiters, each answered once: by `take`, by its timeout, or by its caller going away. */
class WaitList<T> {
  private readonly waiters: Waiter<T>[] = [];

  /** Wait until served; `timeoutMs` null waits forever; on timeout resolves with `onTimeout()`. */
  wait(caller: Caller, timeoutMs: number | null, onTimeout: () => T | Error): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = { caller, resolve, reject };
      if (timeoutMs !== null) {
        waiter.timer = setTimeout(() => {
          this.remove(waiter);
          const outcome = onTimeout();
          if (outcome instanceof Error) reject(outcome);
          else resolve(outcome);
        }, Math.min(Math.max(0, timeoutMs), MAX_WAIT_MS));
      }
      this.waiters.push(waiter);
    });
  }

  get size(): number {
    return this.waiters.length;
  }

  /** Who would be served next. */
  peekCaller(): Caller | undefined {
    return this.waiters[0]?.caller;
  }

  /** Serves the oldest waiter with `value`; false when none waits. */
  take(value: T): boolean {
    const waiter = this.waiters.shift();
    if (!waiter) return false;
    if (waiter.timer) clearTimeout(waiter.timer);
    waiter.resolve(value);
    return true;
  }

  takeAll(value: T): void {
    while (this.take(value));
  }

  /** Drops every waiter of a caller that went away (their answers would go nowhere). */
  dropCaller(caller: Caller): void {
    for (const waiter of [...this.waiters]) {
      if (waiter.caller !== caller) continue;
      this.remove(waiter);
      waiter.reject(new SharedOpError(`${caller} went away`));
    }
  }

  private remove(waiter: Waiter<T>): void {
    const i = this.waiters.indexOf(waiter);
    if (i >= 0) this.waiters.splice(i, 1);
    if (waiter.timer) clearTimeout(waiter.timer);
  }
}

function timeoutMs(seconds: unknown): number | null {
  if (seconds === null || seconds === undefined) return null;
  if (typeof seconds !== 'number' || Number.isNaN(seconds) || seconds < 0) {
    throw new SharedOpError(`timeout must be a number of seconds >= 0 (got ${JSON.stringify(seconds)}).`);
  }
  return seconds * 1000;
}

/** One hosted object. `apply` runs one operation for `caller`. */
export interface HostedPrimitive {
  readonly type: string;
  apply(op: string, args: unknown[], caller: Caller): unknown | Promise<unknown>;
  /** The caller's process is gone: release what it held, drop what it waited for. */
  forget(caller: Caller): void;
}

function unknownOp(type: string, op: string): never {
  throw new SharedOpError(`${type} has no operation "${op}".`);
}

export class HostedValue implements HostedPrimitive {
  readonly type: string = 'Value';
  constructor(private value: unknown) {}
  apply(op: string, args: unknown[]): unknown {
    switch (op) {
      case 'get':
        return this.value;
      case 'set':
        this.value = args[0];
        return null;
      case 'add': {
        const delta = args[0] ?? 1;
        if (typeof this.value !== 'number' || typeof delta !== 'number') {
          throw new SharedOpError(`add() needs a numeric Value and delta (value is ${typeof this.value}).`);
        }
        this.value += delta;
        return this.value;
      }
      case 'compareAndSet':
        if (Object.is(this.value, args[0])) {
          this.value = args[1];
          return true;
        }
        return false;
      default:
        return unknownOp(this.type, op);
    }
  }
  forget(): void {}
}

export class HostedArray implements HostedPrimitive {
  readonly type = 'SharedArray';
  constructor(private readonly items: unknown[]) {}
  private index(i: unknown): number {
    if (typeof i !== 'number' || !Number.isInteger(i) || i < 0 || i >= this.items.length) {
      throw new SharedOpError(`index ${JSON.stringify(i)} is out of range for a SharedArray of length ${this.items.length}.`);
    }
    return i;
  }
  apply(op: string, args: unknown[]): unknown {
    switch (op) {
      case 'get':
        return this.items[this.index(args[0])];
      case 'set':
        this.items[this.index(args[0])] = args[1];
        return null;
      case 'add': {
        const i = this.index(args[0]);
        const delta = args[1] ?? 1;
        const current = this.items[i];
        if (typeof current !== 'number' || typeof delta !== 'number') throw new SharedOpError('add() needs numbers.');
        this.items[i] = current + delta;
        return this.items[i];
      }
      case 'length':
        return this.items.length;
      case 'toArray':
        return [...this.items];
      default:
        return unknownOp(this.type, op);
    }
  }
  forget(): void {}
}

export class HostedLock implements HostedPrimitive {
  readonly type = 'Lock';
  private owner: Caller | null = null;
  private readonly waiting = new WaitList<boolean>();

  apply(op: string, args: unknown[], caller: Caller): unknown {
    switch (op) {
      case 'acquire': {
        const blocking = args[0] !== false;
        if (this.owner === null) {
          this.owner = caller;
          return true;
        }
        if (!blocking) return false;
        // release() names the next owner before it answers the waiter
        return this.waiting.wait(caller, timeoutMs(args[1]), () => false);
      }
      case 'release':
        if (this.owner === null) throw new SharedOpError('release() of a Lock that is not locked.');
        this.handOver();
        return null;
      case 'locked':
        return this.owner !== null;
      default:
        return unknownOp(this.type, op);
    }
  }

  /** Gives the lock to the oldest waiter, or frees it. */
  private handOver(): void {
    this.owner = null;
    const next = this.waiting.peekCaller();
    if (next !== undefined) {
      this.owner = next;
      this.waiting.take(true);
    }
  }

  forget(caller: Caller): void {
    this.waiting.dropCaller(caller);
    if (this.owner === caller) this.handOver();
  }
}

export class HostedSemaphore implements HostedPrimitive {
  readonly type = 'Semaphore';
  private readonly holds = new Map<Caller, number>();
  private readonly waiting = new WaitList<boolean>();
  constructor(private value: number) {}

  apply(op: string, args: unknown[], caller: Caller): unknown {
    switch (op) {
      case 'acquire': {
        const blocking = args[0] !== false;
        if (this.value > 0) {
          this.value -= 1;
          this.hold(caller, 1);
          return true;
        }
        if (!blocking) return false;
        return this.waiting.wait(caller, timeoutMs(args[1]), () => false);
      }
      case 'release':
        this.hold(caller, -1);
        this.value += 1;
        this.grant();
        return null;
      case 'value':
        return this.value;
      default:
        return unknownOp(this.type, op);
    }
  }

  private grant(): void {
    while (this.value > 0) {
      const next = this.waiting.peekCaller();
      if (next === undefined) return;
      this.value -= 1;
      this.hold(next, 1);
      this.waiting.take(true);
    }
  }

  private hold(caller: Caller, delta: number): void {
    const n = (this.holds.get(caller) ?? 0) + delta;
    if (n > 0) this.holds.set(caller, n);
    else this.holds.delete(caller);
  }

  forget(caller: Caller): void {
    this.waiting.dropCaller(caller);
    const held = this.holds.get(caller) ?? 0;
    this.holds.delete(caller);
    this.value += held;
    this.grant();
  }
}

export class HostedEvent implements HostedPrimitive {
  readonly type = 'Event';
  private flag = false;
  private readonly waiting = new WaitList<boolean>();

  apply(op: string, args: unknown[], caller: Caller): unknown {
    switch (op) {
      case 'set':
        this.flag = true;
        this.waiting.takeAll(true);
        return null;
      case 'clear':
        this.flag = false;
        return null;
      case 'isSet':
        return this.flag;
      case 'wait':
        if (this.flag) return true;
        return this.waiting.wait(caller, timeoutMs(args[0]), () => false);
      default:
        return unknownOp(this.type, op);
    }
  }
  forget(caller: Caller): void {
    this.waiting.dropCaller(caller);
  }
}

export class HostedQueue implements HostedPrimitive {
  readonly type = 'Queue';
  private readonly items: unknown[] = [];
  private readonly getters = new WaitList<unknown>();
  /** Producers waiting for room, each with the item it will put. */
  private readonly putters: { caller: Caller; item: unknown; done: (ok: boolean) => void }[] = [];

  constructor(private readonly maxsize: number) {}

  private full(): boolean {
    return this.maxsize > 0 && this.items.length >= this.maxsize;
  }

  apply(op: string, args: unknown[], caller: Caller): unknown {
    switch (op) {
      case 'put': {
        const [item, block, timeout] = args;
        if (!this.full()) {
          this.enqueue(item);
          return null;
        }
        if (block === false) throw new QueueFull();
        const ms = timeoutMs(timeout);
        return new Promise((resolve, reject) => {
          const entry = {
            caller,
            item,
            done: (ok: boolean) => {
              if (timer) clearTimeout(timer);
              if (ok) resolve(null);
              else reject(new QueueFull());
            },
          };
          const timer =
            ms === null
              ? undefined
              : setTimeout(() => {
                  const i = this.putters.indexOf(entry);
                  if (i >= 0) this.putters.splice(i, 1);
                  entry.done(false);
                }, Math.min(ms, MAX_WAIT_MS));
          this.putters.push(entry);
        });
      }
      case 'get': {
        const [block, timeout] = args;
        if (this.items.length > 0) {
          const item = this.items.shift();
          this.admitPutter();
          return item;
        }
        if (block === false) throw new QueueEmpty();
        return this.getters.wait(caller, timeoutMs(timeout), () => new QueueEmpty());
      }
      case 'qsize':
        return this.items.length;
      case 'empty':
        return this.items.length === 0;
      case 'full':
        return this.full();
      default:
        return unknownOp(this.type, op);
    }
  }

  /** A new item goes straight to the oldest waiting getter, or into the queue. */
  private enqueue(item: unknown): void {
    if (!this.getters.take(item)) this.items.push(item);
  }

  private admitPutter(): void {
    while (!this.full()) {
      const next = this.putters.shift();
      if (!next) return;
      this.enqueue(next.item);
      next.done(true);
    }
  }

  forget(caller: Caller): void {
    this.getters.dropCaller(caller);
    for (const entry of [...this.putters]) {
      if (entry.caller !== caller) continue;
      this.putters.splice(this.putters.indexOf(entry), 1);
      entry.done(false);
    }
  }
}

/** Every hosted object of one manager, by id. */
export class SharedHost {
  private readonly objects = new Map<number, HostedPrimitive>();
  private nextId = 1;

  register(object: HostedPrimitive): number {
    const id = this.nextId++;
    this.objects.set(id, object);
    return id;
  }

  apply(id: number, op: string, args: unknown[], caller: Caller): unknown | Promise<unknown> {
    const object = this.objects.get(id);
    if (!object) throw new SharedOpError(`No shared object with id ${id} in this manager.`);
    return object.apply(op, args, caller);
  }

  forget(caller: Caller): void {
    for (const object of this.objects.values()) object.forget(caller);
  }
}

/** The manager process's host (one per process, whichever copy of this package asks). Made on first use. */
export function mainHost(): SharedHost {
  return processGlobal('sharedHost', () => new SharedHost());
}
