/** The reliability fixture app (test/fixtures/apps/reliability.js) and the moves every test makes on it. */
import { join } from 'node:path';
import type { ProcessRecord } from 'worker-manager';
import { alive, FIXTURES, request, until } from '../../helpers/manager-process';
import type { KeepAliveLoad } from './load-client';
import { clientPortsOf } from './procfs';

export const RELIABILITY_APP = join(FIXTURES, 'reliability.js');
/** WM_SOAK=1 (npm run soak): the long forms. */
export const LONG = process.env.WM_SOAK === '1';

export type Table = Record<string, ProcessRecord & { pid: number }>;

/** The process table as a worker sees it (app.m.workers); retried, since a worker may die under the request. */
export async function table(url: string, timeoutMs = 10_000): Promise<Table> {
  let last: unknown;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const r = await request(`${url}/workers`);
      if (r.status === 200) return JSON.parse(r.body) as Table;
      last = new Error(`GET /workers: ${r.status}`);
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no process table within ${timeoutMs} ms: ${String(last)}`);
}

export function servers(t: Table): [string, ProcessRecord & { pid: number }][] {
  return Object.entries(t).filter(([, r]) => r.server === true);
}

export const serving = (r: ProcessRecord) => r.state === 'ACKED' && r.serving === true;

export async function waitForTable(url: string, predicate: (t: Table) => boolean, what: string, timeoutMs = 15_000): Promise<Table> {
  let last: Table = {};
  await until(
    async () => {
      try {
        last = await table(url, 2000);
      } catch {
        return false;
      }
      return predicate(last);
    },
    what,
    timeoutMs,
    50,
  ).catch((error: Error) => {
    throw new Error(`${error.message}\nlast table: ${JSON.stringify(last, null, 1)}`);
  });
  return last;
}

export interface Kill {
  index: number;
  pid: number;
  at: number;
  /** Client ports of the connections the worker held. */
  ports: Set<number>;
  /** Requests in flight on those connections when it died. */
  inflight: number;
}

/**
 * Freezes the worker (SIGSTOP: it accepts and answers nothing more), reads which client connections it holds,
 * marks those connections of the load, and kills it (SIGKILL). Nothing runs in this process in between, so the
 * set is exact: requests on those connections, one per connection at most, and only those, may fail.
 */
export function freezeCountKill(pid: number, serverPort: number, load: KeepAliveLoad, index: number): Kill {
  process.kill(pid, 'SIGSTOP');
  const ports = clientPortsOf(pid, serverPort);
  const inflight = load.markInflight(ports, index);
  process.kill(pid, 'SIGKILL');
  return { index, pid, at: performance.timeOrigin + performance.now(), ports, inflight };
}

/** Waits until none of `pids` runs any more; returns how long that took. */
export async function allGone(pids: Iterable<number>, timeoutMs: number, what: string): Promise<number> {
  const list = [...pids];
  const t0 = Date.now();
  await until(() => list.every((p) => !alive(p)), `${what}: still running: ${list.filter(alive).join(', ')}`, timeoutMs, 10);
  return Date.now() - t0;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
