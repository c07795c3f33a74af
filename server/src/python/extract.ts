/**
 * Python syntax tree → facts. The tree is walked with a cursor (cheap across the wasm boundary); nodes are only
 * materialised where a fact is made. Top-level statements are cached by their text, so after an edit only the
 * statements that changed are walked again.
 */
import type { Node, Tree, TreeCursor } from 'web-tree-sitter';
import {
  MODULE,
  appendFacts,
  emptyFacts,
  shiftFacts,
  type BodyEnding,
  type Exec,
  type Facts,
  type FunctionFact,
  type Param,
  type Prop,
  type Span,
  type StatementRef,
  type Value,
} from '../analysis/model';
import { isWatchedRef } from '../analysis/watched';
import { binaryType, comparisonType, eitherType, unaryType } from './operators';

/** Deeper nesting than this is not looked into (it is never worker-manager code, and recursion must stay bounded). */
const MAX_DEPTH = 400;

interface Ctx extends Exec {
  stmt: StatementRef | null;
  /** Span of the statement's only expression: a fact with this span is the whole statement. */
  soleSpan: Span | null;
}

/** Node types that never contain code we look at. */
const LEAVES = new Set(['identifier', 'integer', 'float', 'true', 'false', 'none', 'comment', 'string_content', 'escape_sequence', 'pass_statement', 'break_statement', 'continue_statement']);

const span = (n: Node): Span => ({ start: n.startIndex, end: n.endIndex });

interface CacheEntry {
  start: number;
  facts: Facts;
}

/** Extracts facts from a module, reusing the facts of top-level statements whose text did not change. */
export class PythonExtractor {
  private cache = new Map<string, CacheEntry>();

  extract(tree: Tree, text: string): Facts {
    const next = new Map<string, CacheEntry>();
    const facts = emptyFacts();
    for (const child of tree.rootNode.children) {
      if (!child) continue;
      const start = child.startIndex;
      const key = text.slice(start, child.endIndex);
      // A cached statement's facts are moved in place, so each can serve one statement (a duplicate is walked again).
      const cached = next.has(key) ? undefined : this.cache.get(key);
      let own: Facts;
      if (cached) {
        own = cached.facts;
        shiftFacts(own, start - cached.start);
      } else {
        own = extractStatement(child);
        // A statement with a syntax error may parse differently once its neighbours change: do not keep it.
        if (child.hasError) {
          appendFacts(facts, own);
          continue;
        }
      }
      if (!next.has(key)) next.set(key, { start, facts: own });
      appendFacts(facts, own);
    }
    this.cache = next;
    return facts;
  }
}

/** Facts of one statement of the module (or the whole module, for one-off analyses). */
export function extractStatement(node: Node): Facts {
  const w = new Walker();
  const ctx: Ctx = { scope: MODULE, moduleLevel: true, guarded: false, stmt: null, soleSpan: null };
  w.statement(node, ctx, true);
  return w.facts;
}

class Walker {
  readonly facts = emptyFacts();
  /** Nesting depth of the walk (contexts are only copied where they change, not per node). */
  private depth = 0;
  /** The `return` / `raise` statements of each function walked, and the values returned. */
  private readonly exits = new Map<number, { spans: Span[]; values: Value[] }>();

  /** A statement: remembers it for fixes, then walks it. */
  statement(node: Node, ctx: Ctx, topLevel: boolean): void {
    const type = node.type;
    if (type === 'comment') return;
    const stmt: StatementRef = { span: span(node), topLevel, sole: false };
    let soleSpan: Span | null = null;
    if (type === 'expression_statement' && node.namedChildCount === 1) soleSpan = span(node.namedChildren[0]!);
    this.node(node, { ...ctx, stmt, soleSpan });
  }

  private stmtFor(ctx: Ctx, s: Span): StatementRef | null {
    if (!ctx.stmt) return null;
    const sole = !!ctx.soleSpan && ctx.soleSpan.start === s.start && ctx.soleSpan.end === s.end;
    return sole ? { ...ctx.stmt, sole } : ctx.stmt;
  }

  /** Walks the children of `node` with a cursor, handling the ones that make facts. */
  private children(node: Node, ctx: Ctx): void {
    if (this.depth > MAX_DEPTH || node.childCount === 0) return;
    const cursor = node.walk();
    try {
      if (cursor.gotoFirstChild()) {
        do this.visit(cursor, ctx);
        while (cursor.gotoNextSibling());
      }
    } finally {
      cursor.delete();
    }
  }

  private visit(cursor: TreeCursor, ctx: Ctx): void {
    const type = cursor.nodeType;
    if (LEAVES.has(type)) return;
    if (HANDLED.has(type) || type.endsWith('_statement') || type === 'block' || type === 'decorated_definition') {
      this.node(cursor.currentNode, ctx);
      return;
    }
    if (this.depth > MAX_DEPTH) return;
    if (cursor.gotoFirstChild()) {
      this.depth++;
      do this.visit(cursor, ctx);
      while (cursor.gotoNextSibling());
      this.depth--;
      cursor.gotoParent();
    }
  }

  node(node: Node, ctx: Ctx): void {
    if (this.depth > MAX_DEPTH) return;
    this.depth++;
    this.dispatch(node, ctx);
    this.depth--;
  }

  private dispatch(node: Node, ctx: Ctx): void {
    switch (node.type) {
      case 'block':
      case 'module':
        for (const child of node.namedChildren) if (child) this.statement(child, ctx, false);
        return;
      case 'call':
        return this.call(node, ctx);
      case 'attribute':
        return this.ref(node, ctx);
      case 'assignment':
        return this.assignment(node, ctx);
      case 'augmented_assignment':
        return this.update(node, ctx);
      case 'decorated_definition':
        return this.decorated(node, ctx);
      case 'function_definition':
        return this.functionDef(node, [], node, ctx);
      case 'class_definition':
        return this.classDef(node, [], node, ctx);
      case 'lambda':
        this.lambda(node, ctx);
        return;
      case 'import_statement':
        return this.importStatement(node, ctx);
      case 'import_from_statement':
        return this.importFrom(node, ctx);
      case 'if_statement':
        return this.ifStatement(node, ctx);
      case 'conditional_expression':
        return this.conditional(node, ctx);
      case 'boolean_operator':
        return this.booleanOperator(node, ctx);
      case 'match_statement':
        return this.matchStatement(node, ctx);
      case 'for_statement':
        this.rebind(node.childForFieldName('left'), ctx);
        return this.children(node, ctx);
      case 'return_statement':
      case 'raise_statement':
        this.exit(node, ctx);
        return this.children(node, ctx);
      case 'delete_statement':
        return this.deleteStatement(node, ctx);
      default:
        this.children(node, ctx);
    }
  }

  // --- expressions ---

  private call(node: Node, ctx: Ctx): void {
    const fn = node.childForFieldName('function');
    const argsNode = node.childForFieldName('arguments');
    // `(lambda: app.run())()` runs its body right here.
    const immediate = fn ? unwrap(fn) : null;
    if (immediate?.type === 'lambda') {
      this.lambda(immediate, ctx, true);
      if (argsNode) this.children(argsNode, ctx);
      return;
    }
    const chain = fn ? pathOf(fn) : null;
    const { args, keywords, spread } = argsNode ? this.argumentsOf(argsNode) : { args: [], keywords: [], spread: false };
    if (chain && argsNode) {
      this.facts.calls.push({
        exec: execOf(ctx),
        callee: chain.path,
        calleeSpans: chain.spans,
        span: span(node),
        isNew: false,
        args,
        keywords,
        spread,
        awaited: node.parent?.type === 'await',
        stmt: this.stmtFor(ctx, span(node)),
      });
    }
    if (fn) this.chainInner(fn, ctx);
    if (argsNode) this.children(argsNode, ctx);
  }

  private argumentsOf(argsNode: Node): { args: Value[]; keywords: Prop[]; spread: boolean } {
    const args: Value[] = [];
    const keywords: Prop[] = [];
    let spread = false;
    if (argsNode.type !== 'argument_list') return { args: [valueOf(argsNode)], keywords, spread };
    for (const a of argsNode.namedChildren) {
      if (!a || a.type === 'comment') continue;
      if (a.type === 'keyword_argument') {
        const name = a.childForFieldName('name');
        const value = a.childForFieldName('value');
        if (name && value) keywords.push({ name: name.text, nameSpan: span(name), value: valueOf(value) });
      } else if (a.type === 'list_splat' || a.type === 'dictionary_splat') {
        spread = true;
      } else {
        args.push(valueOf(a));
      }
    }
    return { args, keywords, spread };
  }

  /** A member chain read on its own (`print(app.m.name)`). */
  private ref(node: Node, ctx: Ctx): void {
    const chain = pathOf(node);
    if (chain && isWatchedRef(chain.path)) this.facts.refs.push({ exec: execOf(ctx), path: chain.path, spans: chain.spans, span: span(node) });
    this.chainInner(node, ctx);
  }

  /** The parts of a member chain that are code of their own: calls inside it, subscript indexes, other objects. */
  private chainInner(node: Node, ctx: Ctx): void {
    let n: Node | null = node;
    for (let guard = 0; n && guard < MAX_DEPTH; guard++) {
      if (n.type === 'attribute') n = n.childForFieldName('object');
      else if (n.type === 'identifier') return;
      else if (n.type === 'call') return this.call(n, ctx);
      else if (n.type === 'subscript') {
        for (const s of n.childrenForFieldName('subscript')) if (s) this.node(s, ctx);
        n = n.childForFieldName('value');
      } else return this.node(n, ctx);
    }
  }

  private assignment(node: Node, ctx: Ctx): void {
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    // a = b = value: the inner assignment handles `b` (and the value); every target gets the innermost value.
    let value = right;
    while (value && value.type === 'assignment') value = value.childForFieldName('right');
    // `x: int` alone (an annotation) binds nothing.
    if (left && right) this.target(left, value, ctx, node);
    if (right) this.node(right, ctx);
  }

  private target(left: Node, value: Node | null, ctx: Ctx, whole: Node): void {
    if (left.type === 'identifier') {
      this.facts.bindings.push({ exec: execOf(ctx), name: left.text, value: value ? valueOf(value) : null, span: span(left) });
      return;
    }
    if (left.type === 'attribute' || left.type === 'subscript') {
      const chain = pathOf(left);
      if (chain) {
        this.facts.assigns.push({
          exec: execOf(ctx),
          target: chain.path,
          targetSpans: chain.spans,
          span: span(left),
          value: value ? valueOf(value) : null,
          op: 'assign',
          stmt: this.stmtFor(ctx, span(whole)),
        });
      }
      this.chainInner(left, ctx);
      return;
    }
    if (left.type === 'pattern_list' || left.type === 'tuple_pattern' || left.type === 'list_pattern') {
      const targets = left.namedChildren.filter((n): n is Node => !!n && n.type !== 'comment');
      const source = value ? unwrap(value) : null;
      const values =
        source && (source.type === 'expression_list' || source.type === 'tuple' || source.type === 'list') ? source.namedChildren.filter((n): n is Node => !!n && n.type !== 'comment') : null;
      // Item by item only when the counts match and no `*items` shifts them.
      const matched = values && values.length === targets.length && !values.some((v) => v.type === 'list_splat') ? values : null;
      targets.forEach((t, i) => this.target(t, matched && t.type !== 'list_splat_pattern' ? matched[i] : null, ctx, whole));
      return;
    }
    // `first, *app.shared_ctx.rest = items`: the starred target gets a list of what is left.
    if (left.type === 'list_splat_pattern') {
      const inner = left.namedChildren.find((n) => n && n.type !== 'comment');
      if (inner) this.target(inner, null, ctx, whole);
    }
  }

  /** `del request.app.shared_ctx.x, other[1]` */
  private deleteStatement(node: Node, ctx: Ctx): void {
    for (const child of node.namedChildren) {
      if (!child) continue;
      const targets = child.type === 'expression_list' ? child.namedChildren : [child];
      for (const t of targets) {
        if (!t || (t.type !== 'attribute' && t.type !== 'subscript')) continue;
        const chain = pathOf(t);
        if (chain) {
          this.facts.assigns.push({ exec: execOf(ctx), target: chain.path, targetSpans: chain.spans, span: span(t), value: null, op: 'delete', stmt: this.stmtFor(ctx, span(node)) });
        }
        this.chainInner(t, ctx);
      }
    }
  }

  /** Names bound by code whose value is not followed: a loop variable, `x += 1`. */
  private rebind(target: Node | null, ctx: Ctx, depth = 0): void {
    if (!target || depth > 20) return;
    if (target.type === 'identifier') {
      this.facts.bindings.push({ exec: execOf(ctx), name: target.text, value: null, span: span(target) });
    } else if (target.type === 'pattern_list' || target.type === 'tuple_pattern' || target.type === 'list_pattern' || target.type === 'list_splat_pattern') {
      for (const t of target.namedChildren) this.rebind(t, ctx, depth + 1);
    }
  }

  private exit(node: Node, ctx: Ctx): void {
    if (ctx.scope === MODULE) return;
    let e = this.exits.get(ctx.scope);
    if (!e) this.exits.set(ctx.scope, (e = { spans: [], values: [] }));
    e.spans.push(span(node));
    const value = node.type === 'return_statement' ? node.namedChildren.find((c) => c && c.type !== 'comment') : null;
    if (value) e.values.push(valueOf(value));
  }

  private update(node: Node, ctx: Ctx): void {
    const left = node.childForFieldName('left');
    if (left?.type === 'identifier') this.rebind(left, ctx);
    if (left && (left.type === 'attribute' || left.type === 'subscript')) {
      const chain = pathOf(left);
      if (chain) {
        this.facts.assigns.push({
          exec: execOf(ctx),
          target: chain.path,
          targetSpans: chain.spans,
          span: span(left),
          value: null,
          op: 'update',
          stmt: this.stmtFor(ctx, span(node)),
        });
      }
      this.chainInner(left, ctx);
    }
    const right = node.childForFieldName('right');
    if (right) this.node(right, ctx);
  }

  // --- definitions ---

  private decorated(node: Node, ctx: Ctx): void {
    const decorators: Value[] = [];
    for (const d of node.namedChildren) {
      if (!d || d.type !== 'decorator') continue;
      const expr = d.namedChildren.find((c) => c && c.type !== 'comment');
      if (!expr) continue;
      decorators.push(valueOf(expr));
      this.node(expr, ctx); // decorators run at definition time, in the enclosing scope
    }
    const def = node.childForFieldName('definition');
    if (!def) return;
    if (def.type === 'function_definition') this.functionDef(def, decorators, node, ctx);
    else if (def.type === 'class_definition') this.classDef(def, decorators, node, ctx);
  }

  private functionDef(def: Node, decorators: Value[], whole: Node, ctx: Ctx): void {
    const id = def.startIndex;
    const paramsNode = def.childForFieldName('parameters');
    const body = def.childForFieldName('body');
    const params = paramsNode ? this.params(paramsNode, ctx) : [];
    const returnType = def.childForFieldName('return_type');
    const fact: FunctionFact = {
      id,
      kind: 'function',
      exec: execOf(ctx),
      name: def.childForFieldName('name')?.text ?? null,
      params,
      span: span(whole),
      body: body ? span(body) : span(def),
      blockBody: !!body && body.type === 'block' && body.startPosition.row > def.startPosition.row,
      decorators,
      returnType: returnType ? annotationName(returnType.text) : null,
      returns: [],
      bases: [],
      ending: { kind: 'open' },
    };
    this.facts.functions.push(fact);
    if (!body) return;
    this.node(body, { scope: id, moduleLevel: false, guarded: false, stmt: null, soleSpan: null });
    const exits = this.exits.get(id);
    fact.returns = exits?.values ?? [];
    if (body.type === 'block') fact.ending = endingOf(body, exits?.spans ?? []);
  }

  private classDef(def: Node, decorators: Value[], whole: Node, ctx: Ctx): void {
    const id = def.startIndex;
    const body = def.childForFieldName('body');
    this.facts.functions.push({
      id,
      kind: 'class',
      exec: execOf(ctx),
      name: def.childForFieldName('name')?.text ?? null,
      params: [],
      span: span(whole),
      body: body ? span(body) : span(def),
      blockBody: false,
      decorators,
      returnType: null,
      returns: [],
      bases: basesOf(def.childForFieldName('superclasses')),
      ending: { kind: 'open' },
    });
    const supers = def.childForFieldName('superclasses');
    if (supers) this.children(supers, ctx);
    // A class body runs when the class statement runs.
    if (body) this.node(body, { ...ctx, scope: id, stmt: null, soleSpan: null });
  }

  /**
   * A lambda: its own scope; returns its id for the value that holds it. One called on the spot (`runsNow`) runs
   * where it stands: at module level, its body is module-level code.
   */
  private lambda(node: Node, ctx: Ctx, runsNow = false): number {
    const id = node.startIndex;
    const paramsNode = node.childForFieldName('parameters');
    const body = node.childForFieldName('body');
    this.facts.functions.push({
      id,
      kind: 'function',
      exec: execOf(ctx),
      name: null,
      params: paramsNode ? this.params(paramsNode, ctx) : [],
      span: span(node),
      body: body ? span(body) : span(node),
      blockBody: false,
      decorators: [],
      returnType: null,
      returns: body ? [valueOf(body)] : [],
      bases: [],
      ending: { kind: 'open' },
    });
    const inner: Ctx = runsNow ? { ...ctx, scope: id, soleSpan: null } : { scope: id, moduleLevel: false, guarded: false, stmt: null, soleSpan: null };
    if (body) this.node(body, inner);
    return id;
  }

  private params(paramsNode: Node, ctx: Ctx): Param[] {
    const out: Param[] = [];
    for (const p of paramsNode.namedChildren) {
      if (!p) continue;
      let nameNode: Node | null = null;
      let typeNode: Node | null = null;
      switch (p.type) {
        case 'identifier':
          nameNode = p;
          break;
        case 'typed_parameter':
          nameNode = p.namedChildren.find((c) => c?.type === 'identifier') ?? null;
          typeNode = p.childForFieldName('type');
          break;
        case 'default_parameter':
        case 'typed_default_parameter': {
          nameNode = p.childForFieldName('name');
          typeNode = p.childForFieldName('type');
          const value = p.childForFieldName('value');
          if (value) this.node(value, ctx); // defaults are evaluated where the function is defined
          break;
        }
        default:
          continue; // *args, **kwargs, / and * markers
      }
      if (nameNode) out.push({ name: nameNode.text, annotation: typeNode ? annotationName(typeNode.text) : null });
    }
    return out;
  }

  // --- imports ---

  private importStatement(node: Node, ctx: Ctx): void {
    for (const n of node.childrenForFieldName('name')) {
      if (!n) continue;
      if (n.type === 'dotted_name') {
        // `import sanic.worker.manager` binds `sanic`
        const first = n.namedChildren[0]?.text;
        if (first) this.facts.imports.push({ exec: execOf(ctx), module: first, imported: null, local: first, span: span(n) });
      } else if (n.type === 'aliased_import') {
        const name = n.childForFieldName('name');
        const alias = n.childForFieldName('alias');
        if (name && alias) this.facts.imports.push({ exec: execOf(ctx), module: dotted(name), imported: null, local: alias.text, span: span(n) });
      }
    }
  }

  private importFrom(node: Node, ctx: Ctx): void {
    const moduleNode = node.childForFieldName('module_name');
    if (!moduleNode) return;
    const module = moduleNode.type === 'dotted_name' ? dotted(moduleNode) : moduleNode.text;
    if (node.namedChildren.some((c) => c?.type === 'wildcard_import')) {
      this.facts.imports.push({ exec: execOf(ctx), module, imported: '*', local: '*', span: span(node) });
      return;
    }
    for (const n of node.childrenForFieldName('name')) {
      if (!n) continue;
      if (n.type === 'dotted_name') {
        this.facts.imports.push({ exec: execOf(ctx), module, imported: dotted(n), local: dotted(n), span: span(n) });
      } else if (n.type === 'aliased_import') {
        const name = n.childForFieldName('name');
        const alias = n.childForFieldName('alias');
        if (name && alias) this.facts.imports.push({ exec: execOf(ctx), module, imported: dotted(name), local: alias.text, span: span(n) });
      }
    }
  }

  // --- the main-guard ---

  private ifStatement(node: Node, ctx: Ctx): void {
    const condition = node.childForFieldName('condition');
    if (condition) this.node(condition, ctx);
    const body = node.childForFieldName('consequence');
    if (body) this.node(body, { ...ctx, guarded: ctx.guarded || (!!condition && impliesMain(condition)) });
    // Reaching an elif/else means every earlier condition was false.
    let earlierFalseMeansMain = !!condition && falseImpliesMain(condition);
    for (const alt of node.childrenForFieldName('alternative')) {
      if (!alt) continue;
      if (alt.type === 'elif_clause') {
        const c = alt.childForFieldName('condition');
        if (c) this.node(c, { ...ctx, guarded: ctx.guarded || earlierFalseMeansMain });
        const b = alt.childForFieldName('consequence');
        if (b) this.node(b, { ...ctx, guarded: ctx.guarded || earlierFalseMeansMain || (!!c && impliesMain(c)) });
        earlierFalseMeansMain ||= !!c && falseImpliesMain(c);
      } else {
        const b = alt.childForFieldName('body');
        if (b) this.node(b, { ...ctx, guarded: ctx.guarded || earlierFalseMeansMain });
      }
    }
  }

  /** `app.run() if __name__ == "__main__" else None` */
  private conditional(node: Node, ctx: Ctx): void {
    const [whenTrue, condition, whenFalse] = node.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
    if (!condition) return this.children(node, ctx);
    this.node(condition, ctx);
    this.node(whenTrue, { ...ctx, guarded: ctx.guarded || impliesMain(condition) });
    if (whenFalse) this.node(whenFalse, { ...ctx, guarded: ctx.guarded || falseImpliesMain(condition) });
  }

  /** `__name__ == "__main__" and app.run()`, `__name__ != "__main__" or app.run()` */
  private booleanOperator(node: Node, ctx: Ctx): void {
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    if (!left || !right) return this.children(node, ctx);
    const op = node.childForFieldName('operator')?.type;
    const guards = op === 'and' ? impliesMain(left) : op === 'or' && falseImpliesMain(left);
    this.node(left, ctx);
    this.node(right, guards ? { ...ctx, guarded: true } : ctx);
  }

  /** `match __name__:` with `case "__main__":` */
  private matchStatement(node: Node, ctx: Ctx): void {
    const subject = node.childForFieldName('subject');
    if (subject) this.node(subject, ctx);
    const onName = !!subject && isName(unwrap(subject), '__name__') && node.childrenForFieldName('subject').length === 1;
    for (const clause of node.childForFieldName('body')?.namedChildren ?? []) {
      if (!clause) continue;
      if (clause.type !== 'case_clause') {
        this.node(clause, ctx);
        continue;
      }
      const patterns = clause.namedChildren.filter((c): c is Node => c?.type === 'case_pattern');
      const guard = clause.childForFieldName('guard');
      if (guard) this.node(guard, ctx);
      const consequence = clause.childForFieldName('consequence');
      const main = onName && patterns.length === 1 && matchesOnlyMain(patterns[0]);
      if (consequence) this.node(consequence, main ? { ...ctx, guarded: true } : ctx);
    }
  }
}

const HANDLED = new Set([
  'call', 'attribute', 'assignment', 'augmented_assignment', 'function_definition', 'class_definition', 'lambda', 'block',
  'conditional_expression', 'boolean_operator',
]);

function execOf(ctx: Ctx): Exec {
  return { scope: ctx.scope, moduleLevel: ctx.moduleLevel, guarded: ctx.guarded };
}

/** `class MyApp(Sanic, metaclass=M)` → [Sanic] */
function basesOf(supers: Node | null): Value[] {
  if (!supers || supers.type !== 'argument_list') return [];
  return supers.namedChildren.filter((c): c is Node => !!c && (c.type === 'identifier' || c.type === 'attribute')).map((c) => valueOf(c));
}

/** How a function's block ends, given its `return` / `raise` statements. */
function endingOf(block: Node, exits: Span[]): BodyEnding {
  const stmts = block.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
  const last = stmts[stmts.length - 1];
  if (!last) return { kind: 'open' };
  if (exits.length === 0) return endless(last) ? { kind: 'closed' } : { kind: 'open' };
  const exitsLast = (last.type === 'return_statement' || last.type === 'raise_statement') && exits.length === 1 && exits[0].start === last.startIndex;
  return exitsLast ? { kind: 'exit', stmt: span(last) } : { kind: 'closed' };
}

/** `while True:` (a `break` may leave it, but the end is not simply reached). */
function endless(stmt: Node): boolean {
  if (stmt.type !== 'while_statement') return false;
  const c = stmt.childForFieldName('condition');
  return !!c && (c.type === 'true' || (c.type === 'integer' && c.text === '1'));
}

function dotted(n: Node): string {
  return n.namedChildren.map((c) => c?.text ?? '').join('.');
}

function annotationName(text: string): string {
  const bare = text.replace(/["']/g, '').split('[')[0].trim();
  const parts = bare.split('.');
  return parts[parts.length - 1];
}

/** `a.b().c[0]` → ['a', 'b', '()', 'c', '[]'] with a span per segment; null if the chain does not start at a name. */
export function pathOf(node: Node): { path: string[]; spans: Span[] } | null {
  const path: string[] = [];
  const spans: Span[] = [];
  let n: Node | null = node;
  for (let guard = 0; n && guard < MAX_DEPTH; guard++) {
    switch (n.type) {
      case 'identifier':
        path.push(n.text);
        spans.push(span(n));
        path.reverse();
        spans.reverse();
        return { path, spans };
      case 'attribute': {
        const attr = n.childForFieldName('attribute');
        if (!attr) return null;
        path.push(attr.text);
        spans.push(span(attr));
        n = n.childForFieldName('object');
        break;
      }
      case 'call': {
        const args = n.childForFieldName('arguments');
        path.push('()');
        spans.push(args ? span(args) : span(n));
        n = n.childForFieldName('function');
        break;
      }
      case 'subscript':
        path.push('[]');
        spans.push(span(n));
        n = n.childForFieldName('value');
        break;
      case 'parenthesized_expression':
        n = n.namedChildren.find((c) => c?.type !== 'comment') ?? null;
        break;
      default:
        return null;
    }
  }
  return null;
}

/** What an expression is; only as deep as the rules need. */
function valueOf(node: Node, depth = 0): Value {
  const s = span(node);
  if (depth > 20) return { kind: 'other', span: s };
  switch (node.type) {
    case 'identifier':
    case 'attribute':
    case 'subscript': {
      const chain = pathOf(node);
      return chain ? { kind: 'path', path: chain.path, spans: chain.spans, span: s } : { kind: 'other', span: s };
    }
    case 'call': {
      const fn = node.childForFieldName('function');
      const chain = fn ? pathOf(fn) : null;
      const argsNode = node.childForFieldName('arguments');
      const args: Value[] = [];
      const keywords: Prop[] = [];
      for (const a of argsNode?.type === 'argument_list' ? argsNode.namedChildren : []) {
        if (!a || a.type === 'comment') continue;
        if (a.type === 'keyword_argument') {
          const name = a.childForFieldName('name');
          const value = a.childForFieldName('value');
          if (name && value) keywords.push({ name: name.text, nameSpan: span(name), value: valueOf(value, depth + 1) });
        } else args.push(a.type === 'list_splat' || a.type === 'dictionary_splat' ? { kind: 'other', span: span(a) } : valueOf(a, depth + 1));
      }
      return { kind: 'call', callee: chain?.path ?? [], calleeSpans: chain?.spans ?? [], isNew: false, args, keywords, span: s };
    }
    case 'integer':
    case 'float':
      // `1j` is a complex number in either form.
      return { kind: 'literal', type: /[jJ]$/.test(node.text) ? 'complex' : node.type === 'integer' ? 'int' : 'float', span: s };
    case 'true':
    case 'false':
      return { kind: 'literal', type: 'bool', span: s, text: node.type === 'true' ? 'True' : 'False' };
    case 'none':
      return { kind: 'literal', type: 'None', span: s };
    case 'string':
      return { kind: 'literal', type: stringType(node), span: s, text: stringValue(node) };
    case 'concatenated_string':
      return { kind: 'literal', type: node.firstNamedChild ? stringType(node.firstNamedChild) : 'str', span: s };
    case 'list':
    case 'set':
      return { kind: 'literal', type: node.type, span: s, items: itemsOf(node, depth) };
    case 'list_comprehension':
      return { kind: 'literal', type: 'list', span: s };
    case 'dictionary':
    case 'dictionary_comprehension':
      return { kind: 'literal', type: 'dict', span: s };
    case 'set_comprehension':
      return { kind: 'literal', type: 'set', span: s };
    case 'ellipsis':
      return { kind: 'literal', type: 'ellipsis', span: s };
    case 'not_operator':
      return { kind: 'literal', type: 'bool', span: s };
    case 'generator_expression':
      return { kind: 'literal', type: 'generator', span: s };
    case 'lambda':
      return { kind: 'function', fn: node.startIndex, span: s };
    case 'tuple':
    case 'expression_list':
      return { kind: 'sequence', type: 'tuple', items: node.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment').map((c) => valueOf(c, depth + 1)), span: s };
    case 'parenthesized_expression': {
      const inner = node.namedChildren.find((c) => c && c.type !== 'comment');
      return inner ? valueOf(inner, depth + 1) : { kind: 'other', span: s };
    }
    case 'unary_operator': {
      const arg = node.childForFieldName('argument');
      const op = node.childForFieldName('operator')?.type;
      return typed(arg && op ? unaryType(op, valueOf(arg, depth + 1)) : undefined, s);
    }
    case 'binary_operator': {
      const l = node.childForFieldName('left');
      const r = node.childForFieldName('right');
      const op = node.childForFieldName('operator')?.type;
      if (!l || !r || !op) return { kind: 'other', span: s };
      const negative = unwrap(r).type === 'unary_operator' && unwrap(r).childForFieldName('operator')?.type === '-';
      return typed(binaryType(op, valueOf(l, depth + 1), valueOf(r, depth + 1), negative), s);
    }
    case 'comparison_operator': {
      const operands: Value[] = [];
      const operators: string[] = [];
      for (const c of node.children) {
        if (!c || c.type === 'comment') continue;
        if (c.isNamed) operands.push(valueOf(c, depth + 1));
        else operators.push(c.type);
      }
      return typed(comparisonType(operators, operands), s);
    }
    case 'boolean_operator': {
      const l = node.childForFieldName('left');
      const r = node.childForFieldName('right');
      return typed(l && r ? eitherType(valueOf(l, depth + 1), valueOf(r, depth + 1)) : undefined, s);
    }
    case 'conditional_expression': {
      const [a, , b] = node.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
      return typed(a && b ? eitherType(valueOf(a, depth + 1), valueOf(b, depth + 1)) : undefined, s);
    }
    default:
      return { kind: 'other', span: s };
  }
}

/** A literal of a type worked out from its parts, or 'other'. */
function typed(type: string | undefined, s: Span): Value {
  return type ? { kind: 'literal', type, span: s } : { kind: 'other', span: s };
}

/** Items looked at in a list or set literal (Sanic checks those of `tuple([...])`, `frozenset({...})`); more are not kept. */
const MAX_ITEMS = 64;

function itemsOf(node: Node, depth: number): Value[] | undefined {
  if (node.namedChildCount > MAX_ITEMS * 2) return undefined;
  const items: Value[] = [];
  for (const c of node.namedChildren) {
    if (!c || c.type === 'comment') continue;
    if (c.type === 'list_splat' || c.type === 'parenthesized_list_splat' || items.length >= MAX_ITEMS) return undefined;
    items.push(valueOf(c, depth + 1));
  }
  return items;
}

/** `b"..."` / `rb'...'` are bytes, any other string literal a str. */
function stringType(node: Node): 'str' | 'bytes' {
  return /^[rRuUfF]*[bB]/.test(node.text.slice(0, 3)) ? 'bytes' : 'str';
}

/** The value of a plain string literal; undefined for f-strings and strings with escapes. */
function stringValue(node: Node): string | undefined {
  const m = /^([rRuUbB]*)('''|"""|'|")([\s\S]*)\2$/.exec(node.text);
  if (!m || /[fF]/.test(m[1]) || (m[3].includes('\\') && !/[rR]/.test(m[1]))) return undefined;
  return m[3];
}

const isName = (n: Node | null | undefined, name: string): boolean => !!n && n.type === 'identifier' && n.text === name;
const isMainString = (n: Node | null | undefined): boolean => !!n && n.type === 'string' && stringValue(n) === '__main__';

function unwrap(n: Node): Node {
  let cur = n;
  while (cur.type === 'parenthesized_expression') {
    const inner = cur.namedChildren.find((c) => c && c.type !== 'comment');
    if (!inner) break;
    cur = inner;
  }
  return cur;
}

/**
 * `__name__ == "__main__"` (either order) or `__name__ in ("__main__",)` when `positive`; `!=` / `not in` when not.
 * A container with any other name (`"__mp_main__"`, which spawned workers run as) is not a guard.
 */
function nameComparison(n: Node, positive: boolean): boolean {
  if (n.type !== 'comparison_operator' || n.childCount !== 3) return false;
  const [a, o, b] = [n.child(0), n.child(1), n.child(2)];
  if (!o) return false;
  if (o.type === (positive ? '==' : '!=')) return (isName(a, '__name__') && isMainString(b)) || (isMainString(a) && isName(b, '__name__'));
  return o.type === (positive ? 'in' : 'not in') && isName(a, '__name__') && !!b && onlyMainStrings(unwrap(b));
}

/** A case pattern that matches "__main__" and nothing else (`case "__main__":`, not `case "__main__" | "__mp_main__":`). */
function matchesOnlyMain(pattern: Node): boolean {
  const inner = pattern.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
  if (inner.length !== 1) return false;
  const p = inner[0];
  if (isMainString(p)) return true;
  return p.type === 'union_pattern' && p.namedChildren.every((c) => !c || c.type === 'comment' || isMainString(c));
}

function onlyMainStrings(n: Node): boolean {
  if (n.type !== 'tuple' && n.type !== 'list' && n.type !== 'set') return false;
  const items = n.namedChildren.filter((c) => c && c.type !== 'comment');
  return items.length > 0 && items.every(isMainString);
}

/** When the condition is true, this is the main module. */
export function impliesMain(node: Node, depth = 0): boolean {
  if (depth > 50) return false;
  const n = unwrap(node);
  if (nameComparison(n, true)) return true;
  if (n.type === 'not_operator') {
    const arg = n.childForFieldName('argument');
    return !!arg && falseImpliesMain(arg, depth + 1);
  }
  if (n.type === 'boolean_operator') {
    const l = n.childForFieldName('left');
    const r = n.childForFieldName('right');
    const op = n.childForFieldName('operator')?.type;
    if (!l || !r) return false;
    if (op === 'and') return impliesMain(l, depth + 1) || impliesMain(r, depth + 1);
    if (op === 'or') return impliesMain(l, depth + 1) && impliesMain(r, depth + 1);
  }
  return false;
}

/** When the condition is false, this is the main module (`if __name__ != "__main__": ... else: <main>`). */
export function falseImpliesMain(node: Node, depth = 0): boolean {
  if (depth > 50) return false;
  const n = unwrap(node);
  if (nameComparison(n, false)) return true;
  if (n.type === 'not_operator') {
    const arg = n.childForFieldName('argument');
    return !!arg && impliesMain(arg, depth + 1);
  }
  if (n.type === 'boolean_operator') {
    const l = n.childForFieldName('left');
    const r = n.childForFieldName('right');
    const op = n.childForFieldName('operator')?.type;
    if (!l || !r) return false;
    if (op === 'or') return falseImpliesMain(l, depth + 1) || falseImpliesMain(r, depth + 1);
    if (op === 'and') return falseImpliesMain(l, depth + 1) && falseImpliesMain(r, depth + 1);
  }
  return false;
}

