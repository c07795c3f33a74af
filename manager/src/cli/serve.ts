/** `wm serve <module>[:export]`: load the app in the main process, then run it under the manager. */
import { parseArgs } from 'node:util';
import { DEFAULTS, type ConfigKey } from '../config';
import { loadApp, parseTarget } from '../loader';
import { runApp } from '../run';
import { UsageError } from './main';

const CLI_FLAG = Symbol.for('worker-manager.cli-loading');

const OPTIONS = {
  host: { type: 'string', short: 'H' },
  port: { type: 'string', short: 'p' },
  workers: { type: 'string', short: 'w' },
  'single-process': { type: 'boolean' },
  dev: { type: 'boolean', short: 'd' },
  'reload-dir': { type: 'string', multiple: true },
  inspector: { type: 'boolean', short: 'i' },
  factory: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function serveCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`wm serve: ${(error as Error).message.replace(/\. To specify a positional.*$/s, '.')}`, 'Run wm serve --help for the options.');
  }
  const { values, positionals } = parsed;
  if (values.help) {
    const { HELP } = require('./main') as typeof import('./main.js');
    process.stdout.write(HELP);
    return 0;
  }
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0 ? 'wm serve needs the app module.' : `wm serve takes one app module, got ${positionals.length}: ${positionals.join(' ')}.`,
      'Usage: wm serve path/to/app.js[:export] [--workers N]',
    );
  }
  const locator = parseTarget(positionals[0]);
  locator.factory = Boolean(values.factory);
  if (!values['single-process']) prestartExpected(values);

  // While the CLI loads the module, an unguarded app.run() inside it must not start a second manager.
  (globalThis as Record<symbol, unknown>)[CLI_FLAG] = true;
  const app = await loadApp(locator).finally(() => {
    (globalThis as Record<symbol, unknown>)[CLI_FLAG] = false;
  });

  if (values['reload-dir']?.length) app.config.RELOAD_DIRS = [app.config.RELOAD_DIRS, ...values['reload-dir']].filter(Boolean).join(',');
  await runApp(app, {
    host: values.host,
    port: values.port === undefined ? undefined : parseNumber('--port', values.port),
    workers: values.workers === undefined ? undefined : parseNumber('--workers', values.workers),
    singleProcess: values['single-process'],
    dev: values.dev,
    inspector: values.inspector ? true : undefined,
    locator,
    describeSource: (key: ConfigKey) => {
      const flag = FLAG_OF[key];
      if (flag && values[flag.slice(2) as keyof typeof values] !== undefined) return flag;
      return process.env[`WM_${key}`] !== undefined ? `WM_${key}` : `config ${key}`;
    },
  });
  return 0;
}

/**
 * Forks the processes the app will most likely need (see main/warm-start.ts) so Node boots in them while this
 * process loads the app. Only what the command line and WM_* env say is counted: a count the app's own config
 * changes is still right, the manager forks the rest or discards the spare ones.
 */
function prestartExpected(values: { workers?: string; inspector?: boolean; dev?: boolean }): void {
  const env = (key: ConfigKey) => process.env[`WM_${key}`];
  const yes = (raw: string | undefined) => /^(true|1|yes|on)$/i.test(raw?.trim() ?? '');
  const workers = Number(values.workers ?? env('WORKERS') ?? DEFAULTS.WORKERS);
  if (!Number.isInteger(workers) || workers < 1 || workers > MAX_PRESTART) return;
  const others = Number(values.inspector || yes(env('INSPECTOR'))) + Number(values.dev || yes(env('AUTO_RELOAD')));
  const { prestart } = require('../main/warm-start') as typeof import('../main/warm-start.js');
  const { workerEntryPath } = require('../main/entry-path') as typeof import('../main/entry-path.js');
  prestart(workerEntryPath(), workers + others);
}

/** Past this many workers the machine is busy forking anyway; they start the usual way. */
const MAX_PRESTART = 64;

const FLAG_OF: Partial<Record<ConfigKey, string>> = { HOST: '--host', PORT: '--port', WORKERS: '--workers' };

function parseNumber(flag: string, raw: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || Number.isNaN(value)) {
    throw new UsageError(`${flag} must be a number (got "${raw}").`, `Example: ${flag} 4`);
  }
  return value;
}

/** True while `wm serve` loads the app module (see run.ts). */
export function cliIsLoading(): boolean {
  return (globalThis as Record<symbol, unknown>)[CLI_FLAG] === true;
}
