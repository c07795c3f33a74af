// The no-orphans guarantee after a launched app ends: every process it had (pids from the inspector,
// plus, on Linux, every process carrying the launch's marker variable) gets a grace period to exit,
// then SIGTERM, then SIGKILL.
import * as fs from 'node:fs';

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Linux: pids whose environment has `name=value` (children inherit it, so it marks a whole launch). */
export function pidsWithEnvironment(name: string, value: string, procDir = '/proc'): number[] {
  let entries: string[];
  try {
    entries = fs.readdirSync(procDir);
  } catch {
    return [];
  }
  const needle = Buffer.from(`\0${name}=${value}\0`);
  const out: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      // environ has no leading NUL: add one so the first variable matches like the rest.
      const env = Buffer.concat([Buffer.from([0]), fs.readFileSync(`${procDir}/${entry}/environ`), Buffer.from([0])]);
      if (env.includes(needle)) out.push(Number(entry));
    } catch {
      // gone already, or not ours to read
    }
  }
  return out;
}

/**
 * Whether process `pid` has `name=value` in its environment: true/false on Linux, undefined where that
 * cannot be read. Pids reported by an inspector are killed only when this is not false, so a wrong or
 * stale pid never hits an unrelated process.
 */
export function hasEnvironment(pid: number, name: string, value: string, procDir = '/proc'): boolean | undefined {
  if (!fs.existsSync(`${procDir}/self/environ`)) return undefined;
  try {
    const env = Buffer.concat([Buffer.from([0]), fs.readFileSync(`${procDir}/${pid}/environ`), Buffer.from([0])]);
    return env.includes(Buffer.from(`\0${name}=${value}\0`));
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitForExit(pids: number[], ms: number): Promise<number[]> {
  const end = Date.now() + ms;
  let alive = pids.filter(isAlive);
  while (alive.length && Date.now() < end) {
    await sleep(100);
    alive = alive.filter(isAlive);
  }
  return alive;
}

function signal(pids: number[], sig: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {
      // exited meanwhile
    }
  }
}

/** Returns the pids that had to be signalled (empty when the app cleaned up after itself). */
export async function stopSurvivors(pids: number[], graceMs = 3000): Promise<number[]> {
  const survivors = await waitForExit([...new Set(pids)], graceMs);
  if (!survivors.length) return [];
  signal(survivors, 'SIGTERM');
  signal(await waitForExit(survivors, 2000), 'SIGKILL');
  return survivors;
}
