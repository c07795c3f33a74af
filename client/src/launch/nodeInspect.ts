// Turning on the Node inspector of a running process by pid, for "Attach Debugger to Worker" when the
// worker reports no inspector port of its own: SIGUSR1 makes Node listen on 127.0.0.1 at its default
// port 9229. js-debug can send the signal itself but connects before the inspector is up; here the
// port is checked first (taken: someone else's debuggee, refuse) and awaited after.
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

/** Opens `pid`'s inspector; resolves with its port, or rejects with a message for the user. */
export async function openInspectorByPid(pid: number, waitMs = 5000, port = NODE_DEFAULT_INSPECT_PORT): Promise<number> {
  if (await isListening(port)) {
    throw new Error(`port ${port} is already taken (another process is being debugged there), so pid ${pid} cannot open its inspector on it. Detach that one first, or start the workers with --inspect-port=0.`);
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
