/** worker-manager: run a Node.js app as a main process plus many worker processes (modelled on Sanic's Worker Manager). */
import type * as ManagerModule from './main/manager';
import type * as ClientModule from './inspector/client';
import { lazyClass } from './lazy';

export { App, isMain, type RequestHandler, type ServerFactory, type InspectorCommand } from './app';
export type { RunOptions } from './run';
export { DEFAULTS as CONFIG_DEFAULTS, type Config } from './config';
export { WorkerManagerError } from './errors';
export { ProcessState, RESTRICTED_STATE_KEYS, type ProcessRecord, type ProcessTable, type ProcessStateName, type MainRecord } from './states';
export { LISTENER_EVENTS, type ListenerEvent } from './listeners';
export { Value, SharedArray, Lock, Semaphore, Event, Queue, SharedPrimitive } from './shared/primitives';
export { QueueEmpty, QueueFull } from './shared/host';
export type { Multiplexer, RestartOptions, ScaleOptions } from './worker/multiplexer';
export type { AppInfo, ManageOptions } from './protocol';
export { formatTable } from './cli/table';
export type { ManagerOptions, ManagerEvents } from './main/manager';
export { loadApp, type AppLocator } from './loader';
export type { InspectorState, InspectorInfo, InspectorClientOptions, WatchOptions, Watch } from './inspector/client';

/*
 * The manager and the inspector client load on first use: every worker imports this package for App and the
 * shared primitives, and should not pay for code only the main process or a tool runs.
 */
const manager = () => require('./main/manager') as typeof ManagerModule;
const client = () => require('./inspector/client') as typeof ClientModule;

export const WorkerManager = lazyClass(() => manager().WorkerManager);
export type WorkerManager = ManagerModule.WorkerManager;
export const InspectorClient = lazyClass(() => client().InspectorClient);
export type InspectorClient = ClientModule.InspectorClient;
export const InspectorError = lazyClass(() => client().InspectorError);
export type InspectorError = ClientModule.InspectorError;
export const InspectorUnreachableError = lazyClass(() => client().InspectorUnreachableError);
export type InspectorUnreachableError = ClientModule.InspectorUnreachableError;
export const InspectorAuthError = lazyClass(() => client().InspectorAuthError);
export type InspectorAuthError = ClientModule.InspectorAuthError;
export const InspectorHttpError = lazyClass(() => client().InspectorHttpError);
export type InspectorHttpError = ClientModule.InspectorHttpError;
export const InspectorProtocolError = lazyClass(() => client().InspectorProtocolError);
export type InspectorProtocolError = ClientModule.InspectorProtocolError;
export const InspectorUnsupportedError = lazyClass(() => client().InspectorUnsupportedError);
export type InspectorUnsupportedError = ClientModule.InspectorUnsupportedError;

/** @internal The `wm` command line (bin/wm.js). */
export function runCli(argv: string[]): void {
  (require('./cli/main') as typeof import('./cli/main')).runCli(argv);
}

/** @internal Runs this process as one the manager started (see main/entry-path.ts). */
export function runWorker(): void {
  (require('./worker/entry') as typeof import('./worker/entry')).runWorker();
}

// The manager forks this module for each of its processes: one file to load when bundled, which the app's own
// require('worker-manager') then finds in the cache.
if (require.main === module) runWorker();
