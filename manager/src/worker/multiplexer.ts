/**
 * `app.m` (WM-10): a process's view of the manager. Reads come from the table the manager sends; actions are
 * calls to the manager that resolve with its answer or reject with its error (Sanic only logs failures).
 */
import { WorkerManagerError } from '../errors';
import type { ManageOptions, RestartParams } from '../protocol';
import { RESTRICTED_STATE_KEYS, type ProcessRecord, type ProcessTable } from '../states';
import { resolveProcessTarget, type ProcessFunction } from '../main/targets';
import type { ManagerLink } from './link';

export interface RestartOptions {
  /** The processes to restart (Sanic's `name`: comma-separated names); default this process. */
  names?: string | string[];
  name?: string;
  allWorkers?: boolean;
  zeroDowntime?: boolean;
  /**
   * Resolve once every replacement serves and reject with the start error of one that does not (default: once the
   * manager has taken the order). Not for a restart that replaces the caller itself.
   */
  wait?: boolean;
}

/** Options of app.m.scale(). */
export interface ScaleOptions {
  /** Resolve once the new workers serve and removed ones are gone; reject if a new one does not come up. */
  wait?: boolean;
}

const RESTART_OPTION_KEYS = new Set(['names', 'name', 'allWorkers', 'zeroDowntime', 'wait']);

/** What `app.m` offers, in a managed process or in single-process mode. */
export interface Multiplexer {
  readonly name: string;
  readonly pid: number;
  readonly state: ProcessRecord;
  readonly workers: ProcessTable;
  restart(names?: string | string[] | RestartOptions, options?: RestartOptions): Promise<string[]>;
  scale(replicas: number, options?: ScaleOptions): Promise<string>;
  terminate(): Promise<null>;
  manage(name: string, fn: ProcessFunction | string, kwargs?: Record<string, unknown>, options?: ManageOptions): Promise<string[]>;
}

export class ManagedMultiplexer implements Multiplexer {
  private table: ProcessTable;
  private readonly stateProxy: ProcessRecord;

  constructor(
    private readonly link: ManagerLink,
    readonly name: string,
    initialTable: ProcessTable,
  ) {
    this.table = initialTable;
    link.on('table', (message: { table: ProcessTable }) => {
      this.table = message.table;
    });
    // Keep `workers` current from the start: a handful of messages per change, and reads never go stale.
    link.send({ t: 'subscribe' });
    this.stateProxy = new Proxy({} as ProcessRecord, {
      get: (_t, key) => (typeof key === 'string' ? this.ownRecord()[key] : undefined),
      set: (_t, key, value) => {
        if (typeof key !== 'string') return false;
        this.setState({ [key]: value });
        return true;
      },
      deleteProperty: (_t, key) => {
        if (typeof key !== 'string') return false;
        this.setState({ [key]: undefined });
        return true;
      },
      has: (_t, key) => typeof key === 'string' && key in this.ownRecord(),
      ownKeys: () => Object.keys(this.ownRecord()),
      getOwnPropertyDescriptor: (_t, key) =>
        typeof key === 'string' && key in this.ownRecord()
          ? { value: this.ownRecord()[key], enumerable: true, configurable: true, writable: true }
          : undefined,
    });
  }

  get pid(): number {
    return process.pid;
  }

  /** This process's record. Set your own keys on it (`app.m.state.queue_depth = 3`); the manager's keys are refused. */
  get state(): ProcessRecord {
    return this.stateProxy;
  }

  /** Every process's record, `WM-Main` included. */
  get workers(): ProcessTable {
    return this.table;
  }

  /**
   * Restart: no argument restarts this process; a string of comma-separated names or an array (or `{ names }`) restarts those;
   * `{ allWorkers: true }` restarts every transient process (all server workers); `zeroDowntime` starts each
   * replacement and waits for its ack before stopping the old process. Resolves with the names restarted, once the
   * manager has taken the order, or with `wait` once it is carried out (rejecting with a replacement's start error).
   */
  restart(names?: string | string[] | RestartOptions, options: RestartOptions = {}): Promise<string[]> {
    if (names && typeof names === 'object' && !Array.isArray(names)) options = { ...names, ...options };
    else if (names !== undefined) options = { ...options, names };
    const unknown = Object.keys(options).filter((key) => !RESTART_OPTION_KEYS.has(key));
    if (unknown.length > 0) {
      return Promise.reject(
        new WorkerManagerError(
          `app.m.restart() does not take ${unknown.map((k) => `"${k}"`).join(', ')}.`,
          `Its options: ${[...RESTART_OPTION_KEYS].join(', ')}; e.g. app.m.restart({ names: ['WM-Server-0-0'], zeroDowntime: true }).`,
        ),
      );
    }
    const given = options.names ?? options.name;
    const list = (typeof given === 'string' ? given.split(',') : (given ?? [])).map((n) => String(n).trim()).filter(Boolean);
    const params: RestartParams & { wait?: boolean } = { zeroDowntime: options.zeroDowntime ?? false };
    if (options.allWorkers) params.allWorkers = true;
    else params.names = list.length > 0 ? list : [this.name];
    if (options.wait) params.wait = true;
    return this.link.call('restart', params);
  }

  /** Sets the number of server workers; resolves once the manager has taken the order (or, with wait, carried it out). */
  scale(replicas: number, options: ScaleOptions = {}): Promise<string> {
    return this.link.call('scale', options.wait ? { replicas, wait: true } : { replicas });
  }

  /** Shuts the whole app down. */
  terminate(): Promise<null> {
    return this.link.call('shutdown', {});
  }

  /** Starts a managed process on the fly (WM-14); same arguments as `app.manager.manage`. */
  manage(name: string, fn: ProcessFunction | string, kwargs: Record<string, unknown> = {}, options: ManageOptions = {}): Promise<string[]> {
    const target = resolveProcessTarget(fn, name);
    return this.link.call('manage', { name, target, kwargs, options });
  }

  private ownRecord(): ProcessRecord {
    return (this.table[this.name] as ProcessRecord | undefined) ?? ({} as ProcessRecord);
  }

  private setState(patch: Record<string, unknown>): void {
    checkStatePatch(this.name, patch);
    // Keep a local copy current at once, so a read right after a write sees it.
    const own = { ...this.ownRecord() };
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined) delete own[key];
      else own[key] = value;
    }
    this.table = { ...this.table, [this.name]: own };
    this.link.send({ t: 'state', patch });
  }
}

/** Refuses the keys the manager keeps, and values the inspector could not show. */
export function checkStatePatch(name: string, patch: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(patch)) {
    if (RESTRICTED_STATE_KEYS.has(key)) {
      throw new WorkerManagerError(
        `"${key}" is kept by the manager and cannot be set on ${name}'s state.`,
        `Use a key of your own, e.g. app.m.state.my_${key} = ...; reserved: ${[...RESTRICTED_STATE_KEYS].join(', ')}.`,
      );
    }
    if (value !== undefined) {
      try {
        JSON.stringify(value);
      } catch {
        throw new WorkerManagerError(`The value of state key "${key}" is not JSON data.`, 'Use numbers, strings, booleans, arrays or plain objects.');
      }
    }
  }
}

/**
 * `app.m` in single-process mode (WM-15): the process knows itself, but there is no manager to restart, scale or
 * manage anything. `terminate()` stops the process as SIGTERM would.
 */
export class SingleProcessMultiplexer implements Multiplexer {
  readonly name = 'WM-Main';
  private readonly record: ProcessRecord;

  constructor(private readonly stop: () => void) {
    const now = new Date().toISOString().replace('Z', '000+00:00');
    this.record = { server: true, state: 'ACKED', pid: process.pid, start_at: now, starts: 1, serving: true };
  }
  get pid(): number {
    return process.pid;
  }
  get state(): ProcessRecord {
    return new Proxy(this.record, {
      set: (target, key, value) => {
        if (typeof key !== 'string') return false;
        checkStatePatch(this.name, { [key]: value });
        target[key] = value;
        return true;
      },
    });
  }
  get workers(): ProcessTable {
    return { [this.name]: { ...this.record } };
  }
  private unavailable(what: string): Promise<never> {
    return Promise.reject(new WorkerManagerError(`${what} needs the worker manager; this app runs in single-process mode.`, 'Run it without --single-process.'));
  }
  restart(): Promise<string[]> {
    return this.unavailable('restart()');
  }
  scale(): Promise<string> {
    return this.unavailable('scale()');
  }
  manage(): Promise<string[]> {
    return this.unavailable('manage()');
  }
  terminate(): Promise<null> {
    setImmediate(this.stop);
    return Promise.resolve(null);
  }
}
