/**
 * The inspector process (WM-12, `WM-Inspector-0`): serves the inspector until the manager stops it. It never
 * takes the app down: when it cannot listen (port taken, bad address) it says so once, clearly, records the
 * problem on its own state (`error`, shown by `wm inspect` and clients), keeps retrying, and acks all the same.
 */
import type { App } from '../app';
import { log } from '../log';
import type { ManagerLink } from '../worker/link';
import { ActionRegistry } from './actions';
import { inspectorSettings, readTlsFiles, type InspectorSettings } from './config';
import { EventStreams, StateFeed } from './events';
import { createInspectorServer, type InspectorServer } from './server';

/** Waits between attempts to listen; the last one repeats. Short at first: a restarted inspector's old self may still hold the port. */
const RETRY_DELAYS_MS = [1000, 2000, 3000];

export async function runInspectorProcess(app: App, link: ManagerLink): Promise<void> {
  const settings = inspectorSettings(app.config);
  const setError = (message: string | undefined) => {
    app.m.state.error = message;
  };
  let tls: { cert: Buffer; key: Buffer } | undefined;
  try {
    tls = settings.tls ? readTlsFiles(settings.tls) : undefined;
  } catch (error) {
    // validateInspectorConfig checked the files before start-up; they changed since. Say so, and stay up.
    const message = (error as Error & { explain?: () => string }).explain?.() ?? String(error);
    log.error(`The inspector cannot start: ${message}`);
    setError(`TLS files unreadable: ${(error as Error).message}`);
    process.once('SIGTERM', () => process.exit(0));
    return;
  }
  const feed = new StateFeed(link);
  const streams = new EventStreams(feed);
  const server = createInspectorServer({
    host: settings.host,
    apiKey: settings.apiKey,
    allowedHosts: settings.allowedHosts,
    maxBody: settings.maxBody,
    tls,
    actions: new ActionRegistry(link, app.inspectorCommands),
    streams,
  });
  const listener = new Listener(server, settings, Boolean(tls), setError);
  stopOnRequest(link, server, streams, listener);
  await listener.start();
}

/** Listens, and keeps trying when it cannot. */
class Listener {
  private attempt = 0;
  private lastCode?: string;
  private retryTimer?: NodeJS.Timeout;
  stopped = false;

  constructor(
    private readonly server: InspectorServer,
    private readonly settings: InspectorSettings,
    private readonly secure: boolean,
    private readonly setError: (message: string | undefined) => void,
  ) {}

  /** Resolves after the first attempt, whatever its outcome. */
  async start(): Promise<void> {
    await this.tryListen();
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
  }

  private async tryListen(): Promise<void> {
    if (this.stopped) return;
    const { host, port } = this.settings;
    try {
      await new Promise<void>((resolve, reject) => {
        this.server.once('error', reject);
        this.server.listen(port, host, () => {
          this.server.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      this.onListenError(error as NodeJS.ErrnoException);
      return;
    }
    const address = this.server.address();
    const bound = typeof address === 'object' && address ? address.port : port;
    const shownHost = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
    const key = this.settings.apiKey ? ' (API key required)' : '';
    log.info(`Inspector listening on ${this.secure ? 'https' : 'http'}://${shownHost}:${bound}${key}`);
    // The record outlives a restart: an error a previous inspector recorded is cleared as well.
    this.setError(undefined);
    this.lastCode = undefined;
  }

  private onListenError(error: NodeJS.ErrnoException): void {
    const { host, port } = this.settings;
    const { reason, fix } = explainListenError(error, host, port);
    const code = error.code ?? error.message;
    if (code !== this.lastCode) {
      // One clear line per kind of failure, not one per retry.
      log.error(
        `The inspector cannot listen on ${host}:${port}: ${reason}. The app keeps running without it; retrying every few seconds. ` +
          `To fix: ${fix}.`,
      );
      this.setError(`cannot listen on ${host}:${port}: ${reason}; retrying`);
      this.lastCode = code;
    }
    const delay = RETRY_DELAYS_MS[Math.min(this.attempt++, RETRY_DELAYS_MS.length - 1)];
    this.retryTimer = setTimeout(() => void this.tryListen(), delay);
  }
}

function explainListenError(error: NodeJS.ErrnoException, host: string, port: number): { reason: string; fix: string } {
  switch (error.code) {
    case 'EADDRINUSE':
      return {
        reason: `port ${port} is already in use`,
        fix: `set INSPECTOR_PORT (env WM_INSPECTOR_PORT) to a free port, or stop the program that holds port ${port}`,
      };
    case 'EACCES':
      return { reason: `not permitted to listen on port ${port}`, fix: 'set INSPECTOR_PORT (env WM_INSPECTOR_PORT) to a port above 1023' };
    case 'EADDRNOTAVAIL':
      return { reason: `${host} is not an address of this machine`, fix: 'set INSPECTOR_HOST (env WM_INSPECTOR_HOST) to one of its addresses, or localhost' };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { reason: `the host name ${host} cannot be resolved`, fix: 'set INSPECTOR_HOST (env WM_INSPECTOR_HOST) to a name or address of this machine' };
    default:
      return { reason: error.message, fix: 'check INSPECTOR_HOST and INSPECTOR_PORT (env WM_INSPECTOR_HOST, WM_INSPECTOR_PORT)' };
  }
}

/**
 * The manager stops the inspector with SIGTERM, or goes away: answer what is in flight, end the streams, exit.
 * A response being written (to a shutdown request, say) gets a moment to leave.
 */
function stopOnRequest(link: ManagerLink, server: InspectorServer, streams: EventStreams, listener: Listener): void {
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    listener.stop();
    streams.closeAll();
    setTimeout(() => process.exit(0), 1000).unref();
    if (!server.listening) process.exit(0);
    server.close(() => process.exit(0));
    // Keep-alive connections become idle once their last answer is out (the answer to this very restart or
    // shutdown, say); close each as soon as it does rather than wait for its keep-alive timeout.
    server.closeIdleConnections();
    setInterval(() => server.closeIdleConnections(), 20).unref();
  };
  process.on('SIGTERM', stop);
  link.whenManagerLost(stop);
}
