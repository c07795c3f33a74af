/** `wm`: the command line. `wm serve` runs an app under the manager; `wm inspect` drives a running one. */
import { WorkerManagerError } from '../errors';
import { log } from '../log';

const VERSION: string = (require('../../package.json') as { version: string }).version;

export const HELP = `wm ${VERSION} - a worker manager for Node.js apps (modelled on Sanic's)

Usage:
  wm serve <module>[:export] [options]   run an app under the worker manager
  wm inspect [action] [options]          show or drive a running app through its inspector
  wm --help | --version

wm serve options:
  -H, --host HOST          address to listen on              (WM_HOST, default 127.0.0.1)
  -p, --port PORT          port to listen on, 0 = any free   (WM_PORT, default 8000)
  -w, --workers N          server workers                    (WM_WORKERS, default 1)
      --single-process     serve in this process, no manager
  -d, --dev                development mode: auto-reload on file changes
      --reload-dir DIR     also watch DIR (repeatable)
  -i, --inspector          turn the inspector on            (WM_INSPECTOR=true)
      --factory            the export is a function that returns the App
  Any config key can be set with a WM_ env var, e.g. WM_GRACEFUL_SHUTDOWN_TIMEOUT=30.

wm inspect (same words as sanic inspect):
  wm inspect                         process table
  wm inspect reload [--zero-downtime]
  wm inspect restart NAME... [--zero-downtime]
  wm inspect scale N
  wm inspect shutdown
  wm inspect <command> [args] [--key=value] [--flag] [--no-flag]
  options: -H HOST  -p PORT  -k API_KEY  -s (TLS)  --ca FILE  --insecure  --raw (print the JSON result)
  (defaults from WM_INSPECTOR_HOST, WM_INSPECTOR_PORT, WM_INSPECTOR_API_KEY)

Example:
  wm serve examples/hello/app.js --workers 4 --inspector
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(HELP);
      return 0;
    case '-v':
    case '--version':
      process.stdout.write(`${VERSION}\n`);
      return 0;
    case 'serve': {
      const { serveCommand } = require('./serve') as typeof import('./serve.js');
      return serveCommand(rest);
    }
    case 'inspect': {
      const { inspectCommand } = require('./inspect') as typeof import('./inspect.js');
      return inspectCommand(rest);
    }
    default:
      throw new UsageError(`Unknown command "${command}".`, 'Run wm --help for the commands (serve, inspect).');
  }
}

/** A mistake in how wm was called: exit status 2, as argparse does. */
export class UsageError extends WorkerManagerError {}

/** Runs `wm` with `argv` and sets the exit status; errors meant for people are printed without a stack. */
export function runCli(argv: string[]): void {
  if (process.env.WM_BUNDLED === '1') (require('./bundled-package') as typeof import('./bundled-package')).provideBundledPackage(__dirname);
  main(argv).then(
    (code) => {
      if (code !== undefined) process.exitCode = code;
    },
    (error: unknown) => {
      if (error instanceof WorkerManagerError) {
        log.error(error.explain());
        process.exit(error instanceof UsageError ? 2 : 1);
      }
      log.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      process.exit(1);
    },
  );
}
