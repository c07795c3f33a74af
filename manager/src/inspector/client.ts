/**
 * A typed client for the inspector, ours or Sanic's (wm inspect and the VS Code extension use it). It speaks the
 * wire of inspector-protocol.md: `GET /` and `POST /<action>` with the `{"meta", "result"}` envelope. Our
 * extensions (restart, the change stream) are used only when `info.extra.capabilities` advertises them; against
 * Sanic, `watch` polls `GET /` instead. Failures are typed errors whose messages say what to do.
 */
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { MainRecord, ProcessRecord } from '../states';
import { SseParser } from './sse-parser';

/** `info` of `GET /`: ours has `node`, Sanic's `python`; `extra` carries our capabilities and command names. */
export interface InspectorInfo {
  app: string;
  mode: string;
  server?: string;
  node?: string;
  python?: string;
  platform?: string;
  packages?: string[];
  extra?: { capabilities?: string[]; commands?: string[]; [key: string]: unknown };
  'auto-reload'?: string;
  [key: string]: unknown;
}

export interface InspectorState {
  info: InspectorInfo;
  workers: Record<string, ProcessRecord | MainRecord>;
}

export interface InspectorClientOptions {
  /** Default `localhost`; `http://` or `https://` in front sets the scheme (as `sanic inspect -H` allows). */
  host?: string;
  /** Default 6457. */
  port?: number;
  apiKey?: string;
  /** HTTPS. */
  tls?: boolean;
  /** CA certificate to trust (PEM text, or a path to a PEM file), e.g. the inspector's self-signed certificate. */
  ca?: string;
  /** Default true: the server's certificate must be trusted. */
  rejectUnauthorized?: boolean;
  /** Per request; default 10 s. */
  timeoutMs?: number;
}

export interface WatchOptions {
  /** Polling period when there is no change stream (Sanic), default 1000 ms. */
  pollMs?: number;
  /** Heartbeat period asked of the change stream, default 5000 ms; a stream silent for 3 of them is reopened. */
  heartbeatMs?: number;
  onError?: (error: Error) => void;
  onMode?: (mode: 'stream' | 'poll') => void;
}

export interface Watch {
  close(): void;
}

// ------------------------------------------------------------------------------------------------ errors

export class InspectorError extends Error {
  constructor(
    message: string,
    /** The inspector's address, e.g. http://localhost:6457. */
    readonly url: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** No answer: refused, unknown host, timeout, TLS failure, connection closed. */
export class InspectorUnreachableError extends InspectorError {
  constructor(
    url: string,
    readonly reason: string,
    readonly code?: string,
  ) {
    const nobodyThere = code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'ETIMEDOUT';
    const hint = nobodyThere ? ' Is the app running with its inspector on (WM_INSPECTOR=true, wm serve --inspector) at that host and port?' : '';
    super(`Cannot reach the inspector at ${url}: ${reason}.${hint}`, url);
  }
}

/** 401: the API key is missing or wrong. */
export class InspectorAuthError extends InspectorError {
  readonly status = 401;
  constructor(url: string, hadKey: boolean) {
    super(
      hadKey
        ? `The inspector at ${url} refused the API key (401 Bad API key). Give the key the app was started with (INSPECTOR_API_KEY).`
        : `The inspector at ${url} needs an API key (401 Bad API key). Pass it (-k KEY, WM_INSPECTOR_API_KEY, or apiKey).`,
      url,
    );
  }
}

/** Any other error status; `message` is the server's. */
export class InspectorHttpError extends InspectorError {
  constructor(
    url: string,
    readonly status: number,
    readonly serverMessage: string,
  ) {
    super(`The inspector at ${url} answered ${status}: ${serverMessage}`, url);
  }
}

/** The peer answered, but not as an inspector does. */
export class InspectorProtocolError extends InspectorError {}

/** The inspector (Sanic's) lacks an extension of ours, or the call's arguments are not valid. */
export class InspectorUnsupportedError extends InspectorError {}

// ------------------------------------------------------------------------------------------------ client

interface Envelope {
  meta: { action: string };
  result: unknown;
}

export class InspectorClient {
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  private readonly apiKey?: string;
  private readonly ca?: string;
  private readonly rejectUnauthorized: boolean;
  private readonly timeoutMs: number;
  private readonly agent: http.Agent;

  constructor(options: InspectorClientOptions = {}) {
    let host = (options.host ?? 'localhost').trim() || 'localhost';
    let tls = Boolean(options.tls);
    const scheme = /^(https?):\/\//i.exec(host);
    if (scheme) {
      tls = scheme[1].toLowerCase() === 'https';
      host = host.slice(scheme[0].length).replace(/\/+$/, '');
    }
    this.host = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
    this.port = options.port ?? 6457;
    this.tls = tls;
    this.apiKey = options.apiKey || undefined;
    this.ca = options.ca ? readPem(options.ca, this.url) : undefined;
    this.rejectUnauthorized = options.rejectUnauthorized ?? true;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    const agentOptions = { keepAlive: true, maxSockets: 8, ...this.tlsOptions() };
    this.agent = tls ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
  }

  /** e.g. `http://localhost:6457` */
  get url(): string {
    const host = this.host.includes(':') ? `[${this.host}]` : this.host;
    return `${this.tls ? 'https' : 'http'}://${host}:${this.port}`;
  }

  /** The whole state: app info and every process record. */
  async info(): Promise<InspectorState> {
    const { result } = await this.request('GET', '/');
    if (!isObject(result) || !isObject(result.info) || !isObject(result.workers)) {
      throw new InspectorProtocolError(`The server at ${this.url} answered GET / without {info, workers}: is it an inspector?`, this.url);
    }
    return result as unknown as InspectorState;
  }

  /** Extensions this inspector advertises (`restart`, `events`, ...); none on Sanic. */
  async capabilities(): Promise<string[]> {
    return capabilitiesOf(await this.info());
  }

  /** Restarts every server worker; zero-downtime starts each replacement before stopping the old one. */
  async reload(options: { zeroDowntime?: boolean } = {}): Promise<null> {
    await this.request('POST', '/reload', { zero_downtime: Boolean(options.zeroDowntime) });
    return null;
  }

  /** Restarts processes by name (ours only). Resolves with the names being restarted. */
  async restart(names: string[], options: { zeroDowntime?: boolean } = {}): Promise<unknown> {
    if (!Array.isArray(names) || names.length === 0 || !names.every((n) => typeof n === 'string' && n)) {
      throw new InspectorUnsupportedError('restart() needs a list of process names, e.g. ["WM-Server-0-0"].', this.url);
    }
    if (!(await this.capabilities()).includes('restart')) {
      throw new InspectorUnsupportedError(
        `The inspector at ${this.url} cannot restart processes by name (a Sanic inspector lacks it). Use reload (wm inspect reload) to restart every server worker instead.`,
        this.url,
      );
    }
    const { result } = await this.request('POST', '/restart', { names, zero_downtime: Boolean(options.zeroDowntime) });
    return result;
  }

  /** Sets the number of server workers; resolves with the server's "Scaling to N". */
  async scale(replicas: number): Promise<string> {
    if (!Number.isInteger(replicas) || replicas < 1) {
      throw new InspectorUnsupportedError(`scale() needs a whole number of server workers of at least 1 (got ${String(replicas)}).`, this.url);
    }
    const { result } = await this.request('POST', '/scale', { replicas });
    return String(result);
  }

  /** Stops the whole app. */
  async shutdown(): Promise<null> {
    await this.request('POST', '/shutdown');
    return null;
  }

  /**
   * Runs a custom command: `kwargs` as the JSON body, `args` under "args" (as `sanic inspect` sends them).
   * A Sanic inspector answers null for a command it does not have; ours answers 404.
   */
  async command(name: string, args: unknown[] = [], kwargs: Record<string, unknown> = {}): Promise<unknown> {
    if (typeof name !== 'string' || name === '' || name.includes('/')) {
      throw new InspectorUnsupportedError(`"${name}" is not a command name: use one path segment, e.g. "greet".`, this.url);
    }
    const body: Record<string, unknown> = { ...kwargs };
    if (args.length > 0) body.args = args;
    const { result } = await this.request('POST', `/${encodeURIComponent(name)}`, Object.keys(body).length ? body : undefined);
    return result;
  }

  /**
   * Calls `onState` with the state now and after every change until closed: over the change stream when the
   * inspector advertises one, else by polling `GET /`. Reconnects with backoff; falls back to polling when the
   * stream is missing or delivers nothing, and tries it again later.
   */
  watch(onState: (state: InspectorState) => void, options: WatchOptions = {}): Watch {
    const watcher = new Watcher(this, onState, options);
    void watcher.run();
    return { close: () => watcher.close() };
  }

  /** Frees pooled connections (a process using the client exits sooner). */
  close(): void {
    this.agent.destroy();
  }

  // ---------------------------------------------------------------- transport

  private tlsOptions(): https.AgentOptions {
    return this.tls ? { ca: this.ca, rejectUnauthorized: this.rejectUnauthorized } : {};
  }

  private headers(body?: string): http.OutgoingHttpHeaders {
    const headers: http.OutgoingHttpHeaders = { accept: 'application/json' };
    if (this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(body);
    }
    return headers;
  }

  private request(method: 'GET' | 'POST', path: string, payload?: unknown, retried = false): Promise<Envelope> {
    const body = payload === undefined ? undefined : JSON.stringify(payload);
    return new Promise<Envelope>((resolve, reject) => {
      const req = (this.tls ? https : http).request({
        host: this.host,
        port: this.port,
        method,
        path,
        agent: this.agent,
        headers: this.headers(body),
      });
      req.setTimeout(this.timeoutMs, () => req.destroy(Object.assign(new Error(`no answer within ${this.timeoutMs} ms`), { code: 'ETIMEDOUT' })));
      req.on('error', (error: NodeJS.ErrnoException) => {
        // A pooled connection the server closed while idle: a GET is safe to send again, once.
        if (req.reusedSocket && error.code === 'ECONNRESET' && method === 'GET' && !retried) {
          this.request(method, path, payload, true).then(resolve, reject);
          return;
        }
        reject(this.unreachable(error));
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (error) => reject(this.unreachable(error)));
        res.on('end', () => {
          try {
            resolve(this.envelope(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'), path));
          } catch (error) {
            reject(error);
          }
        });
      });
      req.end(body);
    });
  }

  private envelope(status: number, text: string, path: string): Envelope {
    if (status === 401) throw new InspectorAuthError(this.url, Boolean(this.apiKey));
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (status !== 200) {
      const message = isObject(parsed) && typeof parsed.message === 'string' ? parsed.message : firstLine(text) || `HTTP ${status}`;
      throw new InspectorHttpError(this.url, status, message);
    }
    if (!isObject(parsed) || !('result' in parsed)) {
      throw new InspectorProtocolError(`The server at ${this.url} answered ${path} with something other than an inspector's JSON envelope.`, this.url);
    }
    return parsed as unknown as Envelope;
  }

  /** @internal The change-stream request (used by Watcher). */
  openStream(heartbeatMs: number): http.ClientRequest {
    return (this.tls ? https : http).request({
      host: this.host,
      port: this.port,
      method: 'GET',
      path: `/events?heartbeat=${heartbeatMs}`,
      agent: false,
      ...this.tlsOptions(),
      headers: { ...this.headers(), accept: 'text/event-stream' },
    });
  }

  /** @internal */
  unreachable(error: NodeJS.ErrnoException): InspectorUnreachableError {
    return new InspectorUnreachableError(this.url, describeNetworkError(error, this.tls), error.code);
  }

  /** @internal */
  httpError(status: number, text: string): InspectorError {
    try {
      this.envelope(status, text, '/events');
    } catch (error) {
      return error as InspectorError;
    }
    return new InspectorProtocolError(`The change stream at ${this.url} did not answer as an event stream.`, this.url);
  }
}

// ------------------------------------------------------------------------------------------------ watch

const MAX_BACKOFF_MS = 10_000;
/** How long a watcher polls after the stream failed it before trying the stream again. */
const STREAM_RETRY_AFTER_MS = 30_000;

class StreamUnavailable extends Error {}

/** One `watch()`: a loop of (GET /, then stream until it ends) or (GET /, then wait), with backoff on failures. */
class Watcher {
  private closed = false;
  private mode?: 'stream' | 'poll';
  private last?: string;
  private failures = 0;
  private streamFailures = 0;
  private quickEnds = 0;
  private streamBlockedUntil = 0;
  private current?: http.ClientRequest;
  private wake?: () => void;
  private timer?: NodeJS.Timeout;
  private readonly pollMs: number;
  private readonly heartbeatMs: number;

  constructor(
    private readonly client: InspectorClient,
    private readonly onState: (state: InspectorState) => void,
    private readonly options: WatchOptions,
  ) {
    this.pollMs = options.pollMs ?? 1000;
    this.heartbeatMs = options.heartbeatMs ?? 5000;
  }

  close(): void {
    this.closed = true;
    this.current?.destroy();
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
  }

  async run(): Promise<void> {
    while (!this.closed) {
      try {
        const state = await this.client.info();
        this.deliver(state);
        this.failures = 0;
        if (capabilitiesOf(state).includes('events') && Date.now() >= this.streamBlockedUntil) {
          const opened = Date.now();
          const delivered = await this.stream();
          this.noteStreamOutcome(delivered);
          // A stream that keeps ending at once must not turn this loop into a busy one.
          this.quickEnds = Date.now() - opened < 1000 ? this.quickEnds + 1 : 0;
          if (this.quickEnds > 0) await this.sleep(Math.min(250 * 2 ** (this.quickEnds - 1), MAX_BACKOFF_MS));
        } else {
          this.setMode('poll');
          await this.sleep(this.pollMs);
        }
      } catch (error) {
        if (this.closed) return;
        if (error instanceof StreamUnavailable) {
          this.streamBlockedUntil = Date.now() + STREAM_RETRY_AFTER_MS;
          continue;
        }
        this.failures += 1;
        this.report(error as Error);
        await this.sleep(Math.min(250 * 2 ** (this.failures - 1), MAX_BACKOFF_MS));
      }
    }
  }

  /** A stream that ended without a single event twice in a row is not working here (a buffering proxy, say): poll. */
  private noteStreamOutcome(delivered: boolean): void {
    this.streamFailures = delivered ? 0 : this.streamFailures + 1;
    if (this.streamFailures >= 2) {
      this.streamFailures = 0;
      this.streamBlockedUntil = Date.now() + STREAM_RETRY_AFTER_MS;
    }
  }

  /** Follows the stream until it ends; resolves with whether it delivered any state. */
  private stream(): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      let delivered = false;
      let settled = false;
      const finish = (error?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(silence);
        req.destroy();
        if (error && !this.closed) reject(error);
        else resolve(delivered);
      };
      const req = this.client.openStream(this.heartbeatMs);
      this.current = req;
      let silence = setTimeout(() => finish(), this.heartbeatMs * 3);
      const heard = () => {
        clearTimeout(silence);
        silence = setTimeout(() => finish(), this.heartbeatMs * 3);
      };
      req.on('error', (error: NodeJS.ErrnoException) => finish(this.client.unreachable(error)));
      req.on('response', (res) => {
        const type = String(res.headers['content-type'] ?? '');
        if (res.statusCode !== 200 || !type.startsWith('text/event-stream')) {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            if (status === 404 || status === 405 || status === 501 || status === 200) finish(new StreamUnavailable());
            else finish(this.client.httpError(status, Buffer.concat(chunks).toString('utf8')));
          });
          return;
        }
        this.setMode('stream');
        const parser = new SseParser((event) => {
          if (event.event !== 'state') return;
          try {
            this.deliver(JSON.parse(event.data) as InspectorState);
            delivered = true;
          } catch (error) {
            this.report(error as Error);
          }
        });
        res.setEncoding('utf8');
        res.on('data', (text: string) => {
          heard();
          parser.push(text);
        });
        res.on('end', () => finish());
        res.on('error', () => finish());
      });
      req.end();
    });
  }

  private deliver(state: InspectorState): void {
    const json = JSON.stringify(state);
    if (json === this.last) return;
    this.last = json;
    try {
      this.onState(state);
    } catch (error) {
      this.report(error as Error);
    }
  }

  private setMode(mode: 'stream' | 'poll'): void {
    if (this.mode === mode) return;
    this.mode = mode;
    this.options.onMode?.(mode);
  }

  private report(error: Error): void {
    if (!this.closed) this.options.onError?.(error);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      this.timer = setTimeout(resolve, ms);
    });
  }
}

// ------------------------------------------------------------------------------------------------ helpers

function capabilitiesOf(state: InspectorState): string[] {
  const caps = state.info?.extra?.capabilities;
  return Array.isArray(caps) ? caps.filter((c): c is string => typeof c === 'string') : [];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0]?.trim() ?? '';
}

/** PEM text as given, or read from the file it names. */
function readPem(ca: string, url: string): string {
  if (ca.includes('-----BEGIN')) return ca;
  try {
    return readFileSync(ca, 'utf8');
  } catch (error) {
    throw new InspectorError(`Cannot read the CA certificate ${ca}: ${(error as Error).message}. Give PEM text or the path to a PEM file.`, url);
  }
}

const CERT_ERRORS = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function describeNetworkError(error: NodeJS.ErrnoException, tls: boolean): string {
  const code = error.code ?? '';
  if (code === 'ECONNREFUSED') return 'connection refused (nothing listens there)';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'unknown host';
  if (code === 'ETIMEDOUT') return error.message;
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'host unreachable';
  if (CERT_ERRORS.has(code)) return `its TLS certificate is not trusted (${error.message}); pass the CA that signed it (ca / --ca)`;
  if (code === 'EPROTO' || /wrong version number|packet length too long/i.test(error.message)) {
    return 'the TLS handshake failed: the inspector does not seem to use TLS (drop tls / -s)';
  }
  if (code === 'ECONNRESET' || /socket hang up/i.test(error.message)) {
    return `the connection was closed without an answer${tls ? '' : ' (if the inspector uses TLS, connect with tls / -s)'}`;
  }
  return error.message || code || 'unknown error';
}
