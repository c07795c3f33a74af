/**
 * The change stream (ours; Sanic has none): `GET /events` is a Server-Sent Events stream that sends the whole
 * state `{info, workers}` at once and again after every change of the process table, with a comment line as
 * heartbeat so clients notice a dead connection. The manager pushes the table and info once per turn of its
 * event loop (see WorkerManager.schedulePush); one event follows each push.
 */
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppInfo } from '../protocol';
import type { ProcessTable } from '../states';
import type { ManagerLink } from '../worker/link';
import type { InspectorStateWire } from './actions';
import { COMMON_HEADERS, HttpError } from './respond';

export interface StateSnapshot {
  state: InspectorStateWire;
  /** Grows with every snapshot (the SSE event id). */
  version: number;
}

/** The latest state, kept current from the manager's table pushes (table and info together) once someone listens. */
export class StateFeed extends EventEmitter<{ state: [StateSnapshot] }> {
  latest?: StateSnapshot;
  private subscribed = false;
  private version = 0;

  constructor(private readonly link: ManagerLink) {
    super();
  }

  /** Asks the manager for table pushes (idempotent: the first stream client turns it on). */
  start(): void {
    if (this.subscribed) return;
    this.subscribed = true;
    this.link.on('table', (message: { table: ProcessTable; info: AppInfo }) => {
      this.latest = { state: { info: message.info, workers: message.table }, version: ++this.version };
      this.emit('state', this.latest);
    });
    this.link.send({ t: 'subscribe' });
  }
}

export interface EventStreamOptions {
  /** Most streams open at once; more get 503. */
  maxStreams: number;
  /** Heartbeat period when the client does not ask for one (`?heartbeat=ms`). */
  heartbeatMs: number;
}

export const DEFAULT_STREAM_OPTIONS: EventStreamOptions = { maxStreams: 32, heartbeatMs: 5000 };

/** The open `GET /events` responses. */
export class EventStreams {
  private readonly open = new Set<ServerResponse>();

  constructor(
    private readonly feed: StateFeed,
    private readonly options: EventStreamOptions = DEFAULT_STREAM_OPTIONS,
  ) {}

  get count(): number {
    return this.open.size;
  }

  /** Starts a stream on `res`; throws an HttpError when it cannot. */
  serve(req: IncomingMessage, res: ServerResponse, query: URLSearchParams): void {
    if (this.open.size >= this.options.maxStreams) {
      throw new HttpError(503, `Too many open event streams (${this.options.maxStreams}); close some, or poll GET / instead.`);
    }
    const heartbeatMs = heartbeatFrom(query, this.options.heartbeatMs);
    this.feed.start();
    req.socket.setNoDelay(true);
    res.writeHead(200, {
      ...COMMON_HEADERS,
      'content-type': 'text/event-stream; charset=utf-8',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    // The client's reconnection delay, and the heartbeat period so it can tell a dead stream.
    res.write(`retry: 1000\n: heartbeat ${heartbeatMs}\n\n`);
    let sent = 0;
    const send = (snapshot: StateSnapshot) => {
      if (snapshot.version <= sent) return;
      sent = snapshot.version;
      res.write(`id: ${snapshot.version}\nevent: state\ndata: ${JSON.stringify(snapshot.state)}\n\n`);
    };
    if (this.feed.latest) send(this.feed.latest);
    this.feed.on('state', send);
    const heartbeat = setInterval(() => res.write(': ping\n\n'), heartbeatMs);
    this.open.add(res);
    res.once('close', () => {
      clearInterval(heartbeat);
      this.feed.off('state', send);
      this.open.delete(res);
    });
  }

  /** Ends every stream (the inspector is stopping). */
  closeAll(): void {
    for (const res of this.open) res.end();
  }
}

function heartbeatFrom(query: URLSearchParams, fallback: number): number {
  const raw = query.get('heartbeat');
  if (raw === null) return fallback;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 100 || ms > 60_000) {
    throw new HttpError(400, `heartbeat must be a whole number of milliseconds between 100 and 60000 (got "${raw}").`);
  }
  return ms;
}
