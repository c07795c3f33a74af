/**
 * What `POST /<action>` runs: the built-in actions (Sanic's reload, scale, shutdown, and our restart) as calls to
 * the manager, and the app's custom commands (keyword arguments from the body, positional ones from "args").
 * Only names registered here are reachable. Bad arguments are 400 with what to send (Sanic: 500).
 */
import type { InspectorCommand } from '../app';
import { WorkerManagerError } from '../errors';
import { log } from '../log';
import type { AppInfo } from '../protocol';
import type { ProcessTable } from '../states';
import type { ManagerLink } from '../worker/link';
import { HttpError } from './respond';

export type Kwargs = Record<string, unknown>;

/** The `result` of `GET /` and of every change-stream event. */
export interface InspectorStateWire {
  info: AppInfo;
  workers: ProcessTable;
}

type ActionFn = (body: Kwargs) => Promise<unknown>;

export class ActionRegistry {
  private readonly actions = new Map<string, ActionFn>();

  constructor(
    private readonly link: ManagerLink,
    commands: ReadonlyMap<string, InspectorCommand>,
  ) {
    this.actions.set('reload', (body) => this.reload(body));
    this.actions.set('restart', (body) => this.restart(body));
    this.actions.set('scale', (body) => this.scale(body));
    this.actions.set('shutdown', (body) => this.shutdown(body));
    for (const [name, fn] of commands) {
      if (!this.actions.has(name)) this.actions.set(name, (body) => runCommand(name, fn, body));
    }
  }

  names(): string[] {
    return [...this.actions.keys()];
  }

  /** Throws the 404 that names the known actions when `name` is not one. */
  assertKnown(name: string): void {
    if (!this.actions.has(name)) {
      throw new HttpError(404, `Unknown inspector action "${name}". Known actions: ${this.names().join(', ')}; GET / for the state.`);
    }
  }

  async run(name: string, body: Kwargs): Promise<unknown> {
    this.assertKnown(name);
    return this.actions.get(name)!(body);
  }

  /** The whole state: app info and every process record, fresh from the manager. */
  async state(): Promise<InspectorStateWire> {
    const [info, workers] = await Promise.all([managerCall(() => this.link.call('info', {})), managerCall(() => this.link.call('workers', {}))]);
    return { info, workers };
  }

  private async reload(body: Kwargs): Promise<null> {
    allowOnly('reload', body, ['zero_downtime'], '{"zero_downtime": true}');
    const zeroDowntime = optionalBoolean('reload', body, 'zero_downtime');
    await managerCall(() => this.link.call('reload', { zeroDowntime }));
    return null;
  }

  private async restart(body: Kwargs): Promise<string[]> {
    const example = '{"names": ["WM-Server-0-0"], "zero_downtime": true}';
    allowOnly('restart', body, ['names', 'zero_downtime'], example);
    const names = processNames(body.names, example);
    const zeroDowntime = optionalBoolean('restart', body, 'zero_downtime');
    const table = await managerCall(() => this.link.call('workers', {}));
    const unknown = names.filter((n) => !Object.hasOwn(table, n) || n === 'WM-Main');
    if (unknown.length) {
      const known = Object.keys(table).filter((n) => n !== 'WM-Main');
      throw new HttpError(404, `No process named ${unknown.map((n) => `"${n}"`).join(', ')}. Known processes: ${known.join(', ')}.`);
    }
    return managerCall(() => this.link.call('restart', { names, zeroDowntime }));
  }

  private async scale(body: Kwargs): Promise<string> {
    allowOnly('scale', body, ['replicas'], '{"replicas": 4}');
    const asked = wholeNumber(body.replicas);
    if (asked === undefined) {
      const got = body.replicas === undefined ? 'no "replicas"' : `"replicas": ${JSON.stringify(body.replicas)}`;
      throw new HttpError(400, `scale needs "replicas", a whole number of server workers (got ${got}); e.g. {"replicas": 4}. To stop the app, use shutdown.`);
    }
    // As Sanic: fewer than one is one (an app always keeps a server worker; shutdown stops it).
    const replicas = Math.max(1, asked);
    return managerCall(() => this.link.call('scale', { replicas }));
  }

  private async shutdown(body: Kwargs): Promise<null> {
    allowOnly('shutdown', body, [], '{}');
    await managerCall(() => this.link.call('shutdown', {}));
    return null;
  }
}

async function runCommand(name: string, fn: InspectorCommand, body: Kwargs): Promise<unknown> {
  const { args = [], ...kwargs } = body;
  if (!Array.isArray(args)) {
    throw new HttpError(400, `"args" holds the positional arguments of ${name} and must be a JSON array (got ${JSON.stringify(args)}).`);
  }
  let result: unknown;
  try {
    result = await fn(kwargs, ...args);
  } catch (error) {
    const err = error instanceof Error ? error : new Error(String(error));
    // The command's own refusal of its arguments (a WorkerManagerError, from any copy of the package) is the
    // client's mistake: a 400 with the command's words. Anything else is the command failing: a 500, logged.
    if (err instanceof WorkerManagerError || err.name === 'WorkerManagerError') {
      const hint = (err as WorkerManagerError).hint;
      throw new HttpError(400, `${name}: ${err.message}${hint ? ` ${hint}` : ''}`);
    }
    log.error(`The inspector command "${name}" failed: ${err.stack ?? err.message}`);
    throw new HttpError(500, `The command "${name}" failed: ${err.message}`);
  }
  try {
    JSON.stringify(result);
  } catch (error) {
    throw new HttpError(500, `The command "${name}" returned a value that cannot be sent as JSON: ${(error as Error).message}.`);
  }
  return result === undefined ? null : result;
}

/** Runs a call to the manager; its refusals (WorkerManagerError, with their hint) become 400s. */
async function managerCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const err = error as Error & { hint?: string };
    if (err.name === 'WorkerManagerError') throw new HttpError(400, err.hint ? `${err.message} ${err.hint}` : err.message);
    if (/manager went away|no link to the manager/.test(err.message)) {
      throw new HttpError(503, 'The manager is not reachable from the inspector (the app is stopping).');
    }
    throw new HttpError(500, `The manager could not do it: ${err.message}`);
  }
}

function allowOnly(action: string, body: Kwargs, allowed: string[], example: string): void {
  const extra = Object.keys(body).filter((k) => !allowed.includes(k));
  if (extra.length === 0) return;
  const takes = allowed.length ? `takes only ${allowed.map((k) => `"${k}"`).join(', ')}` : 'takes no arguments';
  throw new HttpError(400, `${action} ${takes}; got ${extra.map((k) => `"${k}"`).join(', ')}. Example body: ${example}`);
}

function optionalBoolean(action: string, body: Kwargs, key: string): boolean {
  const value = body[key];
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw new HttpError(400, `${action}: "${key}" must be true or false (got ${JSON.stringify(value)}).`);
  return value;
}

/** An integer, or an integer written as a string (Sanic's int(replicas) takes "3"). */
function wholeNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) return Number(value);
  return undefined;
}

function processNames(value: unknown, example: string): string[] {
  const list = typeof value === 'string' ? value.split(',').map((s) => s.trim()) : value;
  if (!Array.isArray(list) || list.length === 0 || !list.every((n) => typeof n === 'string' && n !== '')) {
    throw new HttpError(400, `restart needs "names", a list of process names (got ${JSON.stringify(value ?? null)}). Example body: ${example}`);
  }
  return list as string[];
}
