/** worker-manager: run a Node.js app as a main process plus many worker processes (modelled on Sanic's Worker Manager). */
export { App, isMain, type RequestHandler, type ServerFactory, type InspectorCommand } from './app';
export type { RunOptions } from './run';
export { WorkerManager, type ManagerOptions } from './main/manager';
export { DEFAULTS as CONFIG_DEFAULTS, type Config } from './config';
export { WorkerManagerError } from './errors';
export { ProcessState, RESTRICTED_STATE_KEYS, type ProcessRecord, type ProcessTable, type ProcessStateName, type MainRecord } from './states';
export { LISTENER_EVENTS, type ListenerEvent } from './listeners';
export { Value, SharedArray, Lock, Semaphore, Event, Queue, SharedPrimitive } from './shared/primitives';
export { QueueEmpty, QueueFull } from './shared/host';
export type { Multiplexer, RestartOptions } from './worker/multiplexer';
export type { AppInfo, ManageOptions } from './protocol';
export { formatTable } from './cli/table';
export { InspectorClient, InspectorError, InspectorUnreachableError, InspectorAuthError, InspectorHttpError, InspectorProtocolError, InspectorUnsupportedError, type InspectorState, type InspectorInfo, type InspectorClientOptions, type WatchOptions, type Watch } from './inspector/client';
