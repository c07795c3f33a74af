/**
 * A keep-alive HTTP/1.1 load client for the reliability suite, in the test's own process so that a test can
 * freeze a worker, see exactly which requests are in flight on it, and kill it, with no client code running in
 * between. Closed loop: each connection writes its next request in the same turn as it reads a response, so a
 * connection is never idle while the load runs; it honours `Connection: close` (a new connection for the next
 * request), and after a failure it reconnects at once. Every request is recorded: when it was sent and ended, its
 * status, the worker that answered (the body's `pid`), the client port of its connection, and its error if any.
 * Answers must carry Content-Length (the fixture sets it).
 */
import * as net from 'node:net';

export interface RequestRecord {
  id: number;
  path: string;
  conn: number;
  /** Client-side port of the connection the request went on (the worker sees it as the remote port). */
  localPort?: number;
  sentAt: number;
  endAt?: number;
  status?: number;
  /** The pid in the answer's body. */
  pid?: number;
  /** Why it failed: an error code, "closed" (the connection ended first), "timeout", or a parse error. */
  error?: string;
  /**
   * Set when the request went on a connection held by a worker the test then killed: that kill's index. (The
   * closed loop keeps exactly one request on a connection at a time: the one in flight when the worker died, or,
   * when that one's answer was already on its way, the next one, written before the client could see the
   * connection die.)
   */
  inflightAtKill?: number;
}

export interface LoadOptions {
  port: number;
  host?: string;
  connections: number;
  /** The path of request `id`. */
  path: (id: number) => string;
  /** A request not answered within this many ms fails as "timeout" (its connection is dropped). */
  timeoutMs?: number;
}

interface Connection {
  index: number;
  /** Index of the kill of the worker that held this connection. */
  victimOf?: number;
  socket: net.Socket;
  localPort?: number;
  pending?: RequestRecord;
  timer?: NodeJS.Timeout;
  buffer: Buffer;
  closeAfter: boolean;
  dead: boolean;
}

const now = () => performance.timeOrigin + performance.now();
const HEADER_END = Buffer.from('\r\n\r\n');

export class KeepAliveLoad {
  readonly records: RequestRecord[] = [];
  private readonly connections: Connection[] = [];
  private running = false;
  private nextId = 0;
  private idle?: () => void;
  connectionsOpened = 0;

  constructor(private readonly options: LoadOptions) {}

  start(): this {
    this.running = true;
    for (let i = 0; i < this.options.connections; i++) this.open(i);
    return this;
  }

  /** Stops sending; resolves once every request in flight has ended (or `timeoutMs` passed), connections closed. */
  async stop(timeoutMs = 20_000): Promise<void> {
    this.running = false;
    if (this.connections.some((c) => c.pending)) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        this.idle = () => {
          if (this.connections.some((c) => c.pending)) return;
          clearTimeout(timer);
          resolve();
        };
      });
    }
    for (const c of this.connections) {
      c.dead = true;
      c.socket.destroy();
    }
  }

  get inFlight(): number {
    return this.connections.filter((c) => c.pending).length;
  }

  /**
   * Marks (with `killIndex`) the open connections whose client port is in `ports` — those a worker about to be
   * killed holds — and returns how many carry a request: the requests in flight on that worker. Reads each port
   * from the socket itself: a connection the client has not yet seen connect may already be accepted by a worker.
   */
  markInflight(ports: Set<number>, killIndex: number): number {
    let n = 0;
    for (const c of this.connections) {
      if (c.dead) continue;
      c.localPort ??= c.socket.localPort;
      if (c.localPort !== undefined && ports.has(c.localPort)) {
        c.victimOf = killIndex;
        if (c.pending) n += 1;
      }
    }
    return n;
  }

  ok(): RequestRecord[] {
    return this.records.filter((r) => r.status !== undefined && r.status >= 200 && r.status < 300);
  }

  failed(): RequestRecord[] {
    return this.records.filter((r) => r.endAt !== undefined && !(r.status !== undefined && r.status >= 200 && r.status < 300));
  }

  private open(index: number): void {
    const socket = net.connect({ host: this.options.host ?? '127.0.0.1', port: this.options.port });
    socket.setNoDelay(true);
    this.connectionsOpened += 1;
    const c: Connection = { index, socket, buffer: Buffer.alloc(0), closeAfter: false, dead: false };
    this.connections[index] = c;
    socket.on('connect', () => {
      c.localPort = socket.localPort;
      if (c.pending) c.pending.localPort ??= c.localPort;
    });
    socket.on('data', (chunk: Buffer) => this.onData(c, chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => this.onGone(c, error.code ?? error.message));
    socket.on('close', () => this.onGone(c, 'closed'));
    this.send(c);
  }

  private send(c: Connection): void {
    if (!this.running || c.dead) return;
    const id = this.nextId++;
    const path = this.options.path(id);
    const record: RequestRecord = { id, path, conn: c.index, localPort: c.localPort, sentAt: now() };
    this.records.push(record);
    c.pending = record;
    c.timer = setTimeout(() => {
      c.socket.destroy();
      this.onGone(c, 'timeout');
    }, this.options.timeoutMs ?? 15_000);
    c.socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
  }

  private finish(c: Connection, patch: Partial<RequestRecord>): void {
    const r = c.pending;
    if (!r) return;
    clearTimeout(c.timer);
    c.pending = undefined;
    Object.assign(r, { endAt: now() }, patch);
    r.localPort ??= c.localPort;
    if (patch.error !== undefined && c.victimOf !== undefined) r.inflightAtKill = c.victimOf;
  }

  private onData(c: Connection, chunk: Buffer): void {
    if (c.dead) return;
    c.buffer = c.buffer.length ? Buffer.concat([c.buffer, chunk]) : chunk;
    for (;;) {
      const end = c.buffer.indexOf(HEADER_END);
      if (end < 0) return;
      const head = c.buffer.subarray(0, end).toString('latin1');
      const lines = head.split('\r\n');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0])?.[1]);
      let length: number | undefined;
      let close = false;
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(':');
        const key = line.slice(0, colon).trim().toLowerCase();
        const value = line.slice(colon + 1).trim().toLowerCase();
        if (key === 'content-length') length = Number(value);
        if (key === 'connection' && value === 'close') close = true;
      }
      if (!status || length === undefined) {
        this.finish(c, { error: `unparsable answer: ${JSON.stringify(head.slice(0, 200))}` });
        this.drop(c);
        return;
      }
      if (c.buffer.length < end + 4 + length) return;
      const body = c.buffer.subarray(end + 4, end + 4 + length).toString('utf8');
      c.buffer = c.buffer.subarray(end + 4 + length);
      let pid: number | undefined;
      try {
        pid = (JSON.parse(body) as { pid?: number }).pid;
      } catch {
        // not JSON: no pid
      }
      this.finish(c, { status, pid });
      if (close) {
        c.closeAfter = true;
        this.drop(c, true);
        return;
      }
      if (this.running) this.send(c);
      else this.idle?.();
    }
  }

  /** The connection is unusable: any request still on it failed; open another. */
  private onGone(c: Connection, reason: string): void {
    if (c.dead) return;
    this.finish(c, { error: reason });
    this.drop(c);
  }

  private drop(c: Connection, polite = false): void {
    if (c.dead) return;
    c.dead = true;
    if (polite) c.socket.end();
    else c.socket.destroy();
    if (this.running) setImmediate(() => this.open(c.index));
    else this.idle?.();
  }
}
