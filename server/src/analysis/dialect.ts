/**
 * What differs between Sanic (Python) and our manager (TS/JS): the library's names, how they resolve, how a
 * function gets registered as a listener, and where the docs are. The rules are written once against this.
 */
import type { Prop, Value } from './model';
import type { Sym } from './symbols';

export type Language = 'python' | 'typescript';

export type RuleCode = 'WM-D1' | 'WM-D2' | 'WM-D3' | 'WM-D4' | 'WM-D5' | 'WM-D6' | 'WM-D7';
export const RULE_CODES: readonly RuleCode[] = ['WM-D1', 'WM-D2', 'WM-D3', 'WM-D4', 'WM-D5', 'WM-D6', 'WM-D7'];

/**
 * The role a function plays at run time. Listener events use Sanic's snake_case names in both languages
 * ('main_process_start'); 'worker' covers request handlers, middleware and signals (they run in server workers).
 */
export type Role = string;
export const WORKER_ROLE: Role = 'worker';

/**
 * A call that writes an attribute by name instead of by assignment syntax: 'setattr' `(obj, key, value)`,
 * 'delattr' `(obj, key)`, 'assign' `(obj, ...sources)` (each source's properties are set on obj).
 */
export type AttributeWriter = 'setattr' | 'delattr' | 'assign';

/** How a call or decorator registers a function. */
export interface Registration {
  role: Role;
  /** Index of the registered function among the call's positional arguments; -1 for a decorator's target. */
  fnArg: number;
}

export interface Dialect {
  language: Language;
  /** Spelling of the shared context member: 'shared_ctx' / 'sharedCtx'. */
  sharedCtx: string;
  /** `request.app` is the app (Sanic hands handlers a request that carries it). */
  requestCarriesApp: boolean;
  /** The library is imported in this file: without it, names like `app` stay unknown rather than app-like. */
  libraryModules: readonly string[];
  /** A module's member: ('sanic', 'Sanic') → the Sanic class; ('multiprocessing', 'Queue') → a primitive. */
  moduleMember(module: string, name: string): Sym | undefined;
  /** A class's static member: Sanic.get_app, App.get, WorkerManager.THRESHOLD. */
  classMember(cls: string, name: string): Sym | undefined;
  /** What calling a class makes (`Sanic(...)` → app); undefined if not tracked. */
  construct(cls: string): Sym | undefined;
  /** Builtins the rules know, when the module does not shadow them (`dict`, `frozenset`; `Map`, `Uint8Array`). */
  builtins: ReadonlySet<string>;
  /**
   * The type, as the library's unsafe-object warning names it, of the plain object a call of a builtin makes
   * (`dict()` → 'dict', `new Map()` → 'Map', `String(1)` → 'string'); undefined when that depends on the
   * arguments or the call throws (`Map()` without `new`).
   */
  builtinType(name: string, isNew: boolean, argCount: number): string | undefined;
  /** The last callee segments of the calls `attributeWriter` may recognise, for a cheap first look at each call. */
  attributeWriterNames: ReadonlySet<string>;
  /** What kind of attribute write calling `callee` is (`setattr`, `Object.assign`), if it is one. */
  attributeWriter(callee: Sym): AttributeWriter | undefined;
  /** Builtins whose result the library checks item by item, as it checks a tuple (`tuple([...])`, `frozenset({...})`). */
  itemwiseBuiltins: ReadonlySet<string>;
  /** The type name of a builtin parameter annotation that marks the app (`app: Sanic`). */
  appAnnotations: ReadonlySet<string>;
  /** A call or decorator on an app-like receiver that registers a function. */
  registration(method: string, args: Value[], keywords: Prop[], asDecorator: boolean): Registration | null;
  /** A constructor argument that registers a function (`new App(name, handler)`). */
  constructorRegistration(cls: string): Registration | null;
  /** 'main_process_start' in the user's spelling: itself, or 'mainProcessStart'. */
  eventName(role: Role): string;
  /** A link for codeDescription.href. */
  docsUrl(code: RuleCode, topic?: string): string;
}

export function snakeToCamel(s: string): string {
  return s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

export function camelToSnake(s: string): string {
  return s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
