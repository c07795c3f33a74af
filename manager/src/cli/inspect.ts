/**
 * `wm inspect`: drive a running app through its inspector (ours or Sanic's), with the words of `sanic inspect`:
 *   wm inspect [reload [--zero-downtime] | shutdown | scale N | restart NAME... | <custom> args --k=v --flag --no-flag]
 *              [-H host] [-p port] [-k key] [-s] [--raw]
 * Options go before or after the action. Custom-command bodies are built exactly as sanic inspect builds them.
 */
import type { InspectorInfo, InspectorState } from '../inspector/client';
import { InspectorClient, InspectorError } from '../inspector/client';
import { formatTable } from './table';
import { UsageError } from './main';

export const INSPECT_HELP = `Usage: wm inspect [action] [options]

Actions (as sanic inspect):
  (none)                               the app and its process table
  reload [--zero-downtime]             restart every server worker
  restart NAME... [--zero-downtime]    restart processes by name (worker-manager inspectors only)
  scale N                              run N server workers
  shutdown                             stop the app
  <command> [args] [--key=value] [--flag] [--no-flag]
                                       a custom command the app registered

Options:
  -H, --host HOST      inspector host, or http(s)://host   (WM_INSPECTOR_HOST, default localhost)
  -p, --port PORT      inspector port                      (WM_INSPECTOR_PORT, default 6457)
  -k, --api-key KEY    API key                             (WM_INSPECTOR_API_KEY)
  -s, --secure         HTTPS (WM_INSPECTOR_TLS_CERT and _KEY set: on)
      --ca FILE        trust this CA certificate (e.g. the inspector's self-signed one)
      --insecure       do not verify the inspector's certificate
      --raw            print only the JSON result
  -h, --help
`;

export interface InspectArgs {
  host: string;
  port: number;
  apiKey?: string;
  secure: boolean;
  ca?: string;
  insecure: boolean;
  raw: boolean;
  help: boolean;
  /** `info` when none was given. */
  action: string;
  /** Words after the action. */
  positionals: string[];
  /** `--k=v` (string), `--flag` (true), `--no-flag` (false), named as sanic inspect names them. */
  kwargs: Record<string, string | boolean>;
}

/** Our options; everything else that starts with `--` is a keyword argument of the action. */
const VALUE_OPTIONS: Record<string, 'host' | 'port' | 'apiKey' | 'ca'> = {
  '-H': 'host',
  '--host': 'host',
  '-p': 'port',
  '--port': 'port',
  '-k': 'apiKey',
  '--api-key': 'apiKey',
  '--ca': 'ca',
};
const FLAG_OPTIONS: Record<string, 'secure' | 'raw' | 'help' | 'insecure'> = {
  '-s': 'secure',
  '--secure': 'secure',
  '--raw': 'raw',
  '-h': 'help',
  '--help': 'help',
  '--insecure': 'insecure',
};

export function parseInspectArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): InspectArgs {
  const values: Partial<Record<'host' | 'port' | 'apiKey' | 'ca', string>> = {};
  const flags: Partial<Record<'secure' | 'raw' | 'help' | 'insecure', boolean>> = {};
  const positionals: string[] = [];
  const kwargs: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (name in VALUE_OPTIONS) {
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new UsageError(`wm inspect: ${name} needs a value.`, 'Run wm inspect --help for the options.');
      values[VALUE_OPTIONS[name]] = value;
    } else if (arg in FLAG_OPTIONS) {
      flags[FLAG_OPTIONS[arg]] = true;
    } else if (arg.startsWith('--') && arg.length > 2) {
      // As sanic inspect: --key=value keeps the key as written; --flag / --no-flag become flag=true/false.
      if (eq > 0) kwargs[arg.slice(2, eq)] = arg.slice(eq + 1);
      else if (arg.startsWith('--no-')) kwargs[arg.slice(5).replace(/-/g, '_')] = false;
      else kwargs[arg.slice(2).replace(/-/g, '_')] = true;
    } else if (arg.startsWith('-') && arg.length > 1 && !/^-\d/.test(arg)) {
      throw new UsageError(`wm inspect: unknown option ${arg}.`, 'Run wm inspect --help for the options; keyword arguments of a command are --key=value.');
    } else {
      positionals.push(arg);
    }
  }
  const port = Number(values.port ?? env.WM_INSPECTOR_PORT ?? 6457);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new UsageError(`wm inspect: the port must be a number from 1 to 65535 (got "${values.port ?? env.WM_INSPECTOR_PORT}").`, 'Example: wm inspect -p 6457');
  }
  return {
    host: values.host ?? connectableHost(env.WM_INSPECTOR_HOST) ?? 'localhost',
    port,
    apiKey: values.apiKey ?? (env.WM_INSPECTOR_API_KEY || undefined),
    // The app turns TLS on from these; from the same shell, so does this.
    secure: Boolean(flags.secure) || Boolean(env.WM_INSPECTOR_TLS_CERT && env.WM_INSPECTOR_TLS_KEY),
    ca: values.ca,
    insecure: Boolean(flags.insecure),
    raw: Boolean(flags.raw),
    help: Boolean(flags.help),
    action: positionals[0] ?? 'info',
    positionals: positionals.slice(1),
    kwargs,
  };
}

/** A bind address of every interface is not one to connect to: use loopback. */
function connectableHost(host: string | undefined): string | undefined {
  if (!host) return undefined;
  return ['0.0.0.0', '::', '[::]'].includes(host.trim()) ? 'localhost' : host;
}

/** One request to the inspector: what to send and how to show its answer. */
interface Plan {
  run(client: InspectorClient): Promise<unknown>;
  show(result: unknown, client: InspectorClient): string | undefined;
}

export function planFor(args: InspectArgs): Plan {
  const { action, positionals, kwargs } = args;
  const zeroDowntime = kwargs.zero_downtime === true;
  const only = (allowed: string[], usage: string) => {
    const extra = Object.keys(kwargs).filter((k) => !allowed.includes(k));
    if (extra.length) throw new UsageError(`wm inspect ${action} does not take --${extra[0]}.`, `Usage: ${usage}`);
  };
  switch (action) {
    case 'info':
      only([], 'wm inspect');
      if (positionals.length) throw new UsageError('wm inspect takes no arguments without an action.', 'Usage: wm inspect [action] [options]');
      return { run: (c) => c.info(), show: (state, c) => formatState(state as InspectorState, c.url) };
    case 'reload':
      only(['zero_downtime'], 'wm inspect reload [--zero-downtime]');
      if (positionals.length) throw new UsageError('wm inspect reload takes no arguments.', 'Usage: wm inspect reload [--zero-downtime]');
      return {
        run: (c) => c.reload({ zeroDowntime }),
        show: () => `Reloading every server worker${zeroDowntime ? ' (zero-downtime)' : ''}.`,
      };
    case 'shutdown':
      only([], 'wm inspect shutdown');
      if (positionals.length) throw new UsageError('wm inspect shutdown takes no arguments.', 'Usage: wm inspect shutdown');
      return { run: (c) => c.shutdown(), show: () => 'Shutting the app down.' };
    case 'scale': {
      only([], 'wm inspect scale N');
      const replicas = Number(positionals[0]);
      if (positionals.length !== 1 || !/^\d+$/.test(positionals[0]) || replicas < 1) {
        throw new UsageError('wm inspect scale needs one whole number of server workers, at least 1.', 'Usage: wm inspect scale N   e.g. wm inspect scale 4');
      }
      return { run: (c) => c.scale(replicas), show: (result) => String(result) };
    }
    case 'restart':
      only(['zero_downtime'], 'wm inspect restart NAME... [--zero-downtime]');
      if (positionals.length === 0) {
        throw new UsageError('wm inspect restart needs the names of the processes to restart.', 'Usage: wm inspect restart WM-Server-0-0 [--zero-downtime]');
      }
      return {
        run: (c) => c.restart(positionals, { zeroDowntime }),
        show: (result) => {
          const names = Array.isArray(result) ? result.map(String) : positionals;
          return `Restarting ${names.join(', ')}${zeroDowntime ? ' (zero-downtime)' : ''}.`;
        },
      };
    default:
      return { run: (c) => c.command(action, positionals, kwargs), show: (result) => formatResult(result) };
  }
}

export async function inspectCommand(argv: string[]): Promise<number> {
  const args = parseInspectArgs(argv);
  if (args.help) {
    process.stdout.write(INSPECT_HELP);
    return 0;
  }
  const plan = planFor(args);
  let client: InspectorClient;
  try {
    client = new InspectorClient({
      host: args.host,
      port: args.port,
      apiKey: args.apiKey,
      tls: args.secure,
      ca: args.ca,
      rejectUnauthorized: !args.insecure,
    });
  } catch (error) {
    throw new UsageError(`wm inspect: ${(error as Error).message}`, 'Give --ca the path to a PEM certificate.');
  }
  try {
    const result = await plan.run(client);
    const text = args.raw ? JSON.stringify(result ?? null) : plan.show(result, client);
    if (text) process.stdout.write(text + '\n');
    return 0;
  } catch (error) {
    if (!(error instanceof InspectorError)) throw error;
    process.stderr.write(`wm inspect: ${error.message.replace(/\s*\n\s*/g, ' ')}\n`);
    return 1;
  } finally {
    client.close();
  }
}

/** The app line and the process table. */
export function formatState(state: InspectorState, url: string, now: Date = new Date()): string {
  return `${formatInfo(state.info, url)}\n${formatTable(state.workers, now)}`;
}

/** `hello · production, w/ 4 workers · node v20.11.0 · http://localhost:6457`, plus auto-reload when on. */
export function formatInfo(info: InspectorInfo, url: string): string {
  const runtime = info.node ? `node ${info.node}` : info.python ? `python ${info.python}` : undefined;
  const parts = [info.app, info.mode, runtime, info['auto-reload'] ? `auto-reload ${info['auto-reload']}` : undefined, url];
  return parts.filter((p) => typeof p === 'string' && p !== '').join(' · ');
}

function formatResult(result: unknown): string | undefined {
  if (result === null || result === undefined) return undefined;
  if (typeof result === 'string') return result;
  return JSON.stringify(result, null, 2);
}
