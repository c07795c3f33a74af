/** TypeScript/JavaScript syntax tree → facts (the same facts the Python front-end makes). */
import ts from 'typescript';
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
import { exits, falseImpliesMain, guardNames, guardNamesKey, impliesMain, type GuardNames } from './guards';
import { binaryType, eitherType, prefixType } from './operators';
import { inlineRequireName, requireCallModule, requiredModule, skipOuter } from './syntax';

const MAX_DEPTH = 400;

interface Ctx extends Exec {
  stmt: StatementRef | null;
  soleSpan: Span | null;
}

/** `ts.SyntaxKind` is a getter on the compiler's exports: read it once, not per node. */
const SK = ts.SyntaxKind;

const TOP: Ctx = { scope: MODULE, moduleLevel: true, guarded: false, stmt: null, soleSpan: null };

/**
 * Extracts facts from a source file, reusing the facts of top-level statements whose text (with its leading
 * trivia) did not change since the last extraction, as the Python extractor does.
 */
export class TypeScriptExtractor {
  private cache = new Map<string, { start: number; facts: Facts }>();
  private context = '';

  extract(sf: ts.SourceFile): Facts {
    const guards = guardNames(sf);
    // What a statement's facts depend on besides its text: the guards' local names, module or script parsing.
    const context = `${guardNamesKey(guards)}|${ts.isExternalModule(sf)}`;
    if (context !== this.context) {
      this.cache.clear();
      this.context = context;
    }
    const next = new Map<string, { start: number; facts: Facts }>();
    const facts = emptyFacts();
    let guarded = false;
    for (const s of sf.statements) {
      const key = `${guarded ? 'G' : ''}${sf.text.slice(s.pos, s.end)}`;
      // A cached statement's facts are moved in place, so each can serve one statement (a duplicate is walked again).
      const cached = next.has(key) ? undefined : this.cache.get(key);
      let own: Facts;
      if (cached) {
        own = cached.facts;
        shiftFacts(own, s.pos - cached.start);
      } else {
        const w = new Walker(sf, guards);
        w.statements([s], guarded ? { ...TOP, guarded } : TOP, true);
        own = w.facts;
      }
      if (!next.has(key)) next.set(key, { start: s.pos, facts: own });
      appendFacts(facts, own);
      // CommonJS: `if (require.main !== module) return;` guards everything after it.
      if (ts.isIfStatement(s) && !s.elseStatement && falseImpliesMain(s.expression, guards) && exits(s.thenStatement)) guarded = true;
    }
    this.cache = next;
    return facts;
  }
}

class Walker {
  readonly facts = emptyFacts();
  /** Nesting depth of the walk (contexts are only copied where they change, not per node). */
  private depth = 0;
  /** The `return` / `throw` statements of each function walked, and the values returned. */
  private readonly exits = new Map<number, { spans: Span[]; values: Value[] }>();

  constructor(
    private readonly sf: ts.SourceFile,
    private readonly guards: GuardNames,
  ) {}

  private impliesMain(e: ts.Expression): boolean {
    return impliesMain(e, this.guards);
  }

  private falseImpliesMain(e: ts.Expression): boolean {
    return falseImpliesMain(e, this.guards);
  }

  private span(n: ts.Node): Span {
    return { start: n.getStart(this.sf), end: n.end };
  }

  statements(list: readonly ts.Statement[], ctx: Ctx, topLevel: boolean): void {
    for (const s of list) this.statement(s, ctx, topLevel);
  }

  private statement(s: ts.Statement, ctx: Ctx, topLevel: boolean): void {
    const stmt: StatementRef = { span: this.span(s), topLevel, sole: false };
    const soleSpan = ts.isExpressionStatement(s) ? this.span(unwrapStatementExpression(s.expression)) : null;
    this.visit(s, { ...ctx, stmt, soleSpan });
  }

  private stmtFor(ctx: Ctx, s: Span): StatementRef | null {
    if (!ctx.stmt) return null;
    const sole = !!ctx.soleSpan && ctx.soleSpan.start === s.start && ctx.soleSpan.end === s.end;
    return sole ? { ...ctx.stmt, sole } : ctx.stmt;
  }

  private children(node: ts.Node, ctx: Ctx): void {
    ts.forEachChild(node, (child) => {
      this.visit(child, ctx);
    });
  }

  private visit(node: ts.Node, ctx: Ctx): void {
    if (this.depth > MAX_DEPTH || ts.isTypeNode(node)) return;
    this.depth++;
    this.dispatch(node, ctx);
    this.depth--;
  }

  private dispatch(node: ts.Node, ctx: Ctx): void {
    switch (node.kind) {
      case SK.InterfaceDeclaration:
      case SK.TypeAliasDeclaration:
        return;
      case SK.ImportDeclaration:
        return this.importDeclaration(node as ts.ImportDeclaration, ctx);
      case SK.ImportEqualsDeclaration:
        return this.importEquals(node as ts.ImportEqualsDeclaration, ctx);
      case SK.VariableDeclaration:
        return this.variable(node as ts.VariableDeclaration, ctx);
      case SK.FunctionDeclaration:
      case SK.FunctionExpression:
      case SK.ArrowFunction:
      case SK.MethodDeclaration:
      case SK.Constructor:
      case SK.GetAccessor:
      case SK.SetAccessor:
        this.fn(node as ts.FunctionLikeDeclaration, ctx, null);
        return;
      case SK.ClassDeclaration:
      case SK.ClassExpression:
        return this.classLike(node as ts.ClassLikeDeclaration, ctx);
      case SK.CallExpression:
      case SK.NewExpression:
        return this.call(node as ts.CallExpression | ts.NewExpression, ctx);
      case SK.PropertyAccessExpression:
      case SK.ElementAccessExpression:
        return this.ref(node as ts.Expression, ctx);
      case SK.BinaryExpression:
        return this.binary(node as ts.BinaryExpression, ctx);
      case SK.PrefixUnaryExpression:
      case SK.PostfixUnaryExpression: {
        const u = node as ts.PrefixUnaryExpression | ts.PostfixUnaryExpression;
        if (u.operator === SK.PlusPlusToken || u.operator === SK.MinusMinusToken) {
          if (ts.isIdentifier(skipOuter(u.operand))) return this.rebind(skipOuter(u.operand), ctx);
          return this.write(u.operand, null, 'update', node, ctx);
        }
        return this.children(node, ctx);
      }
      case SK.AwaitExpression: {
        const operand = skipOuter((node as ts.AwaitExpression).expression);
        if (ts.isCallExpression(operand) || ts.isNewExpression(operand)) return this.call(operand, ctx, true);
        return this.children(node, ctx);
      }
      case SK.DeleteExpression:
        return this.write((node as ts.DeleteExpression).expression, null, 'delete', node, ctx);
      case SK.IfStatement:
        return this.ifStatement(node as ts.IfStatement, ctx);
      case SK.ForOfStatement:
      case SK.ForInStatement: {
        // `for (x of xs)` rebinds x (a declaration, `for (const x of xs)`, is a variable of its own).
        const init = (node as ts.ForOfStatement | ts.ForInStatement).initializer;
        if (!ts.isVariableDeclarationList(init)) this.rebind(init, ctx);
        return this.children(node, ctx);
      }
      case SK.ReturnStatement:
      case SK.ThrowStatement:
        this.exit(node as ts.ReturnStatement | ts.ThrowStatement, ctx);
        return this.children(node, ctx);
      case SK.ConditionalExpression: {
        const c = node as ts.ConditionalExpression;
        this.visit(c.condition, ctx);
        this.visit(c.whenTrue, { ...ctx, guarded: ctx.guarded || this.impliesMain(c.condition) });
        this.visit(c.whenFalse, { ...ctx, guarded: ctx.guarded || this.falseImpliesMain(c.condition) });
        return;
      }
      case SK.Block:
      case SK.ModuleBlock:
        return this.statements((node as ts.Block).statements, ctx, false);
      case SK.CaseClause:
      case SK.DefaultClause: {
        const clause = node as ts.CaseClause | ts.DefaultClause;
        if (ts.isCaseClause(clause)) this.visit(clause.expression, ctx);
        return this.statements(clause.statements, ctx, false);
      }
      default:
        return this.children(node, ctx);
    }
  }

  // --- imports ---

  private importDeclaration(node: ts.ImportDeclaration, ctx: Ctx): void {
    const clause = node.importClause;
    if (!clause || clause.isTypeOnly || !ts.isStringLiteral(node.moduleSpecifier)) return;
    const module = node.moduleSpecifier.text;
    const exec = execOf(ctx);
    if (clause.name) this.facts.imports.push({ exec, module, imported: null, local: clause.name.text, span: this.span(clause.name) });
    const nb = clause.namedBindings;
    if (nb && ts.isNamespaceImport(nb)) this.facts.imports.push({ exec, module, imported: null, local: nb.name.text, span: this.span(nb) });
    if (nb && ts.isNamedImports(nb)) {
      for (const el of nb.elements) {
        if (el.isTypeOnly) continue;
        this.facts.imports.push({ exec, module, imported: (el.propertyName ?? el.name).text, local: el.name.text, span: this.span(el) });
      }
    }
  }

  private importEquals(node: ts.ImportEqualsDeclaration, ctx: Ctx): void {
    const ref = node.moduleReference;
    if (ts.isExternalModuleReference(ref) && ts.isStringLiteral(ref.expression)) {
      this.facts.imports.push({ exec: execOf(ctx), module: ref.expression.text, imported: null, local: node.name.text, span: this.span(node) });
    }
  }

  /** `const x = require('m')`, `const { A, B: C } = require('m')`, `const A = require('m').A`, or a binding. */
  private variable(node: ts.VariableDeclaration, ctx: Ctx): void {
    const init = node.initializer;
    const required = init ? requiredModule(init) : null;
    if (required) {
      const exec = execOf(ctx);
      if (ts.isIdentifier(node.name)) {
        this.facts.imports.push({ exec, module: required.module, imported: required.member, local: node.name.text, span: this.span(node) });
      } else if (ts.isObjectBindingPattern(node.name) && required.member === null) {
        for (const el of node.name.elements) {
          if (el.dotDotDotToken || !ts.isIdentifier(el.name)) continue;
          const prop = el.propertyName && ts.isIdentifier(el.propertyName) ? el.propertyName.text : el.name.text;
          this.facts.imports.push({ exec, module: required.module, imported: prop, local: el.name.text, span: this.span(el) });
        }
      }
      return;
    }
    if (ts.isIdentifier(node.name) && init) {
      this.facts.bindings.push({ exec: execOf(ctx), name: node.name.text, value: this.valueOf(init), span: this.span(node.name) });
      const fn = skipOuter(init);
      if (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) {
        this.fn(fn, ctx, node.name.text);
        return;
      }
    } else {
      // `let x;`, `for (const x of xs)`, `const { a, b } = o`: bound to something not followed.
      this.rebind(node.name, ctx);
      if (!ts.isIdentifier(node.name)) this.children(node.name, ctx); // default values in a destructuring pattern
    }
    if (init) this.visit(init, ctx);
  }

  // --- functions and classes ---

  /**
   * A function: its own scope. One called on the spot (`runsNow`: `(async () => { ... })()`) runs where it stands,
   * so at module level its body is module-level code.
   */
  private fn(node: ts.FunctionLikeDeclaration, ctx: Ctx, nameHint: string | null, runsNow = false): number {
    const id = node.getStart(this.sf);
    const body = node.body;
    const params: Param[] = node.parameters.map((p) => ({
      name: ts.isIdentifier(p.name) ? p.name.text : '',
      annotation: p.type && ts.isTypeReferenceNode(p.type) ? lastName(p.type.typeName) : null,
    }));
    const fact: FunctionFact = {
      id,
      kind: 'function',
      exec: execOf(ctx),
      name: node.name && ts.isIdentifier(node.name) ? node.name.text : nameHint,
      params,
      span: this.span(node),
      body: body ? this.span(body) : this.span(node),
      blockBody: !!body && ts.isBlock(body),
      decorators: [],
      returnType: node.type && ts.isTypeReferenceNode(node.type) ? lastName(node.type.typeName) : null,
      returns: [],
      bases: [],
      ending: { kind: 'open' },
    };
    this.facts.functions.push(fact);
    const inner: Ctx = runsNow ? { ...ctx, scope: id, soleSpan: null } : { scope: id, moduleLevel: false, guarded: false, stmt: null, soleSpan: null };
    // Default values are evaluated on each call, in the function's scope.
    for (const p of node.parameters) if (p.initializer) this.visit(p.initializer, inner);
    if (body) {
      if (ts.isBlock(body)) {
        this.statements(body.statements, inner, false);
        const exits = this.exits.get(id);
        fact.returns = exits?.values ?? [];
        fact.ending = this.endingOf(body, exits?.spans ?? []);
      } else {
        fact.returns = [this.valueOf(body)];
        this.visit(body, inner);
      }
    }
    return id;
  }

  private exit(node: ts.ReturnStatement | ts.ThrowStatement, ctx: Ctx): void {
    if (ctx.scope === MODULE) return;
    let e = this.exits.get(ctx.scope);
    if (!e) this.exits.set(ctx.scope, (e = { spans: [], values: [] }));
    e.spans.push(this.span(node));
    if (ts.isReturnStatement(node) && node.expression) e.values.push(this.valueOf(node.expression));
  }

  /** How a function's block ends, given its `return` / `throw` statements. */
  private endingOf(block: ts.Block, exits: Span[]): BodyEnding {
    const last = block.statements[block.statements.length - 1];
    if (!last) return { kind: 'open' };
    if (exits.length === 0) return endless(last) ? { kind: 'closed' } : { kind: 'open' };
    const exitsLast = (ts.isReturnStatement(last) || ts.isThrowStatement(last)) && exits.length === 1 && exits[0].start === last.getStart(this.sf);
    return exitsLast ? { kind: 'exit', stmt: this.span(last) } : { kind: 'closed' };
  }

  private classLike(node: ts.ClassLikeDeclaration, ctx: Ctx): void {
    const id = node.getStart(this.sf);
    this.facts.functions.push({
      id,
      kind: 'class',
      exec: execOf(ctx),
      name: node.name?.text ?? null,
      params: [],
      span: this.span(node),
      body: this.span(node),
      blockBody: false,
      decorators: [],
      returnType: null,
      returns: [],
      bases: (node.heritageClauses ?? []).filter((h) => h.token === SK.ExtendsKeyword).flatMap((h) => h.types.map((t) => this.valueOf(t.expression))),
      ending: { kind: 'open' },
    });
    for (const h of node.heritageClauses ?? []) this.children(h, ctx);
    const classCtx: Ctx = { ...ctx, scope: id, stmt: null, soleSpan: null };
    for (const m of node.members) {
      if (ts.isPropertyDeclaration(m)) {
        if (!m.initializer) continue;
        const isStatic = !!m.modifiers?.some((mod) => mod.kind === SK.StaticKeyword);
        // static initializers run when the class is defined; instance ones in the constructor
        this.visit(m.initializer, isStatic ? classCtx : { ...classCtx, moduleLevel: false, guarded: false });
      } else if (ts.isClassStaticBlockDeclaration(m)) {
        this.statements(m.body.statements, classCtx, false);
      } else {
        this.visit(m, classCtx);
      }
    }
  }

  // --- expressions ---

  private call(node: ts.CallExpression | ts.NewExpression, ctx: Ctx, awaited = false): void {
    const callee = skipOuter(node.expression);
    if (ts.isArrowFunction(callee) || ts.isFunctionExpression(callee)) {
      this.fn(callee, ctx, null, true);
      for (const a of node.arguments ?? []) this.visit(a, ctx);
      return;
    }
    // An inline `require('m')` imports m under a name of its own, which chains through it start with.
    const required = ts.isCallExpression(node) ? requireCallModule(node) : null;
    if (required !== null) this.facts.imports.push({ exec: execOf(ctx), module: required, imported: null, local: inlineRequireName(required), span: this.span(node) });
    const chain = this.pathOf(node.expression);
    const args: Value[] = [];
    let spread = false;
    for (const a of node.arguments ?? []) {
      if (ts.isSpreadElement(a)) spread = true;
      args.push(ts.isSpreadElement(a) ? { kind: 'other', span: this.span(a) } : this.valueOf(a));
    }
    if (chain) {
      this.facts.calls.push({
        exec: execOf(ctx),
        callee: chain.path,
        calleeSpans: chain.spans,
        span: this.span(node),
        isNew: ts.isNewExpression(node),
        args,
        keywords: [],
        spread,
        awaited,
        stmt: this.stmtFor(ctx, this.span(node)),
      });
    }
    this.chainInner(node.expression, ctx);
    for (const a of node.arguments ?? []) {
      const f = skipOuter(a);
      if (ts.isArrowFunction(f) || ts.isFunctionExpression(f)) this.fn(f, ctx, null);
      else this.visit(a, ctx);
    }
  }

  private ref(node: ts.Expression, ctx: Ctx): void {
    const chain = this.pathOf(node);
    if (chain && isWatchedRef(chain.path)) this.facts.refs.push({ exec: execOf(ctx), path: chain.path, spans: chain.spans, span: this.span(node) });
    this.chainInner(node, ctx);
  }

  /** Code inside a member chain: calls in it, computed keys. */
  private chainInner(node: ts.Expression, ctx: Ctx): void {
    let n: ts.Expression = node;
    for (let guard = 0; guard < MAX_DEPTH; guard++) {
      if (ts.isPropertyAccessExpression(n)) n = n.expression;
      else if (ts.isElementAccessExpression(n)) {
        this.visit(n.argumentExpression, ctx);
        n = n.expression;
      } else if (ts.isParenthesizedExpression(n) || ts.isNonNullExpression(n) || ts.isAsExpression(n) || ts.isSatisfiesExpression(n)) n = n.expression;
      else if (ts.isIdentifier(n) || n.kind === SK.ThisKeyword || ts.isMetaProperty(n)) return;
      else return this.visit(n, ctx);
    }
  }

  private binary(node: ts.BinaryExpression, ctx: Ctx): void {
    const op = node.operatorToken.kind;
    if (op >= SK.FirstAssignment && op <= SK.LastAssignment) {
      const left = skipOuter(node.left);
      if (ts.isPropertyAccessExpression(left) || ts.isElementAccessExpression(left)) {
        return this.write(left, op === SK.EqualsToken ? node.right : null, op === SK.EqualsToken ? 'assign' : 'update', node, ctx, node.right);
      }
      if (op === SK.EqualsToken && (ts.isArrayLiteralExpression(left) || ts.isObjectLiteralExpression(left))) {
        this.destructure(left, node.right, ctx, node);
        return this.visit(node.right, ctx);
      }
      if (ts.isIdentifier(left) && op === SK.EqualsToken) {
        this.facts.bindings.push({ exec: execOf(ctx), name: left.text, value: this.valueOf(node.right), span: this.span(left) });
      } else if (ts.isIdentifier(left)) {
        this.rebind(left, ctx); // `x += 1`
      }
      return this.children(node, ctx);
    }
    // `require.main === module && app.run()`
    if (op === SK.AmpersandAmpersandToken || op === SK.BarBarToken) {
      const guards = op === SK.AmpersandAmpersandToken ? this.impliesMain(node.left) : this.falseImpliesMain(node.left);
      this.visit(node.left, ctx);
      this.visit(node.right, { ...ctx, guarded: ctx.guarded || guards });
      return;
    }
    this.children(node, ctx);
  }

  private write(target: ts.Expression, value: ts.Expression | null, op: 'assign' | 'update' | 'delete', whole: ts.Node, ctx: Ctx, rhs?: ts.Expression): void {
    const t = skipOuter(target);
    const chain = this.pathOf(t);
    if (chain && (ts.isPropertyAccessExpression(t) || ts.isElementAccessExpression(t))) {
      this.facts.assigns.push({
        exec: execOf(ctx),
        target: chain.path,
        targetSpans: chain.spans,
        span: this.span(t),
        value: value ? this.valueOf(value) : null,
        op,
        stmt: this.stmtFor(ctx, this.span(whole)),
      });
    }
    this.chainInner(t, ctx);
    if (rhs) this.visit(rhs, ctx);
  }

  /**
   * The targets of a destructuring assignment (`[app.sharedCtx.e] = [1]`, `({ a: app.sharedCtx.f } = obj)`): each
   * member target is a write, each name a binding, with the value it gets when the source is a literal that says so.
   */
  private destructure(target: ts.Expression, value: ts.Expression | null, ctx: Ctx, whole: ts.Node, depth = 0): void {
    if (depth > 20) return;
    const t = skipOuter(target);
    if (ts.isPropertyAccessExpression(t) || ts.isElementAccessExpression(t)) return this.write(t, value, 'assign', whole, ctx);
    if (ts.isIdentifier(t)) {
      this.facts.bindings.push({ exec: execOf(ctx), name: t.text, value: value ? this.valueOf(value) : null, span: this.span(t) });
      return;
    }
    if (ts.isBinaryExpression(t) && t.operatorToken.kind === SK.EqualsToken) {
      // A default (`[a = 1] = xs`): the target gets either, so its value is not followed.
      this.destructure(t.left, null, ctx, whole, depth + 1);
      return this.visit(t.right, ctx);
    }
    if (ts.isSpreadElement(t)) return this.destructure(t.expression, null, ctx, whole, depth + 1);
    const source = value ? skipOuter(value) : null;
    if (ts.isArrayLiteralExpression(t)) {
      const items = source && ts.isArrayLiteralExpression(source) && !source.elements.some(ts.isSpreadElement) ? source.elements : null;
      t.elements.forEach((el, i) => {
        if (!ts.isOmittedExpression(el)) this.destructure(el, valueAt(items, i), ctx, whole, depth + 1);
      });
      return;
    }
    if (!ts.isObjectLiteralExpression(t)) return this.visit(t, ctx);
    const props = source && ts.isObjectLiteralExpression(source) && !source.properties.some(ts.isSpreadAssignment) ? source : null;
    for (const p of t.properties) {
      if (ts.isShorthandPropertyAssignment(p)) {
        const given = p.objectAssignmentInitializer ? null : propertyValue(props, p.name.text);
        this.facts.bindings.push({ exec: execOf(ctx), name: p.name.text, value: given ? this.valueOf(given) : null, span: this.span(p.name) });
        if (p.objectAssignmentInitializer) this.visit(p.objectAssignmentInitializer, ctx);
      } else if (ts.isPropertyAssignment(p)) {
        if (ts.isComputedPropertyName(p.name)) this.visit(p.name.expression, ctx);
        const key = ts.isIdentifier(p.name) || ts.isStringLiteral(p.name) ? p.name.text : null;
        this.destructure(p.initializer, key === null ? null : propertyValue(props, key), ctx, whole, depth + 1);
      } else if (ts.isSpreadAssignment(p)) {
        this.destructure(p.expression, null, ctx, whole, depth + 1);
      }
    }
  }

  /** Names bound to something not followed: `x += 1`, `const { a } = o`, `for (x of xs)`. */
  private rebind(target: ts.Node, ctx: Ctx, depth = 0): void {
    if (depth > 20) return;
    const t = ts.isExpression(target) ? skipOuter(target) : target;
    if (ts.isIdentifier(t)) {
      this.facts.bindings.push({ exec: execOf(ctx), name: t.text, value: null, span: this.span(t) });
      return;
    }
    const parts: ts.Node[] = [];
    if (ts.isArrayLiteralExpression(t)) parts.push(...t.elements);
    else if (ts.isObjectLiteralExpression(t)) {
      for (const p of t.properties) {
        if (ts.isShorthandPropertyAssignment(p)) parts.push(p.name);
        else if (ts.isPropertyAssignment(p)) parts.push(p.initializer);
        else if (ts.isSpreadAssignment(p)) parts.push(p.expression);
      }
    } else if (ts.isSpreadElement(t)) parts.push(t.expression);
    else if (ts.isBinaryExpression(t) && t.operatorToken.kind === SK.EqualsToken) parts.push(t.left); // a default: `[a = 1] = xs`
    else if (ts.isObjectBindingPattern(t) || ts.isArrayBindingPattern(t)) {
      for (const el of t.elements) if (ts.isBindingElement(el)) parts.push(el.name);
    }
    for (const p of parts) this.rebind(p, ctx, depth + 1);
  }

  private ifStatement(node: ts.IfStatement, ctx: Ctx): void {
    this.visit(node.expression, ctx);
    this.branch(node.thenStatement, { ...ctx, guarded: ctx.guarded || this.impliesMain(node.expression) });
    if (node.elseStatement) this.branch(node.elseStatement, { ...ctx, guarded: ctx.guarded || this.falseImpliesMain(node.expression) });
  }

  private branch(s: ts.Statement, ctx: Ctx): void {
    if (ts.isBlock(s)) this.statements(s.statements, ctx, false);
    else this.statement(s, ctx, false);
  }

  // --- values and paths ---

  pathOf(node: ts.Expression): { path: string[]; spans: Span[] } | null {
    const path: string[] = [];
    const spans: Span[] = [];
    let n: ts.Expression = node;
    for (let guard = 0; guard < MAX_DEPTH; guard++) {
      if (ts.isIdentifier(n) || n.kind === SK.ThisKeyword || ts.isMetaProperty(n)) {
        path.push(ts.isMetaProperty(n) ? 'import.meta' : n.kind === SK.ThisKeyword ? 'this' : (n as ts.Identifier).text);
        spans.push(this.span(n));
        return { path: path.reverse(), spans: spans.reverse() };
      }
      if (ts.isPropertyAccessExpression(n)) {
        path.push(n.name.text);
        spans.push(this.span(n.name));
        n = n.expression;
      } else if (ts.isElementAccessExpression(n)) {
        const key = n.argumentExpression;
        const literal = ts.isStringLiteral(key) || ts.isNoSubstitutionTemplateLiteral(key);
        path.push(literal ? key.text : '[]');
        spans.push(literal ? { start: key.getStart(this.sf) + 1, end: key.end - 1 } : this.span(key));
        n = n.expression;
      } else if (ts.isCallExpression(n)) {
        const required = requireCallModule(n);
        if (required !== null) {
          path.push(inlineRequireName(required));
          spans.push(this.span(n));
          return { path: path.reverse(), spans: spans.reverse() };
        }
        path.push('()');
        spans.push({ start: n.expression.end, end: n.end });
        n = n.expression;
      } else if (ts.isParenthesizedExpression(n) || ts.isNonNullExpression(n) || ts.isAsExpression(n) || ts.isSatisfiesExpression(n)) {
        n = n.expression;
      } else return null;
    }
    return null;
  }

  valueOf(node: ts.Expression, depth = 0): Value {
    const n = skipOuter(node);
    const s = this.span(n);
    if (depth > 20) return { kind: 'other', span: s };
    switch (n.kind) {
      case SK.Identifier:
      case SK.PropertyAccessExpression:
      case SK.ElementAccessExpression:
      case SK.ThisKeyword: {
        if (ts.isIdentifier(n) && n.text === 'undefined') return { kind: 'literal', type: 'undefined', span: s };
        const chain = this.pathOf(n);
        return chain ? { kind: 'path', path: chain.path, spans: chain.spans, span: s } : { kind: 'other', span: s };
      }
      case SK.CallExpression:
      case SK.NewExpression: {
        const c = n as ts.CallExpression | ts.NewExpression;
        const chain = this.pathOf(c.expression);
        const args = (c.arguments ?? []).map((a) => (ts.isSpreadElement(a) ? ({ kind: 'other', span: this.span(a) } as Value) : this.valueOf(a, depth + 1)));
        return { kind: 'call', callee: chain?.path ?? [], calleeSpans: chain?.spans ?? [], isNew: ts.isNewExpression(c), args, keywords: [], span: s };
      }
      case SK.NumericLiteral:
        return { kind: 'literal', type: 'number', span: s };
      case SK.BigIntLiteral:
        return { kind: 'literal', type: 'bigint', span: s };
      case SK.StringLiteral:
      case SK.NoSubstitutionTemplateLiteral:
        return { kind: 'literal', type: 'string', span: s, text: (n as ts.StringLiteral).text };
      case SK.TemplateExpression:
        return { kind: 'literal', type: 'string', span: s };
      case SK.TrueKeyword:
      case SK.FalseKeyword:
        return { kind: 'literal', type: 'boolean', span: s, text: n.kind === SK.TrueKeyword ? 'true' : 'false' };
      case SK.NullKeyword:
        return { kind: 'literal', type: 'null', span: s };
      case SK.RegularExpressionLiteral:
        return { kind: 'literal', type: 'RegExp', span: s };
      case SK.ArrayLiteralExpression:
        return { kind: 'literal', type: 'array', span: s };
      case SK.ObjectLiteralExpression:
        return { kind: 'literal', type: 'object', span: s, ...this.members(n as ts.ObjectLiteralExpression, depth) };
      case SK.ArrowFunction:
      case SK.FunctionExpression:
        return { kind: 'function', fn: s.start, span: s };
      case SK.ClassExpression:
        return { kind: 'literal', type: 'class', span: s };
      case SK.PrefixUnaryExpression: {
        const u = n as ts.PrefixUnaryExpression;
        return typed(prefixType(u.operator, this.valueOf(u.operand, depth + 1)), s);
      }
      case SK.BinaryExpression: {
        const b = n as ts.BinaryExpression;
        const op = b.operatorToken.kind;
        if (op === SK.CommaToken) return this.valueOf(b.right, depth + 1);
        if (op >= SK.FirstAssignment && op <= SK.LastAssignment) return { kind: 'other', span: s };
        return typed(binaryType(op, this.valueOf(b.left, depth + 1), this.valueOf(b.right, depth + 1)), s);
      }
      case SK.ConditionalExpression: {
        const c = n as ts.ConditionalExpression;
        return typed(eitherType(this.valueOf(c.whenTrue, depth + 1), this.valueOf(c.whenFalse, depth + 1)), s);
      }
      case SK.TypeOfExpression:
        return { kind: 'literal', type: 'string', span: s };
      case SK.VoidExpression:
        return { kind: 'literal', type: 'undefined', span: s };
      default:
        return { kind: 'other', span: s };
    }
  }

  /** An object literal's named properties, its spreads, and the spans of the members neither names (computed keys, accessors). */
  private members(obj: ts.ObjectLiteralExpression, depth: number): { props: Prop[]; spreads?: Value[]; unnamed?: Span[] } {
    const props: Prop[] = [];
    const spreads: Value[] = [];
    const unnamed: Span[] = [];
    for (const p of obj.properties) {
      if (ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) {
        props.push({ name: p.name.text, nameSpan: this.span(p.name), value: this.valueOf(p.initializer, depth + 1) });
      } else if (ts.isShorthandPropertyAssignment(p)) {
        props.push({ name: p.name.text, nameSpan: this.span(p.name), value: this.valueOf(p.name, depth + 1) });
      } else if (ts.isMethodDeclaration(p) && ts.isIdentifier(p.name)) {
        props.push({ name: p.name.text, nameSpan: this.span(p.name), value: { kind: 'function', fn: p.getStart(this.sf), span: this.span(p) } });
      } else if (ts.isSpreadAssignment(p)) {
        spreads.push(this.valueOf(p.expression, depth + 1));
      } else {
        unnamed.push(this.span(p));
      }
    }
    return { props, ...(spreads.length > 0 && { spreads }), ...(unnamed.length > 0 && { unnamed }) };
  }
}

/** The item at `i` of an array literal's items, when there is one. */
function valueAt(items: ts.NodeArray<ts.Expression> | null, i: number): ts.Expression | null {
  const item = items?.[i];
  return item && !ts.isOmittedExpression(item) ? item : null;
}

/** The value an object literal gives the key `name` (its last plain property of that name), when it says so. */
function propertyValue(obj: ts.ObjectLiteralExpression | null, name: string): ts.Expression | null {
  if (!obj) return null;
  for (let i = obj.properties.length - 1; i >= 0; i--) {
    const p = obj.properties[i];
    if (!p.name || (!ts.isIdentifier(p.name) && !ts.isStringLiteral(p.name)) || p.name.text !== name) {
      // A computed key might be this one.
      if (p.name && ts.isComputedPropertyName(p.name)) return null;
      continue;
    }
    if (ts.isPropertyAssignment(p)) return p.initializer;
    if (ts.isShorthandPropertyAssignment(p)) return p.name;
    return null;
  }
  return null;
}

/** A literal of a type worked out from its parts, or 'other'. */
function typed(type: string | undefined, s: Span): Value {
  return type ? { kind: 'literal', type, span: s } : { kind: 'other', span: s };
}

function execOf(ctx: Ctx): Exec {
  return { scope: ctx.scope, moduleLevel: ctx.moduleLevel, guarded: ctx.guarded };
}

/** `while (true)`, `for (;;)`: a `break` may leave it, but the end is not simply reached. */
function endless(s: ts.Statement): boolean {
  if (ts.isWhileStatement(s)) return s.expression.kind === SK.TrueKeyword;
  return ts.isForStatement(s) && !s.condition;
}

function lastName(name: ts.EntityName): string {
  return ts.isIdentifier(name) ? name.text : name.right.text;
}

/** `await x`, `void x` as a statement are still "just x" for moving the statement whole. */
function unwrapStatementExpression(e: ts.Expression): ts.Expression {
  let n = skipOuter(e);
  while (ts.isAwaitExpression(n) || ts.isVoidExpression(n)) n = skipOuter(n.expression);
  return n;
}

