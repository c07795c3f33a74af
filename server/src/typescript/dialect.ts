/** Our manager's names (package 'worker-manager'): App, listeners, the multiplexer, primitives. */
import { WORKER_ROLE, camelToSnake, snakeToCamel, type AttributeWriter, type Dialect, type Registration, type RuleCode } from '../analysis/dialect';
import type { Prop, Value } from '../analysis/model';
import type { Sym } from '../analysis/symbols';

export const PACKAGE = 'worker-manager';
const DOCS = 'https://github.com/worker-manager/worker-manager/blob/main/docs/rules.md';

/** Listener registration methods on App (camelCase), as events in Sanic's spelling. */
export const LISTENER_METHODS: ReadonlySet<string> = new Set([
  'mainProcessStart',
  'mainProcessReady',
  'mainProcessStop',
  'beforeServerStart',
  'afterServerStart',
  'beforeServerStop',
  'afterServerStop',
]);

export const PRIMITIVES: ReadonlySet<string> = new Set(['Queue', 'Value', 'SharedArray', 'Lock', 'Event', 'Semaphore']);

const MEMBERS: Record<string, Sym> = {
  App: { k: 'class', name: 'App' },
  WorkerManager: { k: 'class', name: 'WorkerManager' },
  isMain: { k: 'libfn', name: 'isMain' },
  default: { k: 'module', name: PACKAGE },
  ...Object.fromEntries([...PRIMITIVES].map((name) => [name, { k: 'primitive', name } as Sym])),
};

/** Members every object has: never reported as unknown. */
const OBJECT_MEMBERS = ['constructor', 'toString', 'toLocaleString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable', '__proto__', 'then'];

export const TS_API = {
  multiplexerMembers: new Set(['name', 'pid', 'state', 'workers', 'restart', 'scale', 'terminate', 'manage', ...OBJECT_MEMBERS]),
  multiplexerProps: new Set(['name', 'pid', 'state', 'workers']),
  multiplexerMethods: new Set(['restart', 'scale', 'terminate', 'manage']),
  /** WorkerManager's public members; the manager is young, so only near-misses of these are reported. */
  managerMembers: new Set(['manage', 'restart', 'reload', 'scale', 'shutdown', 'forceStop', 'run', 'table', 'info', 'config', 'address', 'running', ...OBJECT_MEMBERS]),
  manageOptions: new Set(['transient', 'tracked', 'restartable', 'workers']),
  restartOptions: new Set(['names', 'name', 'allWorkers', 'zeroDowntime', 'wait']),
  scaleOptions: new Set(['wait']),
  listenerMethods: LISTENER_METHODS,
};

const TYPED_ARRAYS = [
  'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'Float32Array',
  'Float64Array', 'BigInt64Array', 'BigUint64Array',
];
const ERRORS = ['Error', 'TypeError', 'RangeError', 'SyntaxError', 'ReferenceError', 'EvalError', 'URIError'];
const both = (type: string): BuiltinType => ({ withNew: type, called: type });

interface BuiltinType {
  /** What `new X(...)` makes. */
  withNew?: string;
  /** What `X(...)` returns. Absent: the call throws. */
  called?: string;
}

/**
 * Globals whose results the manager copies into each worker (only its own primitives are shared), named as its
 * unsafe-object warning names them: `constructor.name` for objects, `typeof` for the rest.
 */
const BUILTIN_TYPES: Record<string, BuiltinType> = {
  ...Object.fromEntries(['Map', 'Set', 'WeakMap', 'WeakSet', 'WeakRef', 'Promise', 'ArrayBuffer', 'SharedArrayBuffer', 'DataView', ...TYPED_ARRAYS].map((n) => [n, { withNew: n }])),
  ...Object.fromEntries(['Array', 'RegExp', ...ERRORS].map((n) => [n, both(n)])),
  Object: both('Object'),
  Date: { withNew: 'Date', called: 'string' },
  String: { withNew: 'String', called: 'string' },
  Number: { withNew: 'Number', called: 'number' },
  Boolean: { withNew: 'Boolean', called: 'boolean' },
  BigInt: { called: 'bigint' },
  Symbol: { called: 'symbol' },
};

/** Methods of the globals `Object` and `Reflect` that set or delete properties through the object's set trap. */
const ATTRIBUTE_WRITERS: Record<string, Record<string, AttributeWriter>> = {
  Object: { assign: 'assign' },
  Reflect: { set: 'setattr', deleteProperty: 'delattr' },
};

function attributeWriter(callee: Sym): AttributeWriter | undefined {
  if (callee.k !== 'member' || callee.of.k !== 'builtin') return undefined;
  return Object.hasOwn(ATTRIBUTE_WRITERS, callee.of.name) && Object.hasOwn(ATTRIBUTE_WRITERS[callee.of.name], callee.name) ? ATTRIBUTE_WRITERS[callee.of.name][callee.name] : undefined;
}

function builtinType(name: string, isNew: boolean, argCount: number): string | undefined {
  // `Object(x)` / `new Object(x)` give back x itself when it is an object (a shared primitive, say).
  if (name === 'Object' && argCount > 0) return undefined;
  const t = BUILTIN_TYPES[name];
  return t && (isNew ? t.withNew : t.called);
}

export const typescriptDialect: Dialect = {
  language: 'typescript',
  sharedCtx: 'sharedCtx',
  requestCarriesApp: false,
  libraryModules: [PACKAGE],
  moduleMember: (module, name) => (module === PACKAGE ? MEMBERS[name] : undefined),
  classMember: (cls, name) => (cls === 'App' && name === 'get' ? { k: 'factory', name: 'App.get', makes: { k: 'app' } } : undefined),
  construct: (cls) => (cls === 'App' ? { k: 'app' } : undefined),
  builtins: new Set([...Object.keys(BUILTIN_TYPES), 'Reflect']),
  builtinType,
  itemwiseBuiltins: new Set(),
  attributeWriterNames: new Set(Object.values(ATTRIBUTE_WRITERS).flatMap((methods) => Object.keys(methods))),
  attributeWriter,
  appAnnotations: new Set(['App']),
  registration,
  constructorRegistration: (cls) => (cls === 'App' ? { role: WORKER_ROLE, fnArg: 1 } : null),
  eventName: (role) => snakeToCamel(role),
  docsUrl,
};

function registration(method: string, args: Value[], _keywords: Prop[], asDecorator: boolean): Registration | null {
  if (asDecorator) return null;
  if (LISTENER_METHODS.has(method)) return args.length > 0 ? { role: camelToSnake(method), fnArg: 0 } : null;
  if (method === 'registerListener') {
    const event = args[1];
    const role = event && event.kind === 'literal' && event.type === 'string' && event.text !== undefined ? normalizeEvent(event.text) : undefined;
    return role ? { role, fnArg: 0 } : null;
  }
  if (method === 'inspectorCommand') return { role: 'inspector_command', fnArg: 1 };
  return null;
}

/** 'mainProcessStart' and 'main_process_start' both name the event (the manager accepts both). */
export function normalizeEvent(event: string): string | undefined {
  const camel = snakeToCamel(event);
  return LISTENER_METHODS.has(camel) ? camelToSnake(camel) : undefined;
}

function docsUrl(code: RuleCode): string {
  return `${DOCS}#${code.toLowerCase()}`;
}
