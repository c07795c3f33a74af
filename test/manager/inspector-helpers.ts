// Shared by the inspector tests: start an app with its inspector on a free port, talk raw HTTP to it, run
// `wm inspect` and the Sanic stand-in (test/fixtures/sanic_inspector.py) as real processes.
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import * as http from 'node:http';
import * as net from 'node:net';
import { join } from 'node:path';
import type { InspectorClient, InspectorState, WatchOptions } from 'worker-manager';
import { FIXTURES, ROOT, startWm, WM_BIN, type RunningApp, type StartOptions } from '../helpers/manager-process';

export const INSPECTED_APP = join(FIXTURES, 'inspector-app.js');
export const SANIC_STAND_IN = join(ROOT, 'test', 'fixtures', 'sanic_inspector.py');

export interface InspectedApp extends RunningApp {
  /** The inspector's port. */
  inspectorPort: number;
  /** e.g. http://127.0.0.1:40123 */
  inspectorUrl: string;
}

const INSPECTOR_LINE = /Inspector listening on (https?):\/\/(\[[^\]]+\]|[^\s:/]+):(\d+)/;

/** `wm serve inspector-app.js --inspector` with the inspector on 127.0.0.1 and a free port (unless env says else). */
export async function startInspected(args: string[] = ['--workers', '2'], options: StartOptions = {}): Promise<InspectedApp> {
  const app = await startWm(INSPECTED_APP, [...args, '--inspector'], {
    ...options,
    env: { WM_INSPECTOR_HOST: '127.0.0.1', WM_INSPECTOR_PORT: '0', ...options.env },
  });
  try {
    const match = await app.waitFor(INSPECTOR_LINE);
    const host = match[2] === 'localhost' ? '127.0.0.1' : match[2];
    return Object.assign(app, { inspectorPort: Number(match[3]), inspectorUrl: `${match[1]}://${host}:${match[3]}` });
  } catch (error) {
    await app.stop();
    throw error;
  }
}

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: any;
}

export interface CallOptions {
  headers?: http.OutgoingHttpHeaders;
  /** A string is sent as is; anything else as JSON with Content-Type: application/json. */
  body?: unknown;
}

/** One request on a fresh connection. */
export function call(base: string, method: string, path: string, options: CallOptions = {}): Promise<Answer> {
  const headers: http.OutgoingHttpHeaders = { ...options.headers };
  let payload: string | undefined;
  if (typeof options.body === 'string') payload = options.body;
  else if (options.body !== undefined) {
    payload = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  return new Promise((resolve, reject) => {
    const req = http.request(base + path, { method, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.end(payload);
  });
}

/** Asserts Sanic's error shape: {"description": ..., "status": ..., "message": ...}, JSON. */
export function assertError(answer: Answer, status: number, message: RegExp | string): void {
  assert.equal(answer.status, status, `expected ${status}, got ${answer.status}: ${answer.text}`);
  assert.match(String(answer.headers['content-type']), /^application\/json/);
  assert.deepEqual(Object.keys(answer.json), ['description', 'status', 'message']);
  assert.equal(answer.json.description, http.STATUS_CODES[status]);
  assert.equal(answer.json.status, status);
  if (typeof message === 'string') assert.equal(answer.json.message, message);
  else assert.match(answer.json.message, message);
}

/** Asserts the success envelope and returns its result. */
export function resultOf(answer: Answer, action: string): any {
  assert.equal(answer.status, 200, answer.text);
  assert.match(String(answer.headers['content-type']), /^application\/json/);
  assert.deepEqual(Object.keys(answer.json), ['meta', 'result']);
  assert.deepEqual(answer.json.meta, { action });
  return answer.json.result;
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `wm inspect ...args` as a real process. */
export function wmInspect(args: string[], env: Record<string, string | undefined> = {}): Promise<CliRun> {
  return runProcess(process.execPath, [WM_BIN, 'inspect', ...args], env);
}

/** `sanic inspect ...args`, as the stand-in's CLI sends it (urllib, Sanic's bodies and headers). */
export function sanicInspect(args: string[]): Promise<CliRun> {
  return runProcess('python3', [SANIC_STAND_IN, 'inspect', ...args], {});
}

function runProcess(file: string, args: string[], env: Record<string, string | undefined>): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd: ROOT, env: { ...cleanEnv(), NO_COLOR: '1', ...env }, timeout: 20_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** This process's env without inspector settings, so a developer's shell cannot change what a test sees. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('WM_INSPECTOR')) delete env[key];
  return env;
}

export interface SanicStandIn {
  proc: ChildProcess;
  port: number;
  url: string;
  /** Requests it received so far, in order. */
  requests(): { method: string; path: string; headers: Record<string, string>; body: string }[];
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** Starts the Sanic 25.12 inspector stand-in on a free port. */
export async function startSanic(args: string[] = []): Promise<SanicStandIn> {
  const proc = spawn('python3', [SANIC_STAND_IN, 'serve', '--host', '127.0.0.1', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.setEncoding('utf8');
  proc.stdout!.on('data', (c: string) => (out += c));
  proc.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = once(proc, 'exit').then(([code]) => code as number | null);
  const deadline = Date.now() + 10_000;
  let match: RegExpMatchArray | null = null;
  while (!(match = /listening on (https?):\/\/[\d.]+:(\d+)/.exec(out))) {
    if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`the Sanic stand-in did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const port = Number(match[2]);
  return {
    proc,
    port,
    url: `${match[1]}://127.0.0.1:${port}`,
    requests: () =>
      out
        .split('\n')
        .filter((l) => l.startsWith('REQUEST '))
        .map((l) => JSON.parse(l.slice('REQUEST '.length))),
    exited,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      await exited;
    },
  };
}

/** A port nothing listens on (bound, then released). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A `watch()` that keeps what it was told, so a test can wait for a state (or a mode). */
export class Watched {
  readonly states: { state: InspectorState; at: bigint }[] = [];
  readonly modes: string[] = [];
  readonly errors: Error[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly watch: { close(): void };

  constructor(client: InspectorClient, options: WatchOptions = {}) {
    this.watch = client.watch(
      (state) => {
        this.states.push({ state, at: process.hrtime.bigint() });
        this.notify();
      },
      {
        ...options,
        onMode: (mode) => {
          this.modes.push(mode);
          this.notify();
        },
        onError: (error) => this.errors.push(error),
      },
    );
  }

  get latest(): InspectorState | undefined {
    return this.states.at(-1)?.state;
  }

  /** The first state from index `from` on that satisfies `predicate`, with the moment it arrived. */
  waitFor(predicate: (state: InspectorState) => boolean, what: string, from = 0, timeoutMs = 15_000): Promise<{ state: InspectorState; at: bigint; index: number }> {
    return this.until(() => {
      for (let i = from; i < this.states.length; i++) if (predicate(this.states[i].state)) return { ...this.states[i], index: i };
      return undefined;
    }, what, timeoutMs);
  }

  waitForMode(mode: string, timeoutMs = 15_000): Promise<true> {
    return this.until(() => (this.modes.at(-1) === mode ? true : undefined), `mode ${mode} (modes so far: ${this.modes.join(', ')})`, timeoutMs);
  }

  close(): void {
    this.watch.close();
  }

  private until<T>(check: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
    return new Promise((resolve, reject) => {
      const attempt = () => {
        const value = check();
        if (value === undefined) return;
        this.waiters.delete(attempt);
        clearTimeout(timer);
        resolve(value);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(attempt);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; errors: ${this.errors.map((e) => e.message).join(' | ')}`));
      }, timeoutMs);
      this.waiters.add(attempt);
      attempt();
    });
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

/** A server worker's record, typed loosely for assertions. */
export function record(state: InspectorState, name: string): Record<string, any> | undefined {
  return state.workers[name] as Record<string, any> | undefined;
}
