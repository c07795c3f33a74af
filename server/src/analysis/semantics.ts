/**
 * Scopes, name resolution and function roles over the extracted facts. Deliberately shallow: it follows imports,
 * assignments and parameters inside one file, and says "unknown" rather than guess, so rules built on it stay precise.
 */
import { attributeWrites } from './attribute-writes';
import { WORKER_ROLE, type Dialect, type Role } from './dialect';
import { MODULE, type AssignFact, type CallFact, type Exec, type Facts, type FunctionFact, type Path, type Value } from './model';
import { UNKNOWN_VALUE, type Sym } from './symbols';

type Entry =
  | { kind: 'import'; at: number; module: string; imported: string | null }
  | { kind: 'binding'; at: number; value: Value | null; exec: Exec }
  | { kind: 'function'; at: number; id: number }
  | { kind: 'param'; at: number; fn: FunctionFact; index: number };

const MAX_DEPTH = 12;

/** A call by name of a function of this file: `main()`, `fill()`. */
export interface LocalCall {
  call: CallFact;
  target: number;
}

export class Semantics {
  readonly functions = new Map<number, FunctionFact>();
  /** The file imports the library (sanic / worker-manager): only then do unknown names called `app` count as the app. */
  readonly libraryImported: boolean;
  private readonly scopes = new Map<number, Map<string, Entry[]>>();
  private readonly wildcardModules: string[] = [];
  private readonly roles = new Map<number, Set<Role>>();
  private rolesReady = false;
  private depth = 0;
  /** Name → symbol per scope, for lookups whose answer does not depend on where in the scope they are made. */
  private readonly names = new Map<number, Map<string, Sym>>();
  /** What calling a local function or class makes, by its id (UNKNOWN while being worked out: recursion stops). */
  private readonly made = new Map<number, Sym>();
  /** Calls by name of the file's functions (and classes), in source order: the call graph the rules follow. */
  readonly localCalls: LocalCall[] = [];
  private moduleRuns: Map<number, CallFact> | undefined;
  private unguardedModuleRuns: Map<number, CallFact> | undefined;
  private allWrites: readonly AssignFact[] | undefined;

  constructor(
    readonly facts: Facts,
    readonly dialect: Dialect,
  ) {
    for (const fn of facts.functions) {
      this.functions.set(fn.id, fn);
      if (fn.name) this.add(fn.exec.scope, fn.name, { kind: 'function', at: fn.span.start, id: fn.id });
      fn.params.forEach((p, index) => this.add(fn.id, p.name, { kind: 'param', at: fn.span.start, fn, index }));
    }
    for (const imp of facts.imports) {
      if (imp.imported === '*') this.wildcardModules.push(imp.module);
      else this.add(imp.exec.scope, imp.local, { kind: 'import', at: imp.span.start, module: imp.module, imported: imp.imported });
    }
    for (const b of facts.bindings) this.add(b.exec.scope, b.name, { kind: 'binding', at: b.span.start, value: b.value, exec: b.exec });
    // Definitions of every kind (import, def, class, assignment) in source order: the nearest preceding one wins.
    for (const names of this.scopes.values()) for (const list of names.values()) if (list.length > 1) list.sort((a, b) => a.at - b.at);
    this.libraryImported = facts.imports.some((i) => dialect.libraryModules.some((m) => i.module === m || i.module.startsWith(`${m}.`)));
    for (const c of facts.calls) {
      if (c.callee.length !== 1) continue;
      const target = this.resolve(c.callee, c.exec, c.span.start);
      if (target.k === 'function') this.localCalls.push({ call: c, target: target.id });
    }
    this.computeRoles();
  }

  private add(scope: number, name: string, entry: Entry): void {
    let names = this.scopes.get(scope);
    if (!names) this.scopes.set(scope, (names = new Map()));
    const list = names.get(name);
    if (list) list.push(entry);
    else names.set(name, [entry]);
  }

  /** Every attribute write: assignments, `del` / `delete`, and calls that write by name (`setattr`, `Object.assign`). */
  writes(): readonly AssignFact[] {
    if (!this.allWrites) {
      const byCalls = attributeWrites(this.facts.calls, this.dialect, (c) => this.resolve(c.callee, c.exec, c.span.start));
      this.allWrites = byCalls.length > 0 ? [...this.facts.assigns, ...byCalls] : this.facts.assigns;
    }
    return this.allWrites;
  }

  // --- resolution ---

  /** The symbol of each prefix of `path`, as seen from `exec` at offset `at`. */
  resolvePath(path: Path, exec: Exec, at: number): Sym[] {
    const syms: Sym[] = [];
    if (path.length === 0) return syms;
    let sym = this.resolveName(path[0], exec.scope, at);
    syms.push(sym);
    for (let i = 1; i < path.length; i++) {
      sym = this.step(sym, path[i]);
      syms.push(sym);
    }
    return syms;
  }

  resolve(path: Path, exec: Exec, at: number): Sym {
    const syms = this.resolvePath(path, exec, at);
    return syms[syms.length - 1] ?? UNKNOWN_VALUE;
  }

  symOfValue(v: Value | null, exec: Exec): Sym {
    if (!v) return UNKNOWN_VALUE;
    switch (v.kind) {
      case 'path':
        return this.resolve(v.path, exec, v.span.start);
      case 'call':
        return this.resolve([...v.callee, '()'], exec, v.span.start);
      case 'function':
        return { k: 'function', id: v.fn };
      default:
        return UNKNOWN_VALUE;
    }
  }

  /** The function a value denotes (a lambda, an arrow, or a name bound to a function), if any. */
  functionOf(v: Value | undefined, exec: Exec): number | null {
    if (!v) return null;
    const sym = this.symOfValue(v, exec);
    return sym.k === 'function' ? sym.id : null;
  }

  private resolveName(name: string, scope: number, at: number): Sym {
    let inScope = this.names.get(scope);
    const hit = inScope?.get(name);
    if (hit) return hit;
    const { sym, positional } = this.lookupName(name, scope, at);
    if (!positional) {
      if (!inScope) this.names.set(scope, (inScope = new Map()));
      inScope.set(name, sym);
    }
    return sym;
  }

  /** `positional`: the scope binds the name more than once, so the answer depends on `at`. */
  private lookupName(name: string, scope: number, at: number): { sym: Sym; positional: boolean } {
    if (name === 'this' || name === 'self' || name === 'cls') return { sym: UNKNOWN_VALUE, positional: false };
    const found = this.lookupEntry(name, scope, at);
    if (found) return { sym: this.appByName(name, this.entrySym(found.entry)), positional: found.positional };
    for (const module of this.wildcardModules) {
      const sym = this.dialect.moduleMember(module, name);
      if (sym) return { sym, positional: false };
    }
    if (this.dialect.builtins.has(name)) return { sym: { k: 'builtin', name }, positional: false };
    return { sym: this.appByName(name, { k: 'unknown', origin: 'unbound' }), positional: false };
  }

  /** The definition of `name` seen from `scope` at `at`: in that scope or an enclosing one. */
  private lookupEntry(name: string, scope: number, at: number): { entry: Entry; positional: boolean } | undefined {
    let current = scope;
    let first = true;
    for (;;) {
      const fn = current === MODULE ? undefined : this.functions.get(current);
      // Python: a class body's names are not visible from the methods nested in it.
      const visible = first || !fn || fn.kind !== 'class' || this.dialect.language !== 'python';
      const entries = visible ? this.scopes.get(current)?.get(name) : undefined;
      if (entries) return { entry: pick(entries, first, at), positional: first && entries.length > 1 };
      if (current === MODULE || !fn) return undefined;
      current = fn.exec.scope;
      first = false;
    }
  }

  /** The value `name` is bound to, as seen from `exec` at `at` (`app.shared_ctx` for `ctx` after `ctx = app.shared_ctx`). */
  boundValue(name: string, exec: Exec, at: number): Value | null {
    const found = this.lookupEntry(name, exec.scope, at);
    return found?.entry.kind === 'binding' ? found.entry.value : null;
  }

  /** An unknown name spelled `app` in a file that uses the library is the app (imported from the app's module). */
  private appByName(name: string, sym: Sym): Sym {
    return sym.k === 'unknown' && sym.origin !== 'value' && name === 'app' && this.libraryImported ? { k: 'app' } : sym;
  }

  private entrySym(e: Entry): Sym {
    switch (e.kind) {
      case 'import':
        if (e.imported === null) return { k: 'module', name: e.module };
        return this.dialect.moduleMember(e.module, e.imported) ?? { k: 'unknown', origin: 'import' };
      case 'function':
        return { k: 'function', id: e.id };
      case 'param':
        return this.paramSym(e.fn, e.index);
      case 'binding': {
        // Bound by code that is not followed: it may be anything, as an import may.
        if (e.value === null) return REBOUND;
        if (this.depth > MAX_DEPTH) return UNKNOWN_VALUE;
        this.depth++;
        try {
          return this.symOfValue(e.value, e.exec);
        } finally {
          this.depth--;
        }
      }
    }
  }

  private paramSym(fn: FunctionFact, index: number): Sym {
    const p = fn.params[index];
    if (p.annotation && this.dialect.appAnnotations.has(p.annotation)) return { k: 'app' };
    if (index === 0 && this.rolesReady && [...(this.roles.get(fn.id) ?? [])].some((r) => r !== WORKER_ROLE)) return { k: 'app' };
    if (p.name === 'app') return { k: 'app' };
    return { k: 'unknown', origin: 'param' };
  }

  private step(sym: Sym, seg: string): Sym {
    if (seg === '()') {
      switch (sym.k) {
        case 'class':
          return this.dialect.construct(sym.name) ?? UNKNOWN_VALUE;
        case 'factory':
          return sym.makes;
        case 'primitive':
          return { k: 'instance', of: sym.name };
        case 'function':
          return this.callResult(sym.id);
        default:
          return UNKNOWN_VALUE;
      }
    }
    if (seg === '[]') return UNKNOWN_VALUE;
    switch (sym.k) {
      case 'module':
        return this.dialect.moduleMember(sym.name, seg) ?? { k: 'member', of: sym, name: seg };
      case 'class':
        return this.dialect.classMember(sym.name, seg) ?? { k: 'member', of: sym, name: seg };
      case 'mpContext': {
        const m = this.dialect.moduleMember('multiprocessing', seg);
        return m?.k === 'primitive' ? m : { k: 'member', of: sym, name: seg };
      }
      case 'app':
        if (seg === 'm' || seg === 'multiplexer') return { k: 'multiplexer' };
        if (seg === 'manager') return { k: 'manager' };
        if (seg === this.dialect.sharedCtx) return { k: 'sharedCtx' };
        return { k: 'member', of: sym, name: seg };
      case 'unknown':
        return this.dialect.requestCarriesApp && seg === 'app' && this.libraryImported ? { k: 'app' } : UNKNOWN_VALUE;
      default:
        return { k: 'member', of: sym, name: seg };
    }
  }

  /**
   * What calling a function or class of this file makes, when it is an app (or blueprint): an app factory
   * (`def create_app() -> Sanic`, a function returning `Sanic(...)` / `new App(...)`) or a subclass of the
   * library's class (`class MyApp(Sanic)`, `class MyApp extends App`). Anything else stays unknown.
   */
  private callResult(id: number): Sym {
    const known = this.made.get(id);
    if (known) return known;
    const fn = this.functions.get(id);
    if (!fn || this.depth > MAX_DEPTH) return UNKNOWN_VALUE;
    this.made.set(id, UNKNOWN_VALUE);
    this.depth++;
    let sym: Sym = UNKNOWN_VALUE;
    try {
      if (fn.kind === 'class') {
        for (const base of fn.bases) {
          const b = this.symOfValue(base, fn.exec);
          const made = b.k === 'class' ? this.dialect.construct(b.name) : b.k === 'function' ? this.callResult(b.id) : undefined;
          if (made && made.k !== 'unknown') {
            sym = made;
            break;
          }
        }
      } else if (fn.returnType && this.dialect.appAnnotations.has(fn.returnType)) {
        sym = { k: 'app' };
      } else if (fn.returns.length > 0 && fn.returns.every((v) => this.returnsApp(v, fn))) {
        sym = { k: 'app' };
      }
    } finally {
      this.depth--;
    }
    this.made.set(id, sym);
    return sym;
  }

  /** A returned value that is the app, not merely something handed in (`def wrap(app): return app`). */
  private returnsApp(v: Value, fn: FunctionFact): boolean {
    const root = v.kind === 'path' ? v.path[0] : v.kind === 'call' ? v.callee[0] : undefined;
    if (root !== undefined && fn.params.some((p) => p.name === root)) return false;
    return this.symOfValue(v, { scope: fn.id, moduleLevel: false, guarded: false }).k === 'app';
  }

  /** A receiver that may be the app or a blueprint: known as one, or an import/parameter in a file using the library. */
  isAppLike(sym: Sym): boolean {
    if (sym.k === 'app' || sym.k === 'blueprint') return true;
    return sym.k === 'unknown' && sym.origin !== 'value' && this.libraryImported;
  }

  // --- roles: which listener (or request handler) a function runs as ---

  /** The roles of the function a fact is in; empty when unknown (a plain helper nobody visibly registers or calls). */
  rolesOf(scope: number): ReadonlySet<Role> {
    // Roles belong to the innermost function: a nested function or a class body does not inherit its parent's.
    return (scope !== MODULE && this.roles.get(scope)) || EMPTY;
  }

  private addRole(fn: number | null, role: Role): boolean {
    if (fn === null || !this.functions.has(fn)) return false;
    let set = this.roles.get(fn);
    if (!set) this.roles.set(fn, (set = new Set()));
    if (set.has(role)) return false;
    set.add(role);
    return true;
  }

  private computeRoles(): void {
    // Decorators: `@app.main_process_start`, `@app.listener("main_process_start")`, `@app.get("/")`.
    for (const fn of this.facts.functions) {
      for (const d of fn.decorators) {
        const callee = d.kind === 'call' ? d.callee : d.kind === 'path' ? d.path : null;
        if (!callee || callee.length < 2) continue;
        const recv = this.resolve(callee.slice(0, -1), fn.exec, d.span.start);
        if (!this.isAppLike(recv)) continue;
        const reg = this.dialect.registration(callee[callee.length - 1], d.kind === 'call' ? d.args : [], d.kind === 'call' ? d.keywords : [], true);
        if (reg) this.addRole(fn.id, reg.role);
      }
    }
    // Calls: `app.register_listener(fn, "...")`, `app.mainProcessStart((app) => {...})`, `new App(name, handler)`.
    for (const c of this.facts.calls) {
      const reg = this.callRegistration(c);
      if (reg) this.addRole(this.functionOf(c.args[reg.fnArg], c.exec), reg.role);
    }
    // A helper called from a listener runs as that listener.
    const edges = this.localCalls.filter((l) => l.call.exec.scope !== MODULE);
    for (let changed = true, rounds = 0; changed && rounds < 50; rounds++) {
      changed = false;
      for (const { call, target } of edges) {
        for (const role of this.roles.get(call.exec.scope) ?? []) changed = this.addRole(target, role) || changed;
      }
    }
    this.rolesReady = true;
    // parameters of listeners resolve differently now
    this.names.clear();
    this.made.clear();
  }

  /**
   * The module-level call that runs a function when the module is imported (`fill()` at module level, or a
   * function that one calls, and so on), if any: the function's code is module-level code one call away.
   */
  moduleCallOf(scope: number): CallFact | undefined {
    if (scope === MODULE) return undefined;
    this.moduleRuns ??= this.computeModuleRuns(false);
    return this.moduleRuns.get(scope);
  }

  /** As moduleCallOf, through calls outside the main-guard only: the function runs in every worker too. */
  unguardedModuleCallOf(scope: number): CallFact | undefined {
    if (scope === MODULE) return undefined;
    this.unguardedModuleRuns ??= this.computeModuleRuns(true);
    return this.unguardedModuleRuns.get(scope);
  }

  private computeModuleRuns(unguardedOnly: boolean): Map<number, CallFact> {
    const runs = new Map<number, CallFact>();
    const callees = new Map<number, number[]>();
    const queue: number[] = [];
    for (const { call, target } of this.localCalls) {
      if (this.functions.get(target)?.kind !== 'function' || (unguardedOnly && call.exec.guarded)) continue;
      if (call.exec.moduleLevel) {
        if (!runs.has(target)) {
          runs.set(target, call);
          queue.push(target);
        }
      } else {
        const list = callees.get(call.exec.scope);
        if (list) list.push(target);
        else callees.set(call.exec.scope, [target]);
      }
    }
    // Breadth first, so each function keeps the first module-level call that reaches it.
    for (let i = 0; i < queue.length; i++) {
      const via = runs.get(queue[i])!;
      for (const target of callees.get(queue[i]) ?? []) {
        if (runs.has(target)) continue;
        runs.set(target, via);
        queue.push(target);
      }
    }
    return runs;
  }

  /** The registration a call makes, if it is one. */
  callRegistration(c: CallFact): { role: Role; fnArg: number } | null {
    if (c.callee.length === 0) return null;
    if (c.isNew || c.callee.length === 1) {
      const cls = this.resolve(c.callee, c.exec, c.span.start);
      return cls.k === 'class' ? this.dialect.constructorRegistration(cls.name) : null;
    }
    const method = c.callee[c.callee.length - 1];
    if (method === '()' || method === '[]') return null;
    // The method name decides whether this could register anything; only then is the receiver looked at.
    const reg = this.dialect.registration(method, c.args, c.keywords, false);
    if (!reg || reg.fnArg < 0) return null;
    return this.isAppLike(this.resolve(c.callee.slice(0, -1), c.exec, c.span.start)) ? reg : null;
  }
}

const EMPTY: ReadonlySet<Role> = new Set();
const REBOUND: Sym = { k: 'unknown', origin: 'rebound' };

/**
 * The definition a use at `at` sees, from definitions sorted by position: in its own scope the nearest one before
 * it; from a nested function (which runs later, once the scope has run) the last one.
 */
function pick(entries: Entry[], sameScope: boolean, at: number): Entry {
  if (entries.length === 1) return entries[0];
  if (!sameScope) return entries[entries.length - 1];
  let best = entries[0];
  for (const e of entries) {
    if (e.at >= at) break;
    best = e;
  }
  return best;
}

/** `Sanic.get_app().m.restart` for messages. */
export function displayPath(path: Path, upto = path.length): string {
  let out = '';
  for (let i = 0; i < upto; i++) {
    const seg = path[i];
    if (seg === '()' || seg === '[]') out += seg;
    else out += i === 0 ? seg : `.${seg}`;
  }
  return out;
}
