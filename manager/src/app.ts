/**
 * The App: a name, a request handler, config, lifecycle listeners, and `run()`. Every process of an app loads
 * the app's module again (WM-3), so an App registers itself by name and each process finds it there.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createConfig, type Config } from './config';
import { WorkerManagerError } from './errors';
import { LISTENER_EVENTS, ListenerRegistry, normalizeEvent, type Listener, type ListenerEvent } from './listeners';
import { createSharedContext, type SharedContext } from './shared/context';
import type { Multiplexer } from './worker/multiplexer';
import type { RunOptions } from './run';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;
/** Builds the server a worker serves with (for https, http2, or a framework's own server). */
export type ServerFactory = (handler: RequestHandler) => Server;
/** A custom inspector command: keyword arguments from the request body, positional ones from its `args`. */
export type InspectorCommand = (kwargs: Record<string, unknown>, ...args: unknown[]) => unknown;

/** Apps by name, shared by every copy of this package loaded in a process. */
const REGISTRY_KEY = Symbol.for('worker-manager.apps');
const APP_BRAND = Symbol.for('worker-manager.app');
type Registry = Map<string, App>;
function registry(): Registry {
  const g = globalThis as unknown as Record<symbol, Registry | undefined>;
  g[REGISTRY_KEY] ??= new Map();
  return g[REGISTRY_KEY]!;
}

/** The hooks the manager uses while it owns an app in the main process. */
export interface AppMainHooks {
  /** Set while mainProcessStart listeners run: the only time sharedCtx may be written. */
  fillingSharedCtx: boolean;
  manager?: unknown;
}

export class App {
  readonly [APP_BRAND] = true;
  readonly name: string;
  handler: RequestHandler;
  /** Optional: how to build the HTTP server; defaults to `http.createServer(handler)`. */
  serverFactory?: ServerFactory;
  readonly config: Config;
  /** Per-process context for anything that need not be shared (Sanic's app.ctx). */
  readonly ctx: Record<string, any> = {};
  readonly sharedCtx: SharedContext;
  readonly listeners = new ListenerRegistry<App>();
  readonly inspectorCommands = new Map<string, InspectorCommand>();
  /** @internal */
  readonly main: AppMainHooks = { fillingSharedCtx: false };
  private multiplexerRef?: Multiplexer;

  constructor(name: string, handler?: RequestHandler, options: { config?: Partial<Config> } = {}) {
    if (typeof name !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(name)) {
      throw new WorkerManagerError(
        `App name ${JSON.stringify(name)} is not valid.`,
        'Use letters, digits, "_", "-" or "." (it names the app in logs and the inspector).',
      );
    }
    const apps = registry();
    if (apps.has(name)) {
      throw new WorkerManagerError(
        `An app named "${name}" already exists in this process.`,
        `Give each App its own name, or reach the existing one with App.get("${name}").`,
      );
    }
    this.name = name;
    this.handler = handler ?? defaultHandler;
    this.config = Object.assign(createConfig(), options.config ?? {});
    this.sharedCtx = createSharedContext({ refuseWrite: (key) => this.refuseSharedWrite(key) });
    apps.set(name, this);
  }

  /** The app registered under `name` in this process. */
  static get(name: string): App {
    const app = registry().get(name);
    if (!app) {
      const known = [...registry().keys()];
      throw new WorkerManagerError(
        `No app named "${name}" in this process.`,
        known.length ? `Known apps: ${known.join(', ')}.` : 'Create it with new App(name, handler) before asking for it.',
      );
    }
    return app;
  }

  /** Every app registered in this process. */
  static all(): App[] {
    return [...registry().values()];
  }

  /** True for an App from any copy of this package. */
  static isApp(value: unknown): value is App {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[APP_BRAND] === true;
  }

  /** @internal Forget every app (tests that build several managers in one process). */
  static resetRegistry(): void {
    registry().clear();
  }

  registerListener(fn: Listener<App>, event: ListenerEvent | string): Listener<App> {
    const normalized = normalizeEvent(event);
    if (!normalized) {
      throw new WorkerManagerError(
        `Unknown listener event "${event}".`,
        `Use one of: ${LISTENER_EVENTS.join(', ')} (snake_case spellings work too).`,
      );
    }
    if (typeof fn !== 'function') throw new WorkerManagerError(`A ${normalized} listener must be a function.`);
    this.listeners.add(normalized, fn);
    return fn;
  }

  /** Main process, before any worker starts: the place to fill `sharedCtx`. */
  mainProcessStart<F extends Listener<App>>(fn: F): F {
    this.registerListener(fn, 'mainProcessStart');
    return fn;
  }
  /** Main process, before the processes start: the place to call `app.manager.manage(...)`. */
  mainProcessReady<F extends Listener<App>>(fn: F): F {
    this.registerListener(fn, 'mainProcessReady');
    return fn;
  }
  mainProcessStop<F extends Listener<App>>(fn: F): F {
    this.registerListener(fn, 'mainProcessStop');
    return fn;
  }
  beforeServerStart<F extends Listener<App>>(fn: F): F {
    this.registerListener(fn, 'beforeServerStart');
    return fn;
  }
  afterServerStart<F extends Listener<App>>(fn: F): F {
    this.registerListener(fn, 'afterServerStart');
    return fn;
  }
  beforeServerStop<F extends Listener<App>>(fn: F): F {
    this.registerListener(fn, 'beforeServerStop');
    return fn;
  }
  afterServerStop<F extends Listener<App>>(fn: F): F {
    this.registerListener(fn, 'afterServerStop');
    return fn;
  }

  /** Registers a command the inspector runs: `POST /<name>` and `wm inspect <name>`. */
  inspectorCommand(name: string, fn: InspectorCommand): InspectorCommand {
    if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(name)) {
      throw new WorkerManagerError(`Inspector command name "${name}" is not valid.`, 'Start with a letter; use letters, digits, "_" or "-".');
    }
    if (['info', 'reload', 'shutdown', 'scale', 'restart', 'events'].includes(name)) {
      throw new WorkerManagerError(`"${name}" is a built-in inspector action.`, 'Choose another name for the custom command.');
    }
    this.inspectorCommands.set(name, fn);
    return fn;
  }

  /** The multiplexer (WM-10): this process's view of and handle on the manager. Only in managed processes. */
  get m(): Multiplexer {
    if (!this.multiplexerRef) {
      throw new WorkerManagerError(
        'app.m (the multiplexer) exists only in processes the manager runs.',
        'Use it in listeners and request handlers of the processes the manager runs, not in the main process.',
      );
    }
    return this.multiplexerRef;
  }
  get multiplexer(): Multiplexer {
    return this.m;
  }
  /** @internal */
  attachMultiplexer(m: Multiplexer): void {
    this.multiplexerRef = m;
  }

  /** The worker manager, in the main process once `run()` has created it. */
  get manager(): import('./main/manager').WorkerManager {
    const manager = this.main.manager as import('./main/manager').WorkerManager | undefined;
    if (!manager) {
      throw new WorkerManagerError(
        'app.manager exists only in the main process while the app runs.',
        'Use it in a mainProcessReady listener; in a worker, use app.m instead.',
      );
    }
    return manager;
  }

  /**
   * Runs the app under a worker manager (or in this process with `singleProcess`). Call it behind a main-guard
   * (`if (require.main === module)` or `if (isMain(import.meta))`): every worker loads this module again.
   */
  async run(options: RunOptions = {}): Promise<void> {
    const { runApp } = require('./run') as typeof import('./run.js');
    return runApp(this, options);
  }

  private refuseSharedWrite(key: string): string | undefined {
    if (process.env.WM_PROCESS_NAME) {
      return (
        `app.sharedCtx.${key} was set in ${process.env.WM_PROCESS_NAME}; the shared context is filled only in the main process.\n` +
        `Set it in a mainProcessStart listener: app.mainProcessStart((app) => { app.sharedCtx.${key} = ... }).`
      );
    }
    if (!this.main.fillingSharedCtx) {
      return (
        `app.sharedCtx.${key} was set outside a mainProcessStart listener.\n` +
        `Shared objects are made in the main process before workers start: app.mainProcessStart((app) => { app.sharedCtx.${key} = ... }).`
      );
    }
    return undefined;
  }
}

function defaultHandler(_req: IncomingMessage, res: ServerResponse): void {
  res.statusCode = 404;
  res.setHeader('content-type', 'text/plain');
  res.end('This app has no request handler: pass one to new App(name, handler) or set app.handler.\n');
}

/**
 * The main-guard helper: `if (isMain(module)) app.run()` (CommonJS) or `if (isMain(import.meta)) app.run()` (ESM).
 * False in every process the manager starts, true only in the script node was asked to run.
 */
export function isMain(moduleOrMeta: { url?: string; filename?: string; main?: boolean } | NodeJS.Module): boolean {
  if (process.env.WM_PROCESS_NAME) return false;
  const entry = process.argv[1];
  if ('url' in moduleOrMeta && typeof moduleOrMeta.url === 'string') {
    if (typeof (moduleOrMeta as { main?: boolean }).main === 'boolean') return (moduleOrMeta as { main: boolean }).main;
    if (!entry) return false;
    const { pathToFileURL } = require('node:url') as typeof import('node:url');
    const { realpathSync } = require('node:fs') as typeof import('node:fs');
    const candidates = [pathToFileURL(entry).href];
    try {
      candidates.push(pathToFileURL(realpathSync(entry)).href);
    } catch {
      // the entry may be a name node resolved itself; the plain form above is enough then
    }
    return candidates.includes(moduleOrMeta.url);
  }
  return require.main === moduleOrMeta;
}
