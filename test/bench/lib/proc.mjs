// Process facts straight from /proc (Linux): children, liveness (a zombie counts as gone), RSS.
import { readdirSync, readFileSync } from 'node:fs';

const PAGE = 4096;

function stat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: rest[0], ppid: Number(rest[1]), rssPages: Number(rest[21]) };
  } catch {
    return undefined;
  }
}

export function alive(pid) {
  const s = stat(pid);
  return s !== undefined && s.state !== 'Z';
}

/** Live child pids of `pid` (one level). */
export function children(pid) {
  const out = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = stat(entry);
    if (s && s.ppid === pid && s.state !== 'Z') out.push(Number(entry));
  }
  return out;
}

/** Live pids of every descendant of `pid`. */
export function descendants(pid) {
  const parent = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = stat(entry);
    if (s && s.state !== 'Z') parent.set(Number(entry), s.ppid);
  }
  const out = [];
  const walk = (p) => {
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

/** Resident set size in bytes (VmRSS), 0 when the process is gone. */
export function rss(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    const s = stat(pid);
    return s ? s.rssPages * PAGE : 0;
  }
}

/** RSS of `pid` alone and of `pid` with every descendant. */
export function treeRss(pid) {
  const self = rss(pid);
  const all = descendants(pid);
  return { self, tree: self + all.reduce((sum, p) => sum + rss(p), 0), processes: 1 + all.length };
}

/** Open file descriptors of `pid`. */
export function fdCount(pid) {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return 0;
  }
}

export function loadAverage() {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
  } catch {
    return [];
  }
}

const TICK_MS = 10; // USER_HZ = 100 on Linux

/** CPU time (user + system, ms) of `pid` alone. */
export function cpuMs(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

/** CPU time (ms) of `pid` and its live descendants, per pid, so a caller can diff two readings. */
export function treeCpu(pid) {
  const out = new Map([[pid, cpuMs(pid)]]);
  for (const p of descendants(pid)) out.set(p, cpuMs(p));
  return out;
}

/** CPU ms spent between two treeCpu readings (processes that appeared in between count from 0). */
export function cpuBetween(before, after) {
  let sum = 0;
  for (const [pid, ms] of after) sum += ms - (before.get(pid) ?? 0);
  return sum;
}
