/** Sanic's names: modules, classes, listener events, the multiplexer's and the manager's members. */
import { WORKER_ROLE, type AttributeWriter, type Dialect, type Registration, type RuleCode } from '../analysis/dialect';
import type { Prop, Value } from '../analysis/model';
import type { Sym } from '../analysis/symbols';

const DOCS = 'https://sanic.dev/en/guide/deployment/manager.html';

/** Sanic's ListenerEvent members (lower case); `app.listener("...")` accepts them in any case. */
export const LISTENER_EVENTS: ReadonlySet<string> = new Set([
  'before_server_start',
  'after_server_start',
  'before_server_stop',
  'after_server_stop',
  'main_process_start',
  'main_process_ready',
  'main_process_stop',
  'reload_process_start',
  'reload_process_stop',
  'before_reload_trigger',
  'after_reload_trigger',
]);

/** Decorators that make a function run in the server workers. */
const WORKER_DECORATORS = new Set([
  'route', 'get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'websocket',
  'exception', 'middleware', 'on_request', 'on_response', 'signal',
]);
/** Calls that register their first argument to run in the server workers. */
const WORKER_REGISTRATIONS = new Set(['add_route', 'add_websocket_route', 'register_middleware', 'middleware', 'on_request', 'on_response', 'exception']);

const PRIMITIVES = [
  'Queue', 'SimpleQueue', 'JoinableQueue', 'Value', 'RawValue', 'Array', 'RawArray', 'Lock', 'RLock', 'Event',
  'Semaphore', 'BoundedSemaphore', 'Condition', 'Barrier', 'Manager', 'Pipe',
];

/**
 * Standard-library classes whose objects live in one process, by module, with their type as Python prints it:
 * Sanic warns when one is put on the shared context (its module is not multiprocessing or ctypes).
 */
const QUEUE_TYPES: Record<string, string> = { Queue: 'queue.Queue', LifoQueue: 'queue.LifoQueue', PriorityQueue: 'queue.PriorityQueue', SimpleQueue: '_queue.SimpleQueue' };
const ASYNCIO_QUEUES = ['Queue', 'LifoQueue', 'PriorityQueue'];
const ASYNCIO_LOCKS = ['Lock', 'Event', 'Condition', 'Semaphore', 'BoundedSemaphore', 'Barrier'];
const THREADING_TYPES: Record<string, string> = {
  Lock: '_thread.lock',
  RLock: '_thread.RLock',
  Event: 'threading.Event',
  Condition: 'threading.Condition',
  Semaphore: 'threading.Semaphore',
  BoundedSemaphore: 'threading.BoundedSemaphore',
  Barrier: 'threading.Barrier',
};

function plainTypes(types: Record<string, string>): Record<string, Sym> {
  return Object.fromEntries(Object.entries(types).map(([name, type]) => [name, { k: 'plainType', type } as Sym]));
}

function inModule(module: string, names: string[]): Record<string, string> {
  return Object.fromEntries(names.map((name) => [name, `${module}.${name}`]));
}

const MODULES: Record<string, Record<string, Sym>> = {
  sanic: {
    Sanic: { k: 'class', name: 'Sanic' },
    Blueprint: { k: 'class', name: 'Blueprint' },
    app: { k: 'module', name: 'sanic.app' },
    blueprints: { k: 'module', name: 'sanic.blueprints' },
    worker: { k: 'module', name: 'sanic.worker' },
  },
  'sanic.app': { Sanic: { k: 'class', name: 'Sanic' } },
  'sanic.blueprints': { Blueprint: { k: 'class', name: 'Blueprint' } },
  'sanic.worker': { manager: { k: 'module', name: 'sanic.worker.manager' } },
  'sanic.worker.manager': { WorkerManager: { k: 'class', name: 'WorkerManager' } },
  multiprocessing: {
    ...Object.fromEntries(PRIMITIVES.map((name) => [name, { k: 'primitive', name } as Sym])),
    get_context: { k: 'factory', name: 'get_context', makes: { k: 'mpContext' } },
    set_start_method: { k: 'libfn', name: 'set_start_method' },
    sharedctypes: { k: 'module', name: 'multiprocessing.sharedctypes' },
    synchronize: { k: 'module', name: 'multiprocessing.synchronize' },
    queues: { k: 'module', name: 'multiprocessing.queues' },
    managers: { k: 'module', name: 'multiprocessing.managers' },
  },
  'multiprocessing.sharedctypes': prims(['Value', 'Array', 'RawValue', 'RawArray']),
  'multiprocessing.synchronize': prims(['Lock', 'RLock', 'Semaphore', 'BoundedSemaphore', 'Condition', 'Event', 'Barrier']),
  'multiprocessing.queues': prims(['Queue', 'SimpleQueue', 'JoinableQueue']),
  'multiprocessing.managers': prims(['SyncManager']),
  queue: plainTypes(QUEUE_TYPES),
  asyncio: {
    ...plainTypes({ ...inModule('asyncio.queues', ASYNCIO_QUEUES), ...inModule('asyncio.locks', ASYNCIO_LOCKS) }),
    queues: { k: 'module', name: 'asyncio.queues' },
    locks: { k: 'module', name: 'asyncio.locks' },
  },
  'asyncio.queues': plainTypes(inModule('asyncio.queues', ASYNCIO_QUEUES)),
  'asyncio.locks': plainTypes(inModule('asyncio.locks', ASYNCIO_LOCKS)),
  threading: plainTypes(THREADING_TYPES),
};

function prims(names: string[]): Record<string, Sym> {
  return Object.fromEntries(names.map((name) => [name, { k: 'primitive', name } as Sym]));
}

const CLASS_MEMBERS: Record<string, Record<string, Sym>> = {
  Sanic: {
    get_app: { k: 'factory', name: 'get_app', makes: { k: 'app' } },
    serve: { k: 'libfn', name: 'serve' },
    serve_single: { k: 'libfn', name: 'serve_single' },
  },
};

/** The public API the unknown-name rule (WM-D7) and hover know. */
export const PY_API = {
  /** WorkerMultiplexer: a closed set, anything else raises AttributeError. */
  multiplexerMembers: new Set(['ack', 'manage', 'set_serving', 'exit', 'restart', 'reload', 'scale', 'terminate', 'terminate_worker', 'pid', 'name', 'state', 'workers']),
  multiplexerProps: new Set(['name', 'pid', 'state', 'workers']),
  multiplexerMethods: new Set(['manage', 'restart', 'reload', 'scale', 'terminate', 'terminate_worker', 'ack', 'set_serving']),
  /** WorkerManager's public attributes across Sanic 22.9 to 25.x. */
  managerMembers: new Set([
    'THRESHOLD', 'MAIN_NAME', 'MAIN_IDENT', 'num_server', 'context', 'transient', 'durable', 'restarter', 'monitor_publisher',
    'monitor_subscriber', 'worker_state', 'manage', 'create_server', 'shutdown_server', 'run', 'start', 'join', 'terminate',
    'cleanup', 'restart', 'scale', 'monitor', 'wait_for_ack', 'workers', 'all_workers', 'processes', 'transient_processes',
    'durable_processes', 'kill', 'shutdown_signal', 'shutdown', 'remove_worker', 'pid',
  ]),
  /** Keyword arguments of WorkerManager.manage / WorkerMultiplexer.manage. */
  managerManageKeywords: new Set(['name', 'func', 'kwargs', 'transient', 'restartable', 'tracked', 'auto_start', 'workers', 'ident']),
  multiplexerManageKeywords: new Set(['ident', 'func', 'kwargs', 'transient', 'restartable', 'tracked', 'auto_start', 'workers']),
  restartKeywords: new Set(['name', 'all_workers', 'zero_downtime']),
  scaleKeywords: new Set(['num_workers']),
  terminateKeywords: new Set(['early']),
  listenerMethods: LISTENER_EVENTS,
  startMethods: new Set(['fork', 'spawn', 'forkserver']),
};

/** Builtins that set or delete an attribute by name, as an assignment or `del` does. */
const ATTRIBUTE_WRITERS: Record<string, AttributeWriter> = { setattr: 'setattr', delattr: 'delattr' };

/** Builtins that make a plain object of their own type when called. */
const PLAIN_BUILTINS: ReadonlySet<string> = new Set(['int', 'float', 'complex', 'str', 'bytes', 'bytearray', 'bool', 'dict', 'list', 'set', 'object']);

export const pythonDialect: Dialect = {
  language: 'python',
  sharedCtx: 'shared_ctx',
  requestCarriesApp: true,
  libraryModules: ['sanic'],
  moduleMember: (module, name) => MODULES[module]?.[name],
  classMember: (cls, name) => CLASS_MEMBERS[cls]?.[name],
  construct: (cls) => (cls === 'Sanic' ? { k: 'app' } : cls === 'Blueprint' ? { k: 'blueprint' } : undefined),
  builtins: new Set([...PLAIN_BUILTINS, 'tuple', 'frozenset', ...Object.keys(ATTRIBUTE_WRITERS)]),
  // Sanic prints `type(value)`: the builtin's own name.
  builtinType: (name) => (PLAIN_BUILTINS.has(name) ? name : undefined),
  itemwiseBuiltins: new Set(['tuple', 'frozenset']),
  attributeWriterNames: new Set(Object.keys(ATTRIBUTE_WRITERS)),
  attributeWriter: (callee) => (callee.k === 'builtin' ? ATTRIBUTE_WRITERS[callee.name] : undefined),
  appAnnotations: new Set(['Sanic']),
  registration,
  constructorRegistration: () => null,
  eventName: (role) => role,
  docsUrl,
};

function registration(method: string, args: Value[], keywords: Prop[], asDecorator: boolean): Registration | null {
  if (LISTENER_EVENTS.has(method)) return asDecorator ? { role: method, fnArg: -1 } : args.length > 0 ? { role: method, fnArg: 0 } : null;
  if (method === 'listener') {
    // @app.listener("event") / app.listener(fn, "event")
    const event = asDecorator ? stringArg(args[0], keywords, 'listener_or_event') : stringArg(args[1], keywords, 'event_or_none');
    const role = event && normalizeEvent(event);
    return role ? { role, fnArg: asDecorator ? -1 : 0 } : null;
  }
  if (method === 'register_listener' && !asDecorator) {
    const event = stringArg(args[1], keywords, 'event');
    const role = event && normalizeEvent(event);
    return role ? { role, fnArg: 0 } : null;
  }
  if (asDecorator && WORKER_DECORATORS.has(method)) return { role: WORKER_ROLE, fnArg: -1 };
  if (!asDecorator && WORKER_REGISTRATIONS.has(method) && args.length > 0) return { role: WORKER_ROLE, fnArg: 0 };
  return null;
}

function stringArg(positional: Value | undefined, keywords: Prop[], keyword: string): string | undefined {
  const v = positional ?? keywords.find((k) => k.name === keyword || k.name === 'event')?.value;
  return v && v.kind === 'literal' && v.type === 'str' ? v.text : undefined;
}

/** Sanic looks events up by `ListenerEvent[event.upper()]`. */
export function normalizeEvent(event: string): string | undefined {
  const lower = event.toLowerCase();
  return LISTENER_EVENTS.has(lower) ? lower : undefined;
}

const ANCHORS: Record<RuleCode, string> = {
  'WM-D1': 'how-sanic-server-starts-processes',
  'WM-D2': 'using-shared-context-between-worker-processes',
  'WM-D3': 'using-shared-context-between-worker-processes',
  'WM-D4': 'sanic-and-multiprocessing',
  'WM-D5': 'running-custom-processes',
  'WM-D6': 'worker-ack',
  'WM-D7': 'access-to-the-multiplexer',
};

function docsUrl(code: RuleCode, topic?: string): string {
  return `${DOCS}#${topic ?? ANCHORS[code]}`;
}
