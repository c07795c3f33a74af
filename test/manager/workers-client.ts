// Reads and drives the control fixture (test/fixtures/apps/control.js) over HTTP.
import type { ProcessRecord } from 'worker-manager';
import { request, until } from '../helpers/manager-process';

export type Table = Record<string, ProcessRecord & { pid: number }>;

export async function table(url: string): Promise<Table> {
  return JSON.parse((await request(`${url}/workers`)).body) as Table;
}

export function servers(t: Table): [string, ProcessRecord & { pid: number }][] {
  return Object.entries(t).filter(([, r]) => r.server === true);
}

export async function get(url: string): Promise<{ status: number; json: any }> {
  const r = await request(url);
  return { status: r.status, json: JSON.parse(r.body) };
}

/** Waits until the table (as a worker sees it) satisfies `predicate`. */
export async function waitForTable(url: string, predicate: (t: Table) => boolean, what: string, timeoutMs = 15_000): Promise<Table> {
  let last: Table = {};
  await until(
    async () => {
      try {
        last = await table(url);
      } catch {
        return false;
      }
      return predicate(last);
    },
    `${what}; last table: ${JSON.stringify(last)}`,
    timeoutMs,
    50,
  ).catch((error: Error) => {
    throw new Error(`${error.message}\nlast table: ${JSON.stringify(last, null, 1)}`);
  });
  return last;
}

export const serving = (r: ProcessRecord) => r.state === 'ACKED' && r.serving === true;
