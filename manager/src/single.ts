/**
 * Single-process mode (WM-15): the app serves in this process. No manager, so no workers, reloader, inspector,
 * restarts or app.m; listeners still run in their usual order.
 */
import * as http from 'node:http';
import type { App } from './app';
import { WorkerManagerError } from './errors';
import { log } from './log';
import { bindError } from './main/socket';
import type { RunSettings } from './run';
import { ConnectionDrainer } from './worker/drain';
import { SingleProcessMultiplexer } from './worker/multiplexer';

export async function serveSingleProcess(app: App, settings: RunSettings): Promise<number> {
  process.env.WM_SINGLE_PROCESS = '1';
  app.attachMultiplexer(new SingleProcessMultiplexer(() => process.emit('SIGTERM')));
  app.main.fillingSharedCtx = true;
  try {
    await app.listeners.run('mainProcessStart', app);
  } finally {
    app.main.fillingSharedCtx = false;
  }
  await app.listeners.run('mainProcessReady', app);
  await app.listeners.run('beforeServerStart', app);
  const server = app.serverFactory ? app.serverFactory(app.handler) : http.createServer(app.handler);
  server.keepAliveTimeout = app.config.KEEP_ALIVE_TIMEOUT * 1000;
  const drainer = new ConnectionDrainer(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(error.code ? bindError(error.code, settings.host, settings.port, settings.startedByScript) : error));
    server.listen(settings.port, settings.host, resolve);
  }).catch((error) => {
    throw error instanceof WorkerManagerError ? error : new WorkerManagerError(String(error));
  });
  await app.listeners.run('afterServerStart', app);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : settings.port;
  process.stdout.write(`Listening on http://${settings.host.includes(':') ? `[${settings.host}]` : settings.host}:${port}\n`);
  log.info(`${app.name} is serving in single-process mode (pid ${process.pid}).`);

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = async (signal: NodeJS.Signals) => {
      if (stopping) {
        log.warn(`Received ${signal} again: exiting now.`);
        process.exit(1);
      }
      stopping = true;
      log.info(`Received ${signal}: stopping gracefully (again to force).`);
      let code = 0;
      try {
        await app.listeners.run('beforeServerStop', app);
        await drainer.drain('shutdown', app.config.GRACEFUL_SHUTDOWN_TIMEOUT * 1000);
        await app.listeners.run('afterServerStop', app);
        await app.listeners.run('mainProcessStop', app);
      } catch (error) {
        log.error(`A stop listener failed: ${error instanceof Error ? error.stack : String(error)}`);
        code = 1;
      }
      resolve(code);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
