// The shape of an inspector as the Workers view uses it. The real implementation is the manager
// package's InspectorClient (see inspectorClient.ts); tests pass fakes that replay recorded JSON.
// Wire names (snake_case, state names) are the inspector protocol's, shared with Sanic.

export interface ProcessRecord {
  server?: boolean;
  state?: string;
  pid?: number;
  start_at?: string;
  starts?: number;
  restart_at?: string;
  serving?: boolean;
  crash_loop?: boolean;
  [custom: string]: unknown;
}

export interface InspectorInfo {
  app: string;
  mode: string;
  server?: string;
  platform?: string;
  packages?: string[];
  /** Ours: `capabilities` (restart, events) and the names of the app's custom commands. */
  extra?: { capabilities?: string[]; commands?: string[]; [k: string]: unknown };
  'auto-reload'?: string;
  [k: string]: unknown;
}

export interface InspectorState {
  info: InspectorInfo;
  workers: Record<string, ProcessRecord>;
}

export type UpdateMode = 'stream' | 'poll';

export interface WatchOptions {
  pollMs?: number;
  onError?: (e: Error) => void;
  onMode?: (m: UpdateMode) => void;
}

export interface Inspector {
  info(): Promise<InspectorState>;
  reload(opts?: { zeroDowntime?: boolean }): Promise<unknown>;
  restart(names: string[], opts?: { zeroDowntime?: boolean }): Promise<unknown>;
  scale(replicas: number): Promise<unknown>;
  shutdown(): Promise<unknown>;
  command(name: string, args?: unknown[], kwargs?: Record<string, unknown>): Promise<unknown>;
  watch(onState: (s: InspectorState) => void, opts?: WatchOptions): { close(): void };
  /** Frees pooled connections once the app leaves the view. */
  close?(): void;
}

/** Where an inspector listens and how to authenticate; also the `workerManager.inspectors` setting's items. */
export interface InspectorEndpoint {
  host: string;
  port: number;
  apiKey?: string;
  tls?: boolean;
  ca?: string;
  rejectUnauthorized?: boolean;
}

export type InspectorFactory = (endpoint: InspectorEndpoint) => Inspector;
