/**
 * Process states and state records (WM-5). Names and keys cross process and network boundaries, so they keep
 * Sanic's exact spelling: a Sanic client reads our inspector and ours reads Sanic's.
 */

export const ProcessState = {
  /** Created, no process yet. */
  NONE: 'NONE',
  /** Waiting to (re)start: a replacement held back by crash backoff. */
  IDLE: 'IDLE',
  STARTING: 'STARTING',
  STARTED: 'STARTED',
  /** Started and acknowledged: a server worker that is really serving. */
  ACKED: 'ACKED',
  /** Exited when asked to, while the app shuts down. */
  JOINED: 'JOINED',
  /** Asked to stop for good (scale-down) or stopped by the manager. */
  TERMINATED: 'TERMINATED',
  RESTARTING: 'RESTARTING',
  /** Raised or was killed; no longer running. */
  FAILED: 'FAILED',
  /** Finished and exited successfully. */
  COMPLETED: 'COMPLETED',
} as const;
export type ProcessStateName = (typeof ProcessState)[keyof typeof ProcessState];

export const FINAL_STATES: ReadonlySet<ProcessStateName> = new Set(['COMPLETED', 'FAILED', 'JOINED', 'TERMINATED']);

/** A process's record in the table, as the inspector and `app.m.workers` show it. */
export interface ProcessRecord {
  server: boolean;
  state: ProcessStateName;
  pid?: number;
  start_at?: string;
  starts?: number;
  restart_at?: string;
  /** Server workers: accepting connections (acked and not draining). */
  serving?: boolean;
  /** Ours: set once a worker slot has tripped the crash-loop limit and is no longer replaced. */
  crash_loop?: boolean;
  /** Ours: the process's debugger port, when the manager runs under --inspect. */
  inspect_port?: number;
  /** Keys a process sets on itself through `app.m.state`. */
  [custom: string]: unknown;
}

/** The main process's entry: only its pid, as in Sanic. */
export interface MainRecord {
  pid: number;
}

export type ProcessTable = Record<string, ProcessRecord | MainRecord>;

/** Keys a process may not set on its own record (Sanic's list). */
export const RESTRICTED_STATE_KEYS: ReadonlySet<string> = new Set([
  'health',
  'pid',
  'requests',
  'restart_at',
  'server',
  'start_at',
  'starts',
  'state',
  // ours: the manager's own bookkeeping
  'serving',
  'crash_loop',
  'inspect_port',
]);

/** Dates as Python's `datetime.isoformat()` writes them for UTC: microseconds and a `+00:00` offset. */
export function isoNow(date: Date = new Date()): string {
  return date.toISOString().replace('Z', '000+00:00');
}
