/**
 * The listening socket, bound once by the manager and shared by every server worker (WM-1). The manager binds
 * but never accepts: the first worker's listen() puts the socket in the listening state, and because the manager
 * keeps it open for the app's whole life, connections wait in the kernel's queue while workers restart instead of
 * being refused.
 */
import { lookup } from 'node:dns/promises';
import * as net from 'node:net';
import { getSystemErrorName } from 'node:util';
import { WorkerManagerError } from '../errors';

/** libuv's TCP handle, as Node's cluster module uses it. */
export interface TcpHandle {
  getsockname(out: { address?: string; port?: number; family?: string }): number;
  close(callback?: () => void): void;
}

export interface SharedSocket {
  handle: TcpHandle;
  host: string;
  address: string;
  port: number;
  close(): void;
}

type CreateServerHandle = (address: string, port: number, addressType: number, fd?: number, flags?: number) => TcpHandle | number;

export async function bindSharedSocket(host: string, port: number, context: { startedByScript: boolean }): Promise<SharedSocket> {
  let address: string;
  let family: number;
  try {
    ({ address, family } = await lookup(host));
  } catch {
    throw new WorkerManagerError(`Cannot resolve host "${host}".`, 'Use an IP address (127.0.0.1, 0.0.0.0, ::1) or a name this machine resolves.');
  }
  const create = (net as unknown as { _createServerHandle: CreateServerHandle })._createServerHandle;
  const result = create(address, port, family === 6 ? 6 : 4);
  if (typeof result === 'number') throw bindError(getSystemErrorName(result), host, port, context.startedByScript);
  // libuv defers a bind's EADDRINUSE to listen(), which happens in a worker that never learns of it: it would
  // listen on an unbound socket, which the kernel binds to a random port on every address. So check here.
  const name: { port?: number } = {};
  result.getsockname(name);
  if (!name.port || (port !== 0 && name.port !== port)) {
    result.close();
    throw bindError('EADDRINUSE', host, port, context.startedByScript);
  }
  let closed = false;
  return {
    handle: result,
    host,
    address,
    port: name.port ?? port,
    close: () => {
      if (closed) return;
      closed = true;
      result.close();
    },
  };
}

export function bindError(code: string, host: string, port: number, startedByScript: boolean): WorkerManagerError {
  switch (code) {
    case 'EADDRINUSE': {
      const guard = startedByScript
        ? 'If this app is started by a script, check that app.run() is inside a main-guard ' +
          '(if (require.main === module) / if (isMain(import.meta))): every worker loads the script again. Otherwise '
        : '';
      return new WorkerManagerError(
        `Cannot listen on ${host}:${port}: the address is already in use (EADDRINUSE).`,
        `${guard}another program holds the port: stop it, or choose another port with --port (0 picks a free one).`,
      );
    }
    case 'EACCES':
      return new WorkerManagerError(
        `Cannot listen on ${host}:${port}: permission denied (EACCES).`,
        'Ports below 1024 need privileges: use a port of 1024 or more, e.g. --port 8000.',
      );
    case 'EADDRNOTAVAIL':
      return new WorkerManagerError(
        `Cannot listen on ${host}:${port}: ${host} is not an address of this machine (EADDRNOTAVAIL).`,
        'Use 127.0.0.1 for this machine only, or 0.0.0.0 for every interface.',
      );
    default:
      return new WorkerManagerError(`Cannot listen on ${host}:${port}: ${code}.`);
  }
}
