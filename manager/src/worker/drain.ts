/**
 * Stopping a server worker without failing a request (notes: zero-downtime).
 *
 * Node's `server.close()` closes idle keep-alive connections at once, and a client may already be writing its
 * next request on one of them: that request fails. So a worker handing over to others stops accepting (the
 * shared socket stays open in the manager and the other workers), answers the next request on every open
 * connection with `Connection: close`, and lets connections that stay silent end by the usual keep-alive timeout,
 * which clients already expect. Only a whole-app shutdown, where nobody will answer anyway, closes idle
 * connections at once.
 */
import * as net from 'node:net';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

export type StopMode = 'handover' | 'shutdown';

export class ConnectionDrainer {
  private readonly sockets = new Set<net.Socket>();
  private draining = false;
  private sweep?: NodeJS.Timeout;

  constructor(private readonly server: Server) {
    server.on('connection', (socket: net.Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  get openConnections(): number {
    return this.sockets.size;
  }

  /** Resolves once every connection has closed, or after `timeoutMs` with the stragglers destroyed. */
  async drain(mode: StopMode, timeoutMs: number): Promise<{ forced: number }> {
    if (!this.draining) this.beginDraining();
    if (mode === 'shutdown') this.closeIdleNow();
    const deadline = Date.now() + timeoutMs;
    try {
      while (this.sockets.size > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, Math.min(50, Math.max(1, deadline - Date.now()))));
      }
    } finally {
      if (this.sweep) clearInterval(this.sweep);
    }
    const forced = this.sockets.size;
    for (const socket of this.sockets) socket.destroy();
    return { forced };
  }

  /**
   * The whole app is stopping: nobody will serve a next request, so idle connections close now, and each busy one
   * as soon as its response is done. Also upgrades a handover drain already under way.
   */
  closeIdleNow(): void {
    this.server.closeIdleConnections();
    this.sweep ??= setInterval(() => this.server.closeIdleConnections(), 50);
  }

  private beginDraining(): void {
    this.draining = true;
    // Stop accepting, leaving open connections alone (http.Server#close would also close the idle ones).
    net.Server.prototype.close.call(this.server);
    this.server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
      res.setHeader('Connection', 'close');
    });
    for (const socket of this.sockets) {
      const inFlight = (socket as net.Socket & { _httpMessage?: ServerResponse })._httpMessage;
      if (inFlight && !inFlight.headersSent) inFlight.setHeader('Connection', 'close');
    }
  }
}
