/**
 * One managed process: a named slot in the table (WorkerProcess, as in Sanic) and the OS processes that fill it
 * over time (Incarnation: one per start). During a zero-downtime restart a slot has a new incarnation serving
 * while the old one drains.
 */
import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { deserializeError, WorkerManagerError } from '../errors';
import type { ChildMessage, MainMessage, ProcessKind } from '../protocol';
import { isoNow, type ProcessRecord, type ProcessStateName } from '../states';
import { CrashPolicy } from './crash-policy';
import type { Config } from '../config';
import { envChanges, forkChild, type WarmProcess } from './warm-start';

export type StopMode = 'handover' | 'shutdown';

/** Why a process did not come up. */
export class StartError extends WorkerManagerError {
  constructor(
    readonly processName: string,
    message: string,
    override readonly cause?: Error,
    hint?: string,
  ) {
    super(message, hint);
    this.name = 'StartError';
  }
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SpawnOptions {
  entry: string;
  env: NodeJS.ProcessEnv;
  execArgv: string[];
  /** Ack threshold in ms. */
  thresholdMs: number;
  /** A process forked ahead of time (see warm-start.ts) to adopt rather than forking one. */
  warm?: WarmProcess;
}

/** One OS process of a slot. Emits 'message' (ChildMessage) for everything the manager handles. */
export class Incarnation extends EventEmitter {
  readonly child: ChildProcess;
  readonly spawnedAt = Date.now();
  ackedAt?: number;
  exitInfo?: ExitInfo;
  /** Set when the manager asked this process to go: its exit is then expected. */
  stopRequested?: StopMode;
  readonly acked: Promise<void>;
  readonly exited: Promise<ExitInfo>;
  private killTimer?: NodeJS.Timeout;

  constructor(
    readonly name: string,
    readonly kind: ProcessKind,
    options: SpawnOptions,
  ) {
    super();
    if (options.warm) {
      this.child = options.warm.child;
      this.send({ t: 'become', env: envChanges(options.warm.env, options.env) });
    } else {
      this.child = forkChild(options.entry, options.env, options.execArgv);
    }
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        if (this.killTimer) clearTimeout(this.killTimer);
        resolve(this.exitInfo);
      });
    });
    this.acked = new Promise<void>((resolve, reject) => {
      const threshold = setTimeout(() => {
        reject(
          new StartError(
            name,
            `${name} did not acknowledge within ${(options.thresholdMs / 1000).toFixed(1)} s (THRESHOLD = ${Math.round(options.thresholdMs / 100)} x 0.1 s).`,
            undefined,
            'It may be stuck in top-level code or in a beforeServerStart/afterServerStart listener. If it needs longer, ' +
              'raise the threshold: WorkerManager.THRESHOLD = 600 early in the module, or WM_THRESHOLD=600.',
          ),
        );
      }, options.thresholdMs);
      this.child.on('message', (message: ChildMessage) => {
        if (!message || typeof message !== 'object') return;
        if (message.t === 'ack') {
          clearTimeout(threshold);
          this.ackedAt = Date.now();
          resolve();
        } else if (message.t === 'failed') {
          clearTimeout(threshold);
          const cause = deserializeError(message.error);
          const what = message.phase === 'load' ? 'could not load the app' : 'failed while starting';
          reject(new StartError(name, `${name} ${what}: ${cause.message}`, cause, message.error.hint));
        }
        this.emit('message', message);
      });
      this.child.once('error', (error) => {
        clearTimeout(threshold);
        reject(new StartError(name, `${name} could not be started: ${error.message}`, error));
      });
      this.exited.then(({ code, signal }) => {
        clearTimeout(threshold);
        reject(new StartError(name, `${name} exited before it acknowledged (${describeExit({ code, signal })}).`));
      });
    });
    // A rejection nobody awaits (an old incarnation's) must not crash the manager.
    this.acked.catch(() => {});
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return this.exitInfo === undefined;
  }

  send(message: MainMessage, handle?: unknown): void {
    if (!this.child.connected) return;
    try {
      this.child.send(message, handle as never);
    } catch {
      // the process is going away; its exit event tells the manager
    }
  }

  /**
   * Ask the process to stop. Server workers drain (see worker/drain.ts); others get SIGTERM, as Sanic's custom
   * processes expect. Past `timeoutMs` (plus a moment for the exit itself) it is killed.
   */
  stop(mode: StopMode, timeoutMs: number): Promise<ExitInfo> {
    if (!this.alive) return this.exited;
    const first = this.stopRequested === undefined;
    if (first || mode === 'shutdown') this.stopRequested = mode;
    if (this.kind === 'server' && this.ackedAt !== undefined && this.child.connected) {
      this.send({ t: 'stop', mode, timeoutMs });
    } else if (first) {
      this.signal('SIGTERM');
    }
    if (first) {
      this.killTimer = setTimeout(() => this.kill(), timeoutMs + 1000);
      this.killTimer.unref();
    }
    return this.exited;
  }

  signal(signal: NodeJS.Signals): void {
    if (!this.alive) return;
    try {
      this.child.kill(signal);
    } catch {
      // already gone
    }
  }

  kill(): void {
    this.signal('SIGKILL');
  }
}

export function describeExit({ code, signal }: ExitInfo): string {
  return signal ? `killed by ${signal}` : `exit code ${code}`;
}

export interface SlotOptions {
  name: string;
  kind: ProcessKind;
  /** Server workers: the index i of WM-Server-i-n. */
  index?: number;
  restartable: boolean;
  transient: boolean;
  tracked: boolean;
  /** Extra env for this process (custom process target and kwargs). */
  env?: Record<string, string>;
}

/** A named entry of the process table and its current incarnation. */
export class WorkerProcess {
  readonly name: string;
  readonly kind: ProcessKind;
  readonly index: number;
  readonly restartable: boolean;
  readonly transient: boolean;
  readonly tracked: boolean;
  readonly env: Record<string, string>;
  readonly record: ProcessRecord;
  current?: Incarnation;
  /** Old incarnations still draining after a zero-downtime restart or a scale-down. */
  readonly retiring = new Set<Incarnation>();
  readonly crashPolicy: CrashPolicy;
  /** Set once the slot is gone for good (scale-down, app shutdown, crash loop). */
  retired = false;
  /** A replacement waiting out its backoff delay; cancelling it ends the wait with `false`. */
  private backoff?: { timer: NodeJS.Timeout; resolve: (waited: boolean) => void };

  constructor(options: SlotOptions, config: Config) {
    this.name = options.name;
    this.kind = options.kind;
    this.index = options.index ?? 0;
    this.restartable = options.restartable;
    this.transient = options.transient;
    this.tracked = options.tracked;
    this.env = options.env ?? {};
    this.record = { server: options.kind === 'server', state: 'NONE' };
    this.crashPolicy = new CrashPolicy(config);
  }

  get isServer(): boolean {
    return this.kind === 'server';
  }

  get state(): ProcessStateName {
    return this.record.state;
  }

  /** Every incarnation still running, current and retiring. */
  *live(): Iterable<Incarnation> {
    if (this.current?.alive) yield this.current;
    for (const inc of this.retiring) if (inc.alive) yield inc;
  }

  /** Waits `ms` before a replacement starts; resolves false if the wait was cancelled (restart, scale-down, stop). */
  waitBackoff(ms: number): Promise<boolean> {
    this.cancelBackoff();
    return new Promise((resolve) => {
      this.backoff = {
        resolve,
        timer: setTimeout(() => {
          this.backoff = undefined;
          resolve(true);
        }, ms),
      };
    });
  }

  cancelBackoff(): void {
    if (!this.backoff) return;
    clearTimeout(this.backoff.timer);
    this.backoff.resolve(false);
    this.backoff = undefined;
  }

  /** Record keys for a new incarnation: the first start sets start_at, later ones restart_at. */
  startPatch(pid: number | undefined): Partial<ProcessRecord> {
    const starts = (this.record.starts ?? 0) + 1;
    const now = isoNow();
    const patch: Partial<ProcessRecord> = { pid, starts };
    if (starts === 1) patch.start_at = now;
    else patch.restart_at = now;
    return patch;
  }
}
