/**
 * WorkerManager: the one owner of the process table (WM-1..WM-8). It binds the shared socket, starts every
 * process and waits for their acks, restarts (shutdown-first or zero-downtime), scales, replaces crashed server
 * workers, answers the calls its processes make, and shuts everything down. Nothing else writes the table.
 */
import { EventEmitter } from 'node:events';
import type { App } from '../app';
import { DEFAULTS, misspelledEnvKeys, type Config } from '../config';
import { getProcessGlobal, setProcessGlobal } from '../globals';
import { serializeError, WorkerManagerError } from '../errors';
import { locatorEnv, type AppLocator } from '../loader';
import { log } from '../log';
import type { AppInfo, CallMap, CallMethod, ChildMessage, ManageOptions, ManageParams, RestartParams, SharedDescriptor } from '../protocol';
import { describeSharedContext } from '../shared/context';
import { mainHost } from '../shared/host';
import { RESTRICTED_STATE_KEYS, type ProcessRecord, type ProcessTable } from '../states';
import { childExecArgv, workerEntryPath } from './entry-path';
import { discardWarm, takeWarm } from './warm-start';
import { describeExit, Incarnation, StartError, WorkerProcess, type StopMode } from './process';
import { appInfo } from './info';
import { planManagedProcesses } from './managed';
import { restartTargets } from './restart-targets';
import { ManagerSignals } from './signals';
import { bindSharedSocket, type SharedSocket } from './socket';
import { buildTable, TablePublisher } from './table';
import type { ProcessFunction } from './targets';
/** Scaled-down server workers stay listed as TERMINATED (as in Sanic), the newest this many. */
const TERMINATED_KEPT = 8;
/** How long a worker that started draining on its own waits for its replacement (see onMessage 'serving'). */
const LEAVING_GRACE_MS = 100;

export interface ManagerOptions {
  locator: AppLocator;
  workers: number;
  host: string;
  port: number;
  /** Started by a script's app.run() rather than the CLI: error messages mention the main-guard. */
  startedByScript: boolean;
  /** Development mode: auto-reloader on. */
  dev: boolean;
}

type Phase = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped';

export interface ManagerEvents {
  /** The table changed; `name` is the process whose record changed (or was removed). */
  change: [name: string, record: ProcessRecord | undefined];
  /** Every process acked: the app serves. */
  ready: [];
}

export class WorkerManager extends EventEmitter<ManagerEvents> {
  /**
   * Ack threshold in units of 0.1 s (WM-4); set early, at module top level. Config THRESHOLD, when set, wins.
   * One value per process, whichever copy of this package the app imported.
   */
  static get THRESHOLD(): number {
    return getProcessGlobal<number>('threshold') ?? DEFAULTS.THRESHOLD;
  }
  static set THRESHOLD(units: number) {
    setProcessGlobal('threshold', units);
  }

  readonly config: Config;
  private readonly slots = new Map<string, WorkerProcess>();
  private socket?: SharedSocket;
  private phase: Phase = 'idle';
  private nextServerIndex = 0;
  private sharedDescriptors: Record<string, SharedDescriptor> = {};
  private readonly publisher = new TablePublisher(() => ({ table: this.table(), info: this.info() }));
  private readonly signals = new ManagerSignals({
    stopping: () => this.phase === 'stopping' || this.phase === 'stopped',
    stop: () => void this.shutdown(0),
    force: () => {
      this.forceStop();
      this.socket?.close();
      process.exit(1);
    },
    reload: () => {
      if (this.phase !== 'running') return;
      log.info('Received SIGHUP: reloading every server worker with zero downtime.');
      this.reload({ zeroDowntime: true }).catch(() => {}); // a replacement that fails is logged where it fails
    },
  });
  private readonly warned = new Set<string>();
  private scaleChain: Promise<unknown> = Promise.resolve();
  private readonly slotChains = new Map<string, Promise<unknown>>();
  private shutdownPromise?: Promise<number>;
  private finish!: (code: number) => void;
  private readonly finished = new Promise<number>((resolve) => (this.finish = resolve));
  private readonly entry = workerEntryPath();
  /** Standing-by previous incarnations while a zero-downtime replacement starts. */
  private readonly standby = new Map<WorkerProcess, Incarnation>();

  constructor(
    readonly app: App,
    readonly options: ManagerOptions,
  ) {
    super();
    this.config = app.config;
    app.main.manager = this;
  }

  // ---------------------------------------------------------------- reading

  /** The listening address, once bound. */
  get address(): { host: string; port: number } | undefined {
    return this.socket && { host: this.socket.host, port: this.socket.port };
  }

  get running(): boolean {
    return this.phase === 'running';
  }

  /** Every process's record, `WM-Main` first, then server workers by index, then the rest. */
  table(): ProcessTable {
    return buildTable(this.slots.values());
  }

  info(): AppInfo {
    return appInfo(this.app, this.activeServers().length, this.options.dev);
  }

  // ---------------------------------------------------------------- start-up

  /** Starts the app; resolves with the exit status once it has stopped. */
  async run(): Promise<number> {
    if (this.phase !== 'idle') throw new WorkerManagerError('This manager has already run.');
    this.phase = 'starting';
    const started = Date.now();
    for (const { name, suggestion } of misspelledEnvKeys()) log.warn(`${name} is not a setting; did you mean ${suggestion}?`);
    try {
      if (this.config.INSPECTOR) {
        const { validateInspectorConfig } = require('../inspector/config') as typeof import('../inspector/config.js');
        validateInspectorConfig(this.config);
      }
      this.socket = await bindSharedSocket(this.options.host, this.options.port, { startedByScript: this.options.startedByScript });
    } catch (error) {
      this.phase = 'stopped';
      throw error;
    }
    this.signals.install();

    try {
      this.app.main.fillingSharedCtx = true;
      try {
        await this.app.listeners.run('mainProcessStart', this.app);
      } finally {
        this.app.main.fillingSharedCtx = false;
      }
      this.sharedDescriptors = describeSharedContext(this.app.sharedCtx);
      for (let i = 0; i < this.options.workers; i++) this.addServerSlot();
      if (this.config.INSPECTOR) this.addSlot({ name: 'WM-Inspector-0', kind: 'inspector', restartable: true, transient: false, tracked: true });
      if (this.options.dev) this.addSlot({ name: 'WM-Reloader-0', kind: 'reloader', restartable: false, transient: false, tracked: true });
      await this.app.listeners.run('mainProcessReady', this.app);
    } catch (error) {
      discardWarm();
      return this.abortStart(undefined, error);
    }

    const acks = [...this.slots.values()].map((slot) => this.spawn(slot).acked.then(() => undefined, (error: Error) => Promise.reject(Object.assign(error, { slot }))));
    discardWarm();
    try {
      await Promise.all(acks);
    } catch (error) {
      return this.abortStart((error as { slot?: WorkerProcess }).slot, error);
    }
    if (this.phase !== 'starting') return this.finished;
    this.phase = 'running';
    this.publisher.flush();
    this.announce(Date.now() - started);
    this.emit('ready');
    return this.finished;
  }

  private announce(ms: number): void {
    const { host, port } = this.socket!;
    const shown = host.includes(':') ? `[${host}]` : host;
    const { formatTable } = require('../cli/table') as typeof import('../cli/table');
    // One write, so a reader sees the address and the table together.
    process.stdout.write(`Listening on http://${shown}:${port}\n${formatTable(this.table())}\n`);
    log.info(`${this.app.name} is ready: ${this.activeServers().length} server worker(s) in ${ms} ms (pid ${process.pid}).`);
  }

  /** A process failed to start, or a main-process listener threw: stop everything, exit status 1. */
  private async abortStart(slot: WorkerProcess | undefined, error: unknown): Promise<number> {
    if (this.phase === 'stopping' || this.phase === 'stopped') return this.finished;
    const err = error instanceof Error ? error : new Error(String(error));
    const hint = err instanceof WorkerManagerError && err.hint ? `\n  ${err.hint}` : '';
    // A process's error comes with the stack of its cause; a main-process listener's with its own.
    const stack = err instanceof StartError ? err.cause?.stack : err.stack;
    const where = slot ? '' : 'A main-process listener failed: ';
    log.error(`${where}${err.message}${hint}${stack ? `\n${indent(stack)}` : ''}`);
    log.error('Not all processes started; stopping the app.');
    await this.stopEverything('shutdown', 2000);
    return this.complete(1);
  }

  // ---------------------------------------------------------------- slots and processes

  private addSlot(options: ConstructorParameters<typeof WorkerProcess>[0]): WorkerProcess {
    // Names are the table's keys: a second slot of one name would leave the first's process unmanaged.
    if (this.slots.has(options.name)) throw new Error(`worker-manager bug: a process named ${options.name} already exists.`);
    const slot = new WorkerProcess(options, this.config);
    this.slots.set(slot.name, slot);
    this.changed(slot);
    return slot;
  }

  private addServerSlot(): WorkerProcess {
    const index = this.nextServerIndex++;
    return this.addSlot({ name: `WM-Server-${index}-0`, kind: 'server', index, restartable: true, transient: true, tracked: true });
  }

  private activeServers(): WorkerProcess[] {
    return [...this.slots.values()].filter((s) => s.isServer && !s.retired);
  }

  private thresholdMs(): number {
    const units = this.config.THRESHOLD !== DEFAULTS.THRESHOLD ? this.config.THRESHOLD : WorkerManager.THRESHOLD;
    return units * 100;
  }

  private childEnv(slot: WorkerProcess): NodeJS.ProcessEnv {
    const config: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(this.config)) {
      if (['string', 'number', 'boolean'].includes(typeof value)) config[key] = value;
    }
    return {
      ...process.env,
      ...locatorEnv(this.options.locator),
      ...slot.env,
      WM_PROCESS_NAME: slot.name,
      WM_PROCESS_KIND: slot.kind,
      WM_CONFIG_JSON: JSON.stringify(config),
    };
  }

  /** Starts a new incarnation in `slot` and makes it current. */
  private spawn(slot: WorkerProcess): Incarnation {
    const warm = takeWarm();
    const { execArgv, inspectPort } = warm ? { execArgv: [], inspectPort: warm.inspectPort } : childExecArgv();
    const inc = new Incarnation(slot.name, slot.kind, {
      entry: this.entry,
      env: this.childEnv(slot),
      execArgv,
      thresholdMs: this.thresholdMs(),
      warm,
    });
    slot.current = inc;
    this.patch(slot, {
      ...slot.startPatch(inc.pid),
      state: 'STARTING',
      // During a zero-downtime restart the previous process still serves for this slot.
      ...(slot.isServer ? { serving: this.standby.get(slot)?.alive === true } : {}),
      // Ours: where a debugger attaches to just this process, when the manager runs under --inspect.
      inspect_port: inspectPort,
    });
    inc.on('message', (message: ChildMessage) => this.onMessage(slot, inc, message));
    inc.send({ t: 'init', sharedCtx: this.sharedDescriptors, table: this.table() });
    if (slot.isServer) inc.send({ t: 'listen', port: this.socket!.port }, this.socket!.handle);
    inc.acked.then(
      () => {
        if (slot.current !== inc) return;
        this.patch(slot, slot.isServer ? { state: 'ACKED', serving: true } : { state: 'STARTED' });
      },
      (error: StartError) => {
        // At start-up run() reports it; while stopping, or when asked to stop, it is no news.
        if (this.phase !== 'running' || inc.stopRequested) return;
        log.error(`${error.message}${error.hint ? `\n  ${error.hint}` : ''}${error.cause?.stack ? `\n${indent(error.cause.stack)}` : ''}`);
        // Alive but silent past the threshold: it goes, and its exit is handled as a death.
        inc.kill();
      },
    );
    void inc.exited.then(() => this.onExit(slot, inc));
    return inc;
  }

  private onMessage(slot: WorkerProcess, inc: Incarnation, message: ChildMessage): void {
    switch (message.t) {
      case 'started':
        if (slot.current === inc && slot.state === 'STARTING') this.patch(slot, { state: 'STARTED' });
        break;
      case 'serving':
        if (slot.current !== inc || !slot.isServer) break;
        this.patch(slot, { serving: message.serving });
        if (!message.serving && !inc.stopRequested && this.phase === 'running') {
          // A SIGTERM to the whole process group (systemd, kill -TERM -pgid) reaches the workers and the manager
          // at once, and a worker's word can come first: give the manager's own signal a moment to arrive.
          setTimeout(() => {
            if (!inc.stopRequested && this.phase === 'running' && slot.current === inc) this.replaceLeaving(slot, inc);
          }, LEAVING_GRACE_MS);
        }
        break;
      case 'state': {
        if (slot.current !== inc) break;
        const patch: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(message.patch ?? {})) if (!RESTRICTED_STATE_KEYS.has(key)) patch[key] = value;
        this.patch(slot, patch);
        break;
      }
      case 'warn-once':
        if (!this.warned.has(message.key)) {
          this.warned.add(message.key);
          log.warn(message.message);
        }
        break;
      case 'subscribe':
        this.publisher.subscribe(inc);
        break;
      case 'call':
        void this.answer(slot, inc, message.id, message.method, message.params);
        break;
    }
  }

  private onExit(slot: WorkerProcess, inc: Incarnation): void {
    this.publisher.unsubscribe(inc);
    mainHost().forget(callerId(inc));
    if (slot.retiring.delete(inc)) return;
    if (this.standby.get(slot) === inc) {
      // The previous incarnation died while its replacement was starting: nothing to fall back on now.
      this.standby.delete(slot);
      if (!inc.stopRequested && this.phase === 'running') {
        log.warn(`${slot.name}'s previous process (pid ${inc.pid}) died (${describeExit(inc.exitInfo!)}) while its replacement was starting.`);
      }
      return;
    }
    if (slot.current !== inc) return;
    const exit = inc.exitInfo!;
    if (inc.stopRequested) {
      if (this.phase === 'stopping') this.patch(slot, { state: 'JOINED', ...(slot.isServer ? { serving: false } : {}) });
      return;
    }
    if (this.phase === 'stopping' || this.phase === 'stopped') return;
    const clean = exit.code === 0 && !exit.signal;
    if (this.phase === 'starting') {
      // Not acked: run() reports it as a start-up failure. Acked (a one-shot custom process, say): handle it
      // once the app is up, so a replacement does not race the start-up.
      if (inc.ackedAt !== undefined) this.once('ready', () => this.onDeath(slot, inc, clean));
      return;
    }
    this.onDeath(slot, inc, clean);
  }

  /**
   * A worker started draining without being asked (someone sent it SIGTERM): start its replacement now, as in a
   * zero-downtime restart, rather than serve with one worker fewer until its last connection closes.
   */
  private replaceLeaving(slot: WorkerProcess, inc: Incarnation): void {
    log.info(`${slot.name} (pid ${inc.pid}) is stopping on its own (SIGTERM?); starting its replacement.`);
    inc.stopRequested = 'handover';
    slot.retiring.add(inc);
    this.queueForSlot(slot, async () => {
      if (this.phase !== 'running' || slot.retired) return;
      this.patch(slot, { state: 'RESTARTING' });
      await this.spawn(slot).acked.catch(() => {});
    });
  }

  /** The current incarnation of `slot` ended without being asked to. */
  private onDeath(slot: WorkerProcess, inc: Incarnation, cleanExit: boolean): void {
    const exit = describeExit(inc.exitInfo!);
    const fallback = this.standby.get(slot);
    if (fallback?.alive) {
      // A zero-downtime replacement failed: the previous process never stopped serving, so it stays.
      this.standby.delete(slot);
      slot.current = fallback;
      this.patch(slot, { pid: fallback.pid, state: 'ACKED', serving: true });
      log.error(`The replacement for ${slot.name} failed (${exit}); the previous process (pid ${fallback.pid}) keeps serving.`);
      return;
    }
    this.patch(slot, { state: cleanExit ? 'COMPLETED' : 'FAILED', ...(slot.isServer ? { serving: false } : {}) });
    if (slot.kind === 'custom') {
      if (!slot.tracked) this.removeSlot(slot);
      return;
    }
    if (slot.retired) return;
    const servedMs = inc.ackedAt === undefined ? undefined : Date.now() - inc.ackedAt;
    const decision = slot.crashPolicy.onDeath(servedMs);
    if (decision.action === 'give-up') {
      slot.retired = true;
      this.patch(slot, { crash_loop: true });
      log.error(
        `CRASH LOOP: ${slot.name} died ${decision.unstableInARow} times in a row within ${this.config.MIN_UPTIME} s of starting ` +
          `(last: ${exit}). It will not be replaced again; ${this.activeServers().length} server worker(s) keep serving. ` +
          `Fix the cause, then restart it by name (wm inspect restart ${slot.name}) or reload.`,
      );
      if (slot.isServer && this.activeServers().length === 0) {
        log.error('No server worker is left to serve: stopping the app.');
        void this.shutdown(1);
      }
      return;
    }
    const when = decision.delayMs > 0 ? `in ${(decision.delayMs / 1000).toFixed(1)} s` : 'now';
    log.warn(`${slot.name} (pid ${inc.pid}) died unexpectedly (${exit}); replacing it ${when}.`);
    this.queueForSlot(slot, async () => {
      if (decision.delayMs > 0) {
        this.patch(slot, { state: 'IDLE' });
        if (!(await slot.waitBackoff(decision.delayMs))) return; // a restart, scale-down or stop came first
      }
      if (this.phase !== 'running' || slot.retired) return;
      await this.spawn(slot).acked.catch(() => {});
    });
  }

  private removeSlot(slot: WorkerProcess): void {
    this.slots.delete(slot.name);
    this.slotChains.delete(slot.name);
    this.emit('change', slot.name, undefined);
    this.publisher.changed();
  }

  /** queueForSlot for an op that resolves with a start error: rejects with it once the op is done. */
  private async queueWithOutcome(slot: WorkerProcess, op: () => Promise<StartError | undefined>): Promise<void> {
    let failed: StartError | undefined;
    await this.queueForSlot(slot, async () => {
      failed = await op();
    });
    if (failed) throw failed;
  }

  /** Runs `op` after whatever `slot` is already doing: one restart of a process at a time. */
  private queueForSlot(slot: WorkerProcess, op: () => Promise<void>): Promise<void> {
    const previous = this.slotChains.get(slot.name) ?? Promise.resolve();
    const next = previous.then(op, op).catch((error) => log.error(`${slot.name}: ${serializeError(error).stack}`));
    this.slotChains.set(slot.name, next);
    return next;
  }

  private patch(slot: WorkerProcess, patch: Partial<ProcessRecord>): void {
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined) delete slot.record[key];
      else slot.record[key] = value;
    }
    this.changed(slot);
  }

  private changed(slot: WorkerProcess): void {
    this.emit('change', slot.name, { ...slot.record });
    this.publisher.changed();
  }

  // ---------------------------------------------------------------- calls from processes

  private async answer(slot: WorkerProcess, inc: Incarnation, id: number, method: CallMethod, params: unknown): Promise<void> {
    try {
      const value = await this.dispatch(slot, inc, method, params as never);
      inc.send({ t: 'result', id, ok: true, value });
    } catch (error) {
      inc.send({ t: 'result', id, ok: false, error: serializeError(error) });
    }
  }

  private async dispatch<M extends CallMethod>(
    caller: WorkerProcess,
    inc: Incarnation,
    method: M,
    params: CallMap[M]['params'],
  ): Promise<CallMap[CallMethod]['result']> {
    switch (method) {
      case 'workers':
        return this.table();
      case 'info':
        return this.info();
      case 'restart':
      case 'reload': {
        const { wait, ...order } = params as RestartParams & { wait?: boolean };
        const targets = this.restartPlan(method === 'restart' ? order : { allWorkers: true, zeroDowntime: order.zeroDowntime });
        if (wait && targets.includes(caller)) {
          throw new WorkerManagerError(`${caller.name} cannot wait for its own restart: it is one of the processes to replace.`, 'Call it without wait: true.');
        }
        const done = this.restartSlots(targets, Boolean(order.zeroDowntime));
        if (wait) await done;
        else done.catch(() => {}); // each failure is logged where it happens and shows in the table
        return targets.map((slot) => slot.name);
      }
      case 'scale': {
        const { replicas, wait } = params as { replicas: number; wait?: boolean };
        this.checkReplicas(replicas);
        this.requireRunning('scale');
        const scaled = this.scale(replicas);
        if (wait) {
          await scaled;
          return `Scaled to ${replicas}`;
        }
        scaled.catch((error) => log.error(`Scaling to ${replicas} failed: ${serializeError(error).message}`));
        return `Scaling to ${replicas}`;
      }
      case 'shutdown':
        setImmediate(() => void this.shutdown(0));
        return null;
      case 'manage': {
        const p = params as ManageParams;
        // On the fly (app.m.manage): answered once the new processes run, or with the first one's start error.
        const slots = this.addManagedSlots(p.name, p.target, p.kwargs, p.options);
        await this.startManaged(slots);
        return slots.map((slot) => slot.name);
      }
      case 'shared': {
        const { id, op, args } = params as { id: number; op: string; args: unknown[] };
        return (await mainHost().apply(id, op, args, callerId(inc))) as never;
      }
      default:
        throw new WorkerManagerError(`Unknown call "${String(method)}".`);
    }
  }

  // ---------------------------------------------------------------- restart, reload, scale

  /**
   * Restarts processes (WM-6, WM-7). Names: those processes; `allWorkers` or no names: every transient process
   * (server workers included). Resolves once every replacement serves and every old process is gone; rejects with
   * the start error of a replacement that does not come up (the manager goes on as for any failed start).
   */
  async restart(params: RestartParams = {}): Promise<string[]> {
    const targets = this.restartPlan(params);
    await this.restartSlots(targets, Boolean(params.zeroDowntime));
    return targets.map((slot) => slot.name);
  }

  /** Restarts what the inspector's `reload` restarts: every transient process (all server workers). */
  reload(options: { zeroDowntime?: boolean } = {}): Promise<string[]> {
    return this.restart({ allWorkers: true, zeroDowntime: options.zeroDowntime });
  }

  /** The processes a restart order names, or a refusal that says why. */
  private restartPlan(params: RestartParams): WorkerProcess[] {
    this.requireRunning('restart');
    return restartTargets(this.slots, params);
  }

  /** Restarts `slots`; resolves once done, rejects with the first replacement's start error. */
  private restartSlots(slots: WorkerProcess[], zeroDowntime: boolean): Promise<void> {
    return Promise.all(
      slots.map((slot) => {
        // A replacement waiting out its crash backoff gives way to the restart asked for now.
        slot.cancelBackoff();
        return this.queueWithOutcome(slot, () => this.restartSlot(slot, zeroDowntime));
      }),
    ).then(() => undefined);
  }

  /** Restarts one slot; resolves with the replacement's start error, if it failed (already logged by spawn). */
  private async restartSlot(slot: WorkerProcess, zeroDowntime: boolean): Promise<StartError | undefined> {
    // Removed by a scale-down since the order was taken (a crash-looped slot is the one retired slot to bring back).
    if (this.phase !== 'running' || (slot.retired && !slot.record.crash_loop)) return undefined;
    slot.crashPolicy.reset();
    if (slot.record.crash_loop) {
      slot.retired = false;
      this.patch(slot, { crash_loop: undefined });
    }
    const old = slot.current?.alive ? slot.current : undefined;
    this.patch(slot, { state: 'RESTARTING' });
    // Zero downtime is for server workers, whose ack means "serving". Other processes restart shutdown-first: the
    // inspector's port cannot be held by two processes at once (no SO_REUSEPORT in Node 20), and a custom process
    // acks before its function runs, so two copies would only overlap on whatever they hold (a port, a lock).
    if (zeroDowntime && old && slot.isServer) {
      this.standby.set(slot, old);
      const failed = await startOutcome(this.spawn(slot));
      if (slot.retired) return undefined; // a scale-down took the slot meanwhile and stopped both processes
      if (failed) return failed; // onDeath puts the previous process back
      this.standby.delete(slot);
      slot.retiring.add(old);
      await old.stop('handover', this.gracefulMs());
      return undefined;
    }
    if (old) {
      if (slot.isServer) this.patch(slot, { serving: false });
      // While other workers serve, the old one hands its keep-alive connections over as in a zero-downtime
      // restart (closing idle ones at once races clients writing on them); alone, it closes them now.
      const othersServe = this.activeServers().some((other) => other !== slot && other.record.serving);
      await old.stop(slot.isServer && othersServe ? 'handover' : 'shutdown', this.gracefulMs());
    }
    if (this.phase !== 'running' || slot.retired) return undefined;
    return startOutcome(this.spawn(slot));
  }

  /**
   * Sets the number of server workers (WM-8); resolves when new ones serve and removed ones are gone, rejects with
   * the start error of a new one that does not come up.
   */
  scale(replicas: number): Promise<void> {
    try {
      this.checkReplicas(replicas);
      this.requireRunning('scale');
    } catch (error) {
      return Promise.reject(error);
    }
    const run = async () => {
      if (this.phase !== 'running') return;
      const active = this.activeServers();
      if (replicas > active.length) {
        log.info(`Scaling up from ${active.length} to ${replicas} server workers.`);
        const added = Array.from({ length: replicas - active.length }, () => this.addServerSlot());
        await Promise.all(added.map((slot) => this.queueWithOutcome(slot, () => startOutcome(this.spawn(slot)))));
      } else if (replicas < active.length) {
        log.info(`Scaling down from ${active.length} to ${replicas} server workers (newest first, drained).`);
        const victims = active.sort((a, b) => b.index - a.index).slice(0, active.length - replicas);
        await Promise.all(victims.map((slot) => this.retireSlot(slot)));
        this.pruneTerminated();
      }
    };
    const next = this.scaleChain.then(run, run);
    this.scaleChain = next.catch(() => {});
    return next;
  }

  private checkReplicas(replicas: unknown): asserts replicas is number {
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 1) {
      throw new WorkerManagerError(
        `Cannot scale to ${JSON.stringify(replicas)}: give a whole number of server workers of at least 1.`,
        'To stop the app, use shutdown.',
      );
    }
  }

  private async retireSlot(slot: WorkerProcess): Promise<void> {
    slot.retired = true;
    slot.cancelBackoff();
    this.patch(slot, { state: 'TERMINATED', serving: false });
    // A zero-downtime restart under way has two processes here: the one starting and the one still serving.
    const standby = this.standby.get(slot);
    this.standby.delete(slot);
    const live = [slot.current, standby].filter((inc): inc is Incarnation => inc?.alive === true);
    for (const inc of live) slot.retiring.add(inc);
    await Promise.all(live.map((inc) => inc.stop('handover', this.gracefulMs())));
  }

  private pruneTerminated(): void {
    const terminated = [...this.slots.values()].filter((s) => s.isServer && s.retired && s.state === 'TERMINATED');
    for (const slot of terminated.slice(0, Math.max(0, terminated.length - TERMINATED_KEPT))) {
      if ([...slot.live()].length === 0) this.removeSlot(slot);
    }
  }

  // ---------------------------------------------------------------- custom processes

  /**
   * Registers a custom process (WM-13) and, when the app already runs, starts it (WM-14). Returns the process
   * names (`WM-<name>-<i>`, one per worker).
   */
  manage(name: string, fn: ProcessFunction | string, kwargs: Record<string, unknown> = {}, options: ManageOptions = {}): string[] {
    const slots = this.addManagedSlots(name, fn, kwargs, options);
    void this.startManaged(slots).catch(() => {}); // a failure to start is logged and shows in the table
    return slots.map((slot) => slot.name);
  }

  private addManagedSlots(name: string, fn: ProcessFunction | string, kwargs: Record<string, unknown> = {}, options: ManageOptions = {}): WorkerProcess[] {
    if (this.phase === 'stopping' || this.phase === 'stopped') throw new WorkerManagerError('The app is shutting down; no new process can start.');
    return planManagedProcesses(name, fn, kwargs, options, (processName) => this.slots.has(processName)).map((o) => this.addSlot(o));
  }

  /** Starts processes added while the app runs (before that, run() starts them with the rest); resolves once each acked. */
  private startManaged(slots: WorkerProcess[]): Promise<void> {
    if (this.phase !== 'running') return Promise.resolve();
    const started = slots.map(
      (slot) =>
        new Promise<void>((resolve, reject) => {
          void this.queueForSlot(slot, () => this.spawn(slot).acked.then(resolve, (error: unknown) => reject(error)));
        }),
    );
    return Promise.all(started).then(() => undefined);
  }

  // ---------------------------------------------------------------- shutdown

  /** Stops every process gracefully, runs mainProcessStop listeners, and resolves with the exit status. */
  shutdown(code = 0): Promise<number> {
    if (this.shutdownPromise) return this.shutdownPromise;
    if (this.phase === 'idle' || this.phase === 'stopped') return Promise.resolve(code);
    this.shutdownPromise = (async () => {
      log.info(`Shutting down ${this.app.name}...`);
      await this.stopEverything('shutdown', this.gracefulMs());
      return this.complete(code);
    })();
    return this.shutdownPromise;
  }

  private async stopEverything(mode: StopMode, timeoutMs: number): Promise<void> {
    this.phase = 'stopping';
    const exits: Promise<unknown>[] = [];
    for (const slot of this.slots.values()) {
      slot.cancelBackoff();
      for (const inc of slot.live()) exits.push(inc.stop(mode, timeoutMs));
      const spare = this.standby.get(slot);
      if (spare?.alive) exits.push(spare.stop(mode, timeoutMs));
    }
    // Nobody will serve a new connection now: once the draining workers close their listeners too, the socket
    // closes and new clients are refused at once instead of waiting in the queue to be reset at the end.
    this.socket?.close();
    await Promise.all(exits);
  }

  private async complete(code: number): Promise<number> {
    try {
      await this.app.listeners.run('mainProcessStop', this.app);
    } catch (error) {
      log.error(`A mainProcessStop listener failed: ${serializeError(error).stack}`);
      code = code || 1;
    }
    this.socket?.close();
    this.phase = 'stopped';
    this.signals.remove();
    this.finish(code);
    return code;
  }

  /** Kills every process at once (a second Ctrl-C). */
  forceStop(): void {
    for (const slot of this.slots.values()) for (const inc of slot.live()) inc.kill();
    for (const spare of this.standby.values()) spare.kill();
  }

  private gracefulMs(): number {
    return this.config.GRACEFUL_SHUTDOWN_TIMEOUT * 1000;
  }

  private requireRunning(action: string): void {
    if (this.phase !== 'running') {
      throw new WorkerManagerError(`Cannot ${action} now: the app is ${this.phase === 'starting' ? 'still starting' : 'stopping'}.`);
    }
  }
}

/** Shared-primitive owner identity: one per OS process, so a replaced worker's locks are freed. */
function callerId(inc: Incarnation): string {
  return `${inc.name}#${inc.pid}`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}

/** Waits for a process's ack: undefined once it serves, its start error if it never does. */
function startOutcome(inc: Incarnation): Promise<StartError | undefined> {
  return inc.acked.then(
    () => undefined,
    (error: StartError) => error,
  );
}
