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
  | { kind: 'literal'; type: string; span: Span; props?: Prop[]; text?: string }
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
}

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

const shiftSpan = (s: Span, d: number): Span => ({ start: s.start + d, end: s.end + d });
const shiftScope = (scope: number, d: number): number => (scope === MODULE ? MODULE : scope + d);
const shiftExec = (e: Exec, d: number): Exec => ({ ...e, scope: shiftScope(e.scope, d) });
const shiftStmt = (s: StatementRef | null, d: number): StatementRef | null => (s ? { ...s, span: shiftSpan(s.span, d) } : null);
const shiftProps = (props: Prop[], d: number): Prop[] =>
  props.map((p) => ({ name: p.name, nameSpan: shiftSpan(p.nameSpan, d), value: shiftValue(p.value, d) }));

export function shiftValue(v: Value, d: number): Value {
  switch (v.kind) {
    case 'path':
      return { ...v, spans: v.spans.map((s) => shiftSpan(s, d)), span: shiftSpan(v.span, d) };
    case 'call':
      return {
        ...v,
        calleeSpans: v.calleeSpans.map((s) => shiftSpan(s, d)),
        args: v.args.map((a) => shiftValue(a, d)),
        keywords: shiftProps(v.keywords, d),
        span: shiftSpan(v.span, d),
      };
    case 'literal':
      return { ...v, span: shiftSpan(v.span, d), props: v.props && shiftProps(v.props, d) };
    case 'sequence':
      return { ...v, items: v.items.map((i) => shiftValue(i, d)), span: shiftSpan(v.span, d) };
    case 'function':
      return { ...v, fn: v.fn + d, span: shiftSpan(v.span, d) };
    case 'other':
      return { ...v, span: shiftSpan(v.span, d) };
  }
}

/** The same facts `d` UTF-16 units further on. */
export function shiftFacts(f: Facts, d: number): Facts {
  if (d === 0) return f;
  return {
    imports: f.imports.map((i) => ({ ...i, exec: shiftExec(i.exec, d), span: shiftSpan(i.span, d) })),
    bindings: f.bindings.map((b) => ({ ...b, exec: shiftExec(b.exec, d), value: b.value && shiftValue(b.value, d), span: shiftSpan(b.span, d) })),
    functions: f.functions.map((fn) => ({
      ...fn,
      id: fn.id + d,
      exec: shiftExec(fn.exec, d),
      span: shiftSpan(fn.span, d),
      body: shiftSpan(fn.body, d),
      decorators: fn.decorators.map((v) => shiftValue(v, d)),
    })),
    calls: f.calls.map((c) => ({
      ...c,
      exec: shiftExec(c.exec, d),
      calleeSpans: c.calleeSpans.map((s) => shiftSpan(s, d)),
      span: shiftSpan(c.span, d),
      args: c.args.map((a) => shiftValue(a, d)),
      keywords: shiftProps(c.keywords, d),
      stmt: shiftStmt(c.stmt, d),
    })),
    assigns: f.assigns.map((a) => ({
      ...a,
      exec: shiftExec(a.exec, d),
      targetSpans: a.targetSpans.map((s) => shiftSpan(s, d)),
      span: shiftSpan(a.span, d),
      value: a.value && shiftValue(a.value, d),
      stmt: shiftStmt(a.stmt, d),
    })),
    refs: f.refs.map((r) => ({ ...r, exec: shiftExec(r.exec, d), spans: r.spans.map((s) => shiftSpan(s, d)), span: shiftSpan(r.span, d) })),
  };
}
