/**
 * The facts a front-end (python/, typescript/) extracts from a syntax tree: plain data with UTF-16 offsets, no
 * reference to the tree, so the rules run the same way for both languages and facts can be cached between edits.
 */

export interface Span {
  start: number;
  end: number;
}

/** The scope of the module itself; every other scope is the id (start offset) of a function or class. */
export const MODULE = -1;

/**
 * A name followed by member accesses, e.g. `request.app.m.restart` is ['request', 'app', 'm', 'restart'].
 * A call in the chain is the segment '()' (`Sanic.get_app().m` is ['Sanic', 'get_app', '()', 'm']), any other
 * subscript '[]'. `import.meta` is one segment.
 */
export type Path = readonly string[];

/** Where a piece of code runs. */
export interface Exec {
  /** The function or class it is in, or MODULE. */
  scope: number;
  /** Runs when the module is imported: not inside a function body (class bodies and decorators do run). */
  moduleLevel: boolean;
  /** Inside a main-guard (`if __name__ == "__main__":`, `if (require.main === module)`, ...). */
  guarded: boolean;
}

/** What an expression is, as far as the rules care. */
export type Value =
  | { kind: 'path'; path: Path; spans: Span[]; span: Span }
  | CallValue
  /**
   * `items`: a list or set literal's elements (Sanic checks each item of `tuple([...])`, `frozenset({...})`).
   * `spreads`: an object literal's spread members (`...defaults`); `unnamed`: the members neither they nor `props`
   * name (computed keys, accessors).
   */
  | { kind: 'literal'; type: string; span: Span; props?: Prop[]; spreads?: Value[]; unnamed?: Span[]; text?: string; items?: Value[] }
  | { kind: 'sequence'; type: 'tuple' | 'frozenset'; items: Value[]; span: Span }
  | { kind: 'function'; fn: number; span: Span }
  | { kind: 'other'; span: Span };

export interface CallValue {
  kind: 'call';
  callee: Path;
  calleeSpans: Span[];
  isNew: boolean;
  args: Value[];
  /** Python keyword arguments. */
  keywords: Prop[];
  span: Span;
}

/** A keyword argument (Python) or an object-literal property (TS). */
export interface Prop {
  name: string;
  nameSpan: Span;
  value: Value;
}

/** The statement a fact sits in, for fixes that wrap or move it. */
export interface StatementRef {
  span: Span;
  /** A direct child of the module (not nested in a block). */
  topLevel: boolean;
  /** The statement is nothing but this fact (`app.run()`, `app.shared_ctx.q = Queue()`), so it can move whole. */
  sole: boolean;
}

export interface CallFact {
  exec: Exec;
  callee: Path;
  /** One span per callee segment ('()' segments span their argument list). */
  calleeSpans: Span[];
  span: Span;
  isNew: boolean;
  args: Value[];
  /** Python keyword arguments, in order. */
  keywords: Prop[];
  /** Arguments are spread (`*args`, `**kwargs`, `...rest`): unknown arguments may be passed. */
  spread: boolean;
  /** Its result is awaited on the spot (`await app.run()`): what follows runs only once it settles. */
  awaited: boolean;
  stmt: StatementRef | null;
}

export interface AssignFact {
  exec: Exec;
  target: Path;
  targetSpans: Span[];
  span: Span;
  /** Null for augmented assignment, `++`, `delete`. */
  value: Value | null;
  op: 'assign' | 'update' | 'delete';
  stmt: StatementRef | null;
}

/** A name bound to a value in a scope: `app = Sanic("x")`, `const app = new App(...)`. */
export interface BindingFact {
  exec: Exec;
  name: string;
  /** Null when bound by code that is not followed (`a, b = f()`, `x += 1`, a loop variable, `const { a } = o`). */
  value: Value | null;
  span: Span;
}

export interface ImportFact {
  exec: Exec;
  /** 'sanic', 'sanic.worker.manager', 'multiprocessing', 'worker-manager'. */
  module: string;
  /** The imported member; null binds the module itself (`import sanic`, `import * as wm`), '*' is a wildcard. */
  imported: string | null;
  local: string;
  span: Span;
}

export interface FunctionFact {
  id: number;
  kind: 'function' | 'class';
  exec: Exec;
  /** `def name`, `function name`, or the variable an arrow function is assigned to. */
  name: string | null;
  params: Param[];
  span: Span;
  /** The body: a block, or an expression for lambdas and expression-bodied arrows. */
  body: Span;
  /** The body is a block of statements (fixes can insert into it). */
  blockBody: boolean;
  /** Python decorators, outermost first. */
  decorators: Value[];
  /** The return type annotation's last name (`-> Sanic`, `(): App`). */
  returnType: string | null;
  /** The values it returns: of its `return` statements, or a lambda's / an arrow's expression body. */
  returns: Value[];
  /** A class's base classes (`class MyApp(Sanic)`, `class MyApp extends App`). */
  bases: Value[];
  /** How a block body ends, for fixes that add statements at its end. */
  ending: BodyEnding;
}

/**
 * 'open': control reaches the end of the body. 'exit': it leaves only through its last statement, a `return`,
 * `raise` or `throw` at `stmt`. 'closed': anything else (an early return, an endless loop): code added at the end
 * might not run.
 */
export type BodyEnding = { kind: 'open' } | { kind: 'exit'; stmt: Span } | { kind: 'closed' };

export interface Param {
  name: string;
  /** The annotation's last name (`app: Sanic` gives 'Sanic'). */
  annotation: string | null;
}

/** A member chain worth resolving on its own (for unknown-name checks and hover), e.g. `print(app.m.nmae)`. */
export interface RefFact {
  exec: Exec;
  path: Path;
  spans: Span[];
  span: Span;
}

export interface Facts {
  imports: ImportFact[];
  bindings: BindingFact[];
  functions: FunctionFact[];
  calls: CallFact[];
  assigns: AssignFact[];
  refs: RefFact[];
}

export function emptyFacts(): Facts {
  return { imports: [], bindings: [], functions: [], calls: [], assigns: [], refs: [] };
}

export function appendFacts(into: Facts, from: Facts): void {
  into.imports.push(...from.imports);
  into.bindings.push(...from.bindings);
  into.functions.push(...from.functions);
  into.calls.push(...from.calls);
  into.assigns.push(...from.assigns);
  into.refs.push(...from.refs);
}

// --- moving facts: a statement reused from the cache sits at another offset after an edit above it ---

/**
 * Moves the facts of one statement `d` UTF-16 units, in place (no copies: on a big file most statements move
 * after every edit, and copying them all is what would cost). Spans shared between facts move once.
 */
export function shiftFacts(f: Facts, d: number): void {
  if (d === 0) return;
  const seen = new Set<object>();
  const span = (s: Span): void => {
    if (seen.has(s)) return;
    seen.add(s);
    s.start += d;
    s.end += d;
  };
  const exec = (e: Exec): void => {
    if (seen.has(e)) return;
    seen.add(e);
    if (e.scope !== MODULE) e.scope += d;
  };
  const props = (ps: Prop[]): void => {
    for (const p of ps) {
      span(p.nameSpan);
      value(p.value);
    }
  };
  const value = (v: Value): void => {
    span(v.span);
    switch (v.kind) {
      case 'path':
        v.spans.forEach(span);
        break;
      case 'call':
        v.calleeSpans.forEach(span);
        v.args.forEach(value);
        props(v.keywords);
        break;
      case 'literal':
        if (v.props) props(v.props);
        v.spreads?.forEach(value);
        v.unnamed?.forEach(span);
        v.items?.forEach(value);
        break;
      case 'sequence':
        v.items.forEach(value);
        break;
      case 'function':
        v.fn += d;
        break;
    }
  };
  for (const i of f.imports) {
    exec(i.exec);
    span(i.span);
  }
  for (const b of f.bindings) {
    exec(b.exec);
    span(b.span);
    if (b.value) value(b.value);
  }
  for (const fn of f.functions) {
    fn.id += d;
    exec(fn.exec);
    span(fn.span);
    span(fn.body);
    fn.decorators.forEach(value);
    fn.returns.forEach(value);
    fn.bases.forEach(value);
    if (fn.ending.kind === 'exit') span(fn.ending.stmt);
  }
  for (const c of f.calls) {
    exec(c.exec);
    c.calleeSpans.forEach(span);
    span(c.span);
    c.args.forEach(value);
    props(c.keywords);
    if (c.stmt) span(c.stmt.span);
  }
  for (const a of f.assigns) {
    exec(a.exec);
    a.targetSpans.forEach(span);
    span(a.span);
    if (a.value) value(a.value);
    if (a.stmt) span(a.stmt.span);
  }
  for (const r of f.refs) {
    exec(r.exec);
    r.spans.forEach(span);
    span(r.span);
  }
}
