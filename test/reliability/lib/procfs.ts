/** Facts about processes and their sockets from /proc (Linux), for the reliability suite. */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** Socket inodes a process holds open. */
function socketInodes(pid: number): Set<string> {
  const out = new Set<string>();
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return out;
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) out.add(m[1]);
    } catch {
      // closed while we read
    }
  }
  return out;
}

/**
 * Client ports of the TCP connections a worker holds on `serverPort` (every state but LISTEN): the connections
 * it accepted and has not closed. Read it while the process is stopped (SIGSTOP) and the answer cannot change.
 */
export function clientPortsOf(pid: number, serverPort: number): Set<number> {
  const inodes = socketInodes(pid);
  const ports = new Set<number>();
  for (const table of ['tcp', 'tcp6']) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/net/${table}`, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10) continue;
      const [, local, remote, state] = cols;
      const inode = cols[9];
      if (!inodes.has(inode) || state === '0A') continue;
      if (parseInt(local.split(':')[1], 16) !== serverPort) continue;
      ports.add(parseInt(remote.split(':')[1], 16));
    }
  }
  return ports;
}

export function fdCount(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** VmRSS in bytes. */
export function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]) * 1024;
}

/** Live (non-zombie) direct children of `pid`. */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(rest[1]) === pid && rest[0] !== 'Z') out.push(Number(entry));
    } catch {
      // gone
    }
  }
  return out;
}

/** The command line of `pid` ('' when gone). */
export function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    return '';
  }
}

/** WM_PROCESS_NAME from the process's environment (the manager sets it on every child), or the pid. */
export function processName(pid: number): string {
  try {
    const env = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    return env.find((e) => e.startsWith('WM_PROCESS_NAME='))?.slice('WM_PROCESS_NAME='.length) ?? String(pid);
  } catch {
    return String(pid);
  }
}
