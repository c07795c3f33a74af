/**
 * `app.run()`: settings from run options over config (defaults < WM_* env < code), then a worker manager, or
 * single-process mode (WM-15). Prints errors for people and exits with the app's status.
 */
import type { App } from './app';
import { validateConfig, type Config, type ConfigKey } from './config';
import { WorkerManagerError } from './errors';
import type { AppLocator } from './loader';
import { log } from './log';

export interface RunOptions {
  host?: string;
  port?: number;
  /** Number of server workers. */
  workers?: number;
  /** Serve in this process: no manager, no workers, no reloader, no inspector. */
  singleProcess?: boolean;
  /** Development mode: the auto-reloader restarts workers when files change. */
  dev?: boolean;
  /** Turn the inspector on (config INSPECTOR). */
  inspector?: boolean;
  /** Any config keys, applied last. */
  config?: Partial<Config>;
  /** @internal The CLI says where the app module is; a script's own file otherwise. */
  locator?: AppLocator;
  /** @internal How the option values were given, for error messages (`--workers` vs `workers`). */
  describeSource?: (key: ConfigKey) => string;
}

export interface RunSettings {
  host: string;
  port: number;
  workers: number;
  dev: boolean;
  singleProcess: boolean;
  /** Started by a script's app.run() (not `wm serve`): error messages mention the main-guard. */
  startedByScript: boolean;
}

/** Folds run options into the app's config and checks the result. */
export function resolveSettings(app: App, options: RunOptions): RunSettings {
  const config = app.config;
  if (options.config) Object.assign(config, options.config);
  if (options.host !== undefined) config.HOST = options.host;
  if (options.port !== undefined) config.PORT = options.port;
  if (options.workers !== undefined) config.WORKERS = options.workers;
  if (options.inspector !== undefined) config.INSPECTOR = options.inspector;
  if (options.dev) config.AUTO_RELOAD = true;
  validateConfig(config, options.describeSource ?? ((key) => describeRunOption(key)));
  return {
    host: config.HOST,
    port: config.PORT,
    workers: config.WORKERS,
    dev: Boolean(config.AUTO_RELOAD),
    singleProcess: Boolean(options.singleProcess),
    startedByScript: !options.locator,
  };
}

function describeRunOption(key: ConfigKey): string {
  const option = { HOST: 'host', PORT: 'port', WORKERS: 'workers' }[key as string];
  return option ? `run({ ${option} })` : `config ${key}`;
}

export async function runApp(app: App, options: RunOptions): Promise<void> {
  if ((globalThis as Record<symbol, unknown>)[Symbol.for('worker-manager.cli-loading')] === true) {
    log.warn('app.run() ran while `wm serve` loaded the module; ignored (wm serve runs the app). Main-guard it to keep this quiet.');
    return;
  }
  if (process.env.WM_PROCESS_NAME) {
    // Not main-guarded: this module runs again in every process the manager starts. Starting a second manager
    // from here would fight over the port, so the call is ignored, and the manager says so once.
    process.send?.({
      t: 'warn-once',
      key: 'unguarded-run',
      message:
        `app.run() ran again in ${process.env.WM_PROCESS_NAME} because it is not main-guarded; it was ignored there. ` +
        'Wrap it: if (require.main === module) app.run() (CommonJS) or if (isMain(import.meta)) app.run() (ESM).',
    });
    return;
  }
  let code: number;
  try {
    const settings = resolveSettings(app, options);
    if (settings.singleProcess) {
      // What needs a manager cannot run here: say so rather than leave the user waiting for it.
      const needManager = [
        settings.workers > 1 ? `${settings.workers} workers` : '',
        app.config.INSPECTOR ? 'the inspector' : '',
        settings.dev ? 'auto-reload (--dev)' : '',
      ].filter(Boolean);
      if (needManager.length) {
        log.warn(`Single-process mode serves in this process, without a manager: ${needManager.join(', ')} need one and are off. Drop --single-process to have them.`);
      }
      const { serveSingleProcess } = require('./single') as typeof import('./single.js');
      code = await serveSingleProcess(app, settings);
    } else {
      const { WorkerManager } = require('./main/manager') as typeof import('./main/manager.js');
      const locator = options.locator ?? { module: require.main?.filename ?? process.argv[1], name: app.name };
      const manager = new WorkerManager(app, {
        locator,
        workers: settings.workers,
        host: settings.host,
        port: settings.port,
        startedByScript: settings.startedByScript,
        dev: settings.dev,
      });
      code = await manager.run();
    }
  } catch (error) {
    log.error(error instanceof WorkerManagerError ? error.explain() : (error instanceof Error ? error.stack : String(error)) ?? String(error));
    code = 1;
  }
  process.exit(code);
}
