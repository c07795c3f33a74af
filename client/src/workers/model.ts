// The apps the Workers view shows and their latest inspector state. One owner of that data: the tree,
// the status bar and the commands read it and subscribe to changes. No VS Code API here, so it is
// unit-tested with fake inspectors that replay recorded JSON.
//
// Per app it keeps one live subscription: the inspector client's watch() (its change stream, or its
// own polling against an inspector without one) or, with updates 'poll', a plain info() loop. When the
// inspector cannot be reached the app says so and reconnects with exponential backoff; nothing here
// raises errors to the user.
import type { Inspector, InspectorEndpoint, InspectorFactory, InspectorState, UpdateMode } from './inspector';

export type AppOrigin = 'launched' | 'configured';
export type AppStatus = 'connecting' | 'live' | 'unreachable' | 'stopped';

export interface AppSpec {
  id: string;
  /** The name shown until the inspector reports the app's own (and always, for configured inspectors). */
  name: string;
  origin: AppOrigin;
  endpoint: InspectorEndpoint;
  /** 'auto': the client's watch (stream when offered); 'poll': info() every pollMs. */
  updates?: 'auto' | 'poll';
  /** What launched it, for launched apps (file, runtime, debug session). */
  launch?: { file: string; runtime: 'node' | 'python'; debug: boolean };
}

export interface AppEntry extends AppSpec {
  status: AppStatus;
  state?: InspectorState;
  error?: string;
  /** When the next reconnect happens (epoch ms), while connecting or unreachable. */
  retryAt?: number;
  mode?: UpdateMode;
  /** When the last state arrived (epoch ms). */
  updatedAt?: number;
}

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface ModelOptions {
  pollMs?: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** A launched app's inspector is not up at once: retry quickly, still 'connecting', for this long. */
  launchGraceMs?: number;
  clock?: Clock;
}

interface Subscription {
  entry: AppEntry;
  inspector: Inspector;
  addedAt: number;
  everLive: boolean;
  attempts: number;
  /** Bumped whenever the subscription is replaced, so late callbacks of an old one are ignored. */
  generation: number;
  watcher?: { close(): void };
  timer?: unknown;
}

export type ChangeListener = (appId: string | undefined) => void;

const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export class WorkersModel {
  private readonly subs = new Map<string, Subscription>();
  private readonly listeners = new Set<ChangeListener>();
  private readonly pollMs: number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly launchGraceMs: number;
  private readonly clock: Clock;

  constructor(private readonly createInspector: InspectorFactory, opts: ModelOptions = {}) {
    this.pollMs = opts.pollMs ?? 1000;
    this.initialBackoffMs = opts.initialBackoffMs ?? 1000;
    this.maxBackoffMs = opts.maxBackoffMs ?? 30_000;
    this.launchGraceMs = opts.launchGraceMs ?? 30_000;
    this.clock = opts.clock ?? systemClock;
  }

  onDidChange(listener: ChangeListener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  list(): AppEntry[] {
    return [...this.subs.values()].map((s) => s.entry);
  }

  get(id: string): AppEntry | undefined {
    return this.subs.get(id)?.entry;
  }

  inspector(id: string): Inspector | undefined {
    return this.subs.get(id)?.inspector;
  }

  /** Adds an app (replacing one with the same id) and starts following its inspector. */
  add(spec: AppSpec): AppEntry {
    if (this.subs.has(spec.id)) this.remove(spec.id, false);
    const entry: AppEntry = { ...spec, status: 'connecting' };
    const sub: Subscription = {
      entry,
      inspector: this.inspectorFor(spec.endpoint),
      addedAt: this.clock.now(),
      everLive: false,
      attempts: 0,
      generation: 0,
    };
    this.subs.set(spec.id, sub);
    this.connect(sub);
    this.emit(undefined);
    return entry;
  }

  /**
   * An endpoint the client cannot even be made for (an unreadable CA file, say) is an app that cannot be
   * reached, shown with the reason and retried like any other: never an exception out of activation.
   */
  private inspectorFor(endpoint: InspectorEndpoint): Inspector {
    try {
      return this.createInspector(endpoint);
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      const refuse = () => Promise.reject(error);
      return {
        info: refuse,
        reload: refuse,
        restart: refuse,
        scale: refuse,
        shutdown: refuse,
        command: refuse,
        watch: (_onState, opts) => {
          opts?.onError?.(error);
          return { close: () => {} };
        },
      };
    }
  }

  remove(id: string, notify = true): void {
    const sub = this.subs.get(id);
    if (!sub) return;
    this.unsubscribe(sub);
    sub.inspector.close?.();
    this.subs.delete(id);
    if (notify) this.emit(undefined);
  }

  /** The app ended (its debug session stopped): stop following it, keep its last state for a final look. */
  markStopped(id: string): void {
    const sub = this.subs.get(id);
    if (!sub) return;
    this.unsubscribe(sub);
    sub.entry.status = 'stopped';
    sub.entry.retryAt = undefined;
    this.emit(id);
  }

  /** Reconnects now: a fresh state for a live app, an immediate retry for an unreachable one. */
  refresh(id?: string): void {
    for (const sub of id ? [this.subs.get(id)].filter((s): s is Subscription => !!s) : this.subs.values()) {
      if (sub.entry.status === 'stopped') continue;
      this.unsubscribe(sub);
      sub.attempts = 0;
      this.connect(sub);
    }
  }

  dispose(): void {
    for (const sub of this.subs.values()) {
      this.unsubscribe(sub);
      sub.inspector.close?.();
    }
    this.subs.clear();
    this.listeners.clear();
  }

  private connect(sub: Subscription): void {
    const generation = ++sub.generation;
    const current = () => generation === sub.generation;
    const onError = (e: unknown) => current() && this.lost(sub, e);
    if (sub.entry.updates === 'poll') {
      this.pollLoop(sub, current, onError);
      return;
    }
    try {
      const watcher = sub.inspector.watch((state) => current() && this.apply(sub, state), {
        pollMs: this.pollMs,
        onError,
        onMode: (mode) => {
          if (!current() || sub.entry.mode === mode) return;
          sub.entry.mode = mode;
          this.emit(sub.entry.id);
        },
      });
      // An error reported synchronously inside watch() has already replaced this subscription.
      if (current()) sub.watcher = watcher;
      else watcher.close();
    } catch (e) {
      onError(e);
    }
  }

  private pollLoop(sub: Subscription, current: () => boolean, onError: (e: unknown) => void): void {
    sub.entry.mode = 'poll';
    const tick = () => {
      sub.inspector.info().then(
        (state) => {
          if (!current()) return;
          this.apply(sub, state);
          sub.timer = this.clock.setTimeout(tick, this.pollMs);
        },
        onError,
      );
    };
    tick();
  }

  private apply(sub: Subscription, state: InspectorState): void {
    const entry = sub.entry;
    const changed = entry.status !== 'live' || JSON.stringify(entry.state) !== JSON.stringify(state);
    sub.attempts = 0;
    sub.everLive = true;
    entry.status = 'live';
    entry.error = undefined;
    entry.retryAt = undefined;
    entry.state = state;
    entry.updatedAt = this.clock.now();
    if (changed) this.emit(entry.id);
  }

  private lost(sub: Subscription, error: unknown): void {
    this.unsubscribe(sub);
    const entry = sub.entry;
    const now = this.clock.now();
    const starting = entry.origin === 'launched' && !sub.everLive && now - sub.addedAt < this.launchGraceMs;
    sub.attempts++;
    const delay = starting ? 250 : Math.min(this.initialBackoffMs * 2 ** (sub.attempts - 1), this.maxBackoffMs);
    entry.status = starting ? 'connecting' : 'unreachable';
    entry.error = error instanceof Error ? error.message : String(error);
    entry.retryAt = now + delay;
    sub.timer = this.clock.setTimeout(() => this.connect(sub), delay);
    this.emit(entry.id);
  }

  private unsubscribe(sub: Subscription): void {
    sub.generation++;
    sub.watcher?.close();
    sub.watcher = undefined;
    if (sub.timer !== undefined) this.clock.clearTimeout(sub.timer);
    sub.timer = undefined;
  }

  private emit(appId: string | undefined): void {
    for (const l of [...this.listeners]) l(appId);
  }
}
