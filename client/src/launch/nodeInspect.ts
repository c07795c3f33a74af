// Turning on the Node inspector of a running process by pid, for "Attach Debugger to Worker" when the
// worker reports no inspector port of its own: SIGUSR1 makes Node listen on 127.0.0.1 at its default
// port 9229. js-debug can send the signal itself but connects before the inspector is up; here the
// port is checked first (held by this very worker from an earlier attach: reuse it; by anyone else:
// refuse) and awaited after.
import * as fs from 'node:fs';
import * as net from 'node:net';

export const NODE_DEFAULT_INSPECT_PORT = 9229;

/** Pids mean something only on this machine. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\./.test(h);
}

export function isListening(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Linux: the pid that holds the listening TCP socket on `port` (from /proc/net/tcp* and /proc/<pid>/fd),
 * `candidate` looked at first; undefined when it cannot be told (another OS, another user's process).
 */
export function listeningPortOwner(port: number, candidate?: number): number | undefined {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = fs.readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // local_address is HEXIP:HEXPORT; state 0A is LISTEN; the inode is the tenth column.
      if (cols.length > 9 && cols[3] === '0A' && parseInt(cols[1].split(':')[1], 16) === port) inodes.add(`socket:[${cols[9]}]`);
    }
  }
  if (inodes.size === 0) return undefined;
  const holds = (pid: number): boolean => {
    try {
      return fs.readdirSync(`/proc/${pid}/fd`).some((fd) => {
        try {
          return inodes.has(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
        } catch {
          return false;
        }
      });
    } catch {
      return false;
    }
  };
  if (candidate !== undefined && holds(candidate)) return candidate;
  for (const entry of fs.readdirSync('/proc')) {
    if (/^\d+$/.test(entry) && Number(entry) !== candidate && holds(Number(entry))) return Number(entry);
  }
  return undefined;
}

/** Opens `pid`'s inspector; resolves with its port, or rejects with a message for the user. */
export async function openInspectorByPid(pid: number, waitMs = 5000, port = NODE_DEFAULT_INSPECT_PORT): Promise<number> {
  if (await isListening(port)) {
    // Node keeps its inspector open after a debugger detaches: attaching to the same worker again is fine.
    const owner = listeningPortOwner(port, pid);
    if (owner === pid) return port;
    const who = owner === undefined ? 'another process' : `pid ${owner}`;
    throw new Error(
      `port ${port} is taken by ${who} (a debuggee, or anything else listening there), so pid ${pid} cannot open its inspector on it. ` +
        'Detach from that one and stop it, or start the app under Debug App (every worker gets its own inspector port).',
    );
  }
  try {
    process.kill(pid, 'SIGUSR1');
  } catch (e) {
    throw new Error(`cannot signal pid ${pid}: ${(e as Error).message}`);
  }
  const end = Date.now() + waitMs;
  while (Date.now() < end) {
    if (await isListening(port)) return port;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`pid ${pid} did not open its inspector on 127.0.0.1:${port} within ${waitMs} ms`);
}
