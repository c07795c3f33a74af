/**
 * Every message between the manager (main process) and the processes it runs, over Node's IPC channel.
 * One typed union each way; nothing else crosses the channel.
 */
import type { SerializedError } from './errors';
import type { ProcessTable } from './states';

/** What a child process is, told to it through WM_PROCESS_KIND. */
export type ProcessKind = 'server' | 'inspector' | 'reloader' | 'custom';

/** How an object on `app.sharedCtx` travels to the workers. */
export type SharedDescriptor =
  | { kind: 'primitive'; type: string; id: number }
  | { kind: 'plain'; value: unknown };

/** Calls a child makes to the manager; each is answered by a `result` message with the same id. */
export interface CallMap {
  workers: { params: Record<string, never>; result: ProcessTable };
  info: { params: Record<string, never>; result: AppInfo };
  /** `wait`: answer once the order is carried out (or failed), not once it is taken. */
  restart: { params: RestartParams & { wait?: boolean }; result: string[] };
  reload: { params: { zeroDowntime?: boolean; wait?: boolean }; result: string[] };
  scale: { params: { replicas: number; wait?: boolean }; result: string };
  shutdown: { params: Record<string, never>; result: null };
  manage: { params: ManageParams; result: string[] };
  /** One operation on a cross-process primitive hosted by the manager (see shared/). */
  shared: { params: { id: number; op: string; args: unknown[] }; result: unknown };
}
export type CallMethod = keyof CallMap;

export interface RestartParams {
  /** Process names; empty or absent with `allWorkers` restarts every restartable process. */
  names?: string[];
  allWorkers?: boolean;
  zeroDowntime?: boolean;
}

export interface ManageOptions {
  transient?: boolean;
  tracked?: boolean;
  restartable?: boolean;
  workers?: number;
}

export interface ManageParams {
  name: string;
  /** Where the function is found again in a fresh process: `path/to/module.js:exportName`. */
  target: string;
  kwargs: Record<string, unknown>;
  options: ManageOptions;
}

/** The `info` part of the inspector's `GET /`. Keys keep Sanic's spelling; `node` stands where Sanic has `python`. */
export interface AppInfo {
  app: string;
  mode: string;
  server: string;
  node: string;
  platform: string;
  packages: string[];
  extra: Record<string, unknown>;
  'auto-reload'?: string;
  [key: string]: unknown;
}

/** Child -> manager. */
export type ChildMessage =
  /** The child's bootstrap runs (before the app module loads). */
  | { t: 'started' }
  /** Ready: a server worker is listening and its afterServerStart listeners are done. */
  | { t: 'ack' }
  /** Could not start: the module would not load, a listener threw, or listen failed. */
  | { t: 'failed'; phase: 'load' | 'start'; error: SerializedError }
  /** A server worker stopped accepting (draining) or started again. */
  | { t: 'serving'; serving: boolean }
  /** Keys the process set on its own record through `app.m.state`. */
  | { t: 'state'; patch: Record<string, unknown> }
  /** A warning the manager prints once for the whole app rather than once per worker. */
  | { t: 'warn-once'; key: string; message: string }
  | { t: 'call'; id: number; method: CallMethod; params: unknown }
  /** Ask for a `table` message on every change of the process table. */
  | { t: 'subscribe' };

/** Manager -> child. */
export type MainMessage =
  /**
   * To a warm process (forked before it had a role, see main/warm-start.ts), before anything else: the
   * environment variables that differ from the ones it was forked with (null: unset), its name and kind among them.
   */
  | { t: 'become'; env: Record<string, string | null> }
  /** First message to every child: what it needs before it runs the app's listeners. */
  | { t: 'init'; sharedCtx: Record<string, SharedDescriptor>; table: ProcessTable }
  /** Server workers: serve on the socket sent as this message's handle, bound to `port`. */
  | { t: 'listen'; port: number }
  /** Stop: `handover` drains politely while other workers keep serving; `shutdown` closes idle connections now. */
  | { t: 'stop'; mode: 'handover' | 'shutdown'; timeoutMs: number }
  | { t: 'result'; id: number; ok: true; value: unknown }
  | { t: 'result'; id: number; ok: false; error: SerializedError }
  /**
   * The whole process table after a change, with the app's info (whose `mode` counts the server workers), to
   * every subscriber: workers for `app.m.workers`, the inspector for its change stream.
   */
  | { t: 'table'; table: ProcessTable; info: AppInfo; seq: number };
