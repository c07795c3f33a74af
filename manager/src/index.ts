/** worker-manager: run a Node.js app as a main process plus many worker processes (modelled on Sanic's Worker Manager). */
import type * as ManagerModule from './main/manager';
import type * as ClientModule from './inspector/client';

export { App, isMain, type RequestHandler, type ServerFactory, type InspectorCommand } from './app';
export type { RunOptions } from './run';
export { DEFAULTS as CONFIG_DEFAULTS, type Config } from './config';
export { WorkerManagerError } from './errors';
export { ProcessState, RESTRICTED_STATE_KEYS, type ProcessRecord, type ProcessTable, type ProcessStateName, type MainRecord } from './states';
export { LISTENER_EVENTS, type ListenerEvent } from './listeners';
export { Value, SharedArray, Lock, Semaphore, Event, Queue, SharedPrimitive } from './shared/primitives';
export { QueueEmpty, QueueFull } from './shared/host';
export type { Multiplexer, RestartOptions } from './worker/multiplexer';
export type { AppInfo, ManageOptions } from './protocol';
export { formatTable } from './cli/table';
export type { ManagerOptions } from './main/manager';
export type { InspectorState, InspectorInfo, InspectorClientOptions, WatchOptions, Watch } from './inspector/client';

/*
 * The manager and the inspector client load on first use: every worker imports this package for App and the
 * shared primitives, and should not pay for code only the main process or a tool runs. `export let` names them
 * for Node's ESM interop (import { WorkerManager } from 'worker-manager' still works); a getter fills them in.
 */
function lazy<T>(name: string, load: () => T): void {
  Object.defineProperty(exports, name, { enumerable: true, configurable: true, get: load });
}
const manager = () => require('./main/manager') as typeof ManagerModule;
const client = () => require('./inspector/client') as typeof ClientModule;

export let WorkerManager: typeof ManagerModule.WorkerManager;
export type WorkerManager = ManagerModule.WorkerManager;
lazy('WorkerManager', () => manager().WorkerManager);

export let InspectorClient: typeof ClientModule.InspectorClient;
export type InspectorClient = ClientModule.InspectorClient;
export let InspectorError: typeof ClientModule.InspectorError;
export type InspectorError = ClientModule.InspectorError;
export let InspectorUnreachableError: typeof ClientModule.InspectorUnreachableError;
export type InspectorUnreachableError = ClientModule.InspectorUnreachableError;
export let InspectorAuthError: typeof ClientModule.InspectorAuthError;
export type InspectorAuthError = ClientModule.InspectorAuthError;
export let InspectorHttpError: typeof ClientModule.InspectorHttpError;
export type InspectorHttpError = ClientModule.InspectorHttpError;
export let InspectorProtocolError: typeof ClientModule.InspectorProtocolError;
export type InspectorProtocolError = ClientModule.InspectorProtocolError;
export let InspectorUnsupportedError: typeof ClientModule.InspectorUnsupportedError;
export type InspectorUnsupportedError = ClientModule.InspectorUnsupportedError;
for (const name of [
  'InspectorClient',
  'InspectorError',
  'InspectorUnreachableError',
  'InspectorAuthError',
  'InspectorHttpError',
  'InspectorProtocolError',
  'InspectorUnsupportedError',
] as const) {
  lazy(name, () => client()[name]);
}
