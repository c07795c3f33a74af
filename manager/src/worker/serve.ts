/**
 * A server worker: serve the app on the socket the manager shares, ack once really serving, and drain on stop.
 */
import * as http from 'node:http';
import type { App } from '../app';
import { serializeError } from '../errors';
import { ConnectionDrainer, type StopMode } from './drain';
import type { ManagerLink } from './link';

export async function serveWorker(app: App, link: ManagerLink, handle: unknown, port: number): Promise<void> {
  await app.listeners.run('beforeServerStart', app);
  const server = app.serverFactory ? app.serverFactory(app.handler) : http.createServer(app.handler);
  server.keepAliveTimeout = Number(app.config.KEEP_ALIVE_TIMEOUT) * 1000;
  const drainer = new ConnectionDrainer(server);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(handle as never, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (!address || typeof address !== 'object' || address.port !== port) {
    // Never serve on a socket other than the one the manager holds (see main/socket.ts).
    throw new Error(`The shared socket was not bound to port ${port} (got ${JSON.stringify(address)}).`);
  }
  await app.listeners.run('afterServerStart', app);

  let stopping: Promise<void> | undefined;
  const stop = (mode: StopMode, timeoutMs: number): Promise<void> => {
    if (stopping) {
      if (mode === 'shutdown') drainer.closeIdleNow();
      return stopping;
    }
    stopping = (async () => {
      link.send({ t: 'serving', serving: false });
      let status = 0;
      try {
        await app.listeners.run('beforeServerStop', app);
      } catch (error) {
        status = reportStopError('beforeServerStop', error);
      }
      const { forced } = await drainer.drain(mode, timeoutMs);
      if (forced > 0) {
        process.stderr.write(
          `[${process.env.WM_PROCESS_NAME}] WARN  ${forced} connection(s) still open after ${timeoutMs / 1000} s (GRACEFUL_SHUTDOWN_TIMEOUT); closed them.\n`,
        );
      }
      try {
        await app.listeners.run('afterServerStop', app);
      } catch (error) {
        status = reportStopError('afterServerStop', error);
      }
      process.exit(status);
    })();
    return stopping;
  };

  link.on('stop', (message: { mode: StopMode; timeoutMs: number }) => void stop(message.mode, message.timeoutMs));
  // The manager is gone (killed, even with SIGKILL): stop within about a second rather than linger as an orphan.
  link.whenManagerLost(() => void stop('shutdown', 500));
  // `kill <pid>` on a worker: drain and go; the manager replaces it.
  process.on('SIGTERM', () => void stop('handover', Number(app.config.GRACEFUL_SHUTDOWN_TIMEOUT) * 1000));

  link.send({ t: 'ack' });
}

function reportStopError(listener: string, error: unknown): number {
  const { stack, message } = serializeError(error);
  process.stderr.write(`[${process.env.WM_PROCESS_NAME}] ERROR a ${listener} listener failed: ${stack ?? message}\n`);
  return 1;
}
