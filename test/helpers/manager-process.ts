/**
 * Test helper: runs `wm serve` (or a script) as a real child process tree, finds where it listens, and stops it.
 * Every test that starts an app goes through here so that nothing is left behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import * as http from 'node:http';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..', '..');
export const WM_BIN = join(ROOT, 'manager', 'bin', 'wm.js');
export const FIXTURES = join(ROOT, 'test', 'fixtures', 'apps');

export interface RunningApp {
  proc: ChildProcess;
  pid: number;
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  /** Everything written so far. */
  output(): string;
  /** Resolves when `pattern` appears in the output (stdout + stderr). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit status (or signal name). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM and wait; SIGKILL the group after `timeoutMs`. */
  stop(timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface StartOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Wait for "Listening on" (default true). */
  waitForListening?: boolean;
  timeoutMs?: number;
  /** Its own process group (pgid = its pid), for signals to the whole group (process.kill(-pid, ...)). */
  detached?: boolean;
}

/** `wm serve <target> --port 0 ...args` */
export function startWm(target: string, args: string[] = [], options: StartOptions = {}): Promise<RunningApp> {
  return startProcess([WM_BIN, 'serve', target, '--port', '0', ...args], options);
}

/** `node <script> ...args` (an app that calls app.run() itself). */
export function startScript(script: string, args: string[] = [], options: StartOptions = {}): Promise<RunningApp> {
  return startProcess([script, ...args], options);
}

export async function startProcess(argv: string[], options: StartOptions = {}): Promise<RunningApp> {
  const proc = spawn(process.execPath, argv, {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, NO_COLOR: '1', WM_LOG_LEVEL: process.env.WM_LOG_LEVEL ?? 'info', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  let text = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk.toString();
    if (process.env.WM_TEST_VERBOSE) process.stderr.write(chunk);
    for (const l of listeners) l();
  };
  proc.stdout!.on('data', onData);
  proc.stderr!.on('data', onData);
  const exited = once(proc, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  let done = false;
  void exited.then(() => {
    done = true;
    for (const l of listeners) l();
  });

  const waitFor = (pattern: RegExp, timeoutMs = options.timeoutMs ?? 20_000) =>
    new Promise<RegExpMatchArray>((resolvePromise, reject) => {
      const check = () => {
        const match = text.match(pattern);
        if (match) {
          cleanup();
          resolvePromise(match);
        } else if (done) {
          cleanup();
          reject(new Error(`process exited before ${pattern} appeared; output:\n${text}`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${pattern}; output:\n${text}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      check();
    });

  const app: RunningApp = {
    proc,
    pid: proc.pid!,
    url: '',
    port: 0,
    output: () => text,
    waitFor,
    exited,
    async stop(timeoutMs = 20_000) {
      if (!done) proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
  if (options.waitForListening !== false) {
    const match = await waitFor(/Listening on (http:\/\/[^\s]+:(\d+))/);
    app.url = match[1];
    app.port = Number(match[2]);
  }
  return app;
}

export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One HTTP request on a fresh connection (no keep-alive unless an agent is given). */
export function request(url: string, options: http.RequestOptions & { body?: string } = {}): Promise<HttpResult> {
  return new Promise((resolvePromise, reject) => {
    const req = http.request(url, { agent: false, ...options }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`request to ${url} timed out`)));
    req.end(options.body);
  });
}

/** Parses the process table `wm` prints at start-up into name -> row. */
export function parsePrintedTable(output: string): Map<string, { state: string; pid: number }> {
  const rows = new Map<string, { state: string; pid: number }>();
  for (const line of output.split('\n')) {
    const m = /^(WM-[\w.-]+)\s+(MAIN|[A-Z]+)\s+(\d+)/.exec(line);
    if (m) rows.set(m[1], { state: m[2], pid: Number(m[3]) });
  }
  return rows;
}

/**
 * True while a process with this pid runs. A zombie (exited, not yet reaped: orphans wait for init here) counts as
 * gone: it runs no code and holds no socket.
 */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const { readFileSync } = require('node:fs') as typeof import('node:fs');
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Pids of every descendant of `pid` (from /proc), for orphan checks. */
export function descendants(pid: number): number[] {
  const { readdirSync, readFileSync } = require('node:fs') as typeof import('node:fs');
  const parent = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parent.set(Number(entry), ppid);
    } catch {
      // the process ended while we read
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [child, pp] of parent) {
      if (pp === p) {
        out.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return out;
}

/** Waits until `predicate` holds, polling every `everyMs`; rejects with `what` after `timeoutMs`. */
export async function until(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000, everyMs = 25): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await predicate()) return;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
}
