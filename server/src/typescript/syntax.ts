/** Small readings of TS/JS syntax shared by the extractor and the main-guard recognition. */
import ts from 'typescript';

/** Parentheses, `as`, `!`, `satisfies` do not change what an expression is. */
export function skipOuter(e: ts.Expression): ts.Expression {
  let n = e;
  while (ts.isParenthesizedExpression(n) || ts.isAsExpression(n) || ts.isNonNullExpression(n) || ts.isSatisfiesExpression(n) || ts.isTypeAssertionExpression(n)) n = n.expression;
  return n;
}

/** `require('m')` → m; `require('m').A` → m and A. */
export function requiredModule(init: ts.Expression): { module: string; member: string | null } | null {
  let e = skipOuter(init);
  let member: string | null = null;
  if (ts.isPropertyAccessExpression(e)) {
    member = e.name.text;
    e = skipOuter(e.expression);
  }
  const module = requireCallModule(e);
  return module === null ? null : { module, member };
}

/** The module of a `require('m')` call, or null. */
export function requireCallModule(e: ts.Expression): string | null {
  if (!ts.isCallExpression(e) || !ts.isIdentifier(e.expression) || e.expression.text !== 'require' || e.arguments.length !== 1) return null;
  const arg = e.arguments[0];
  return ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg) ? arg.text : null;
}

/**
 * The name under which an inline `require('m')` (one not bound to a variable: `new (require('m').App)()`) is
 * recorded as an import, and which starts the member chains through it.
 */
export function inlineRequireName(module: string): string {
  return `require('${module}')`;
}

/** An `await` (or `for await`) outside every function: only an ES module can have one. */
export function hasTopLevelAwait(sf: ts.SourceFile): boolean {
  if (!/\bawait\b/.test(sf.text)) return false;
  const visit = (n: ts.Node, depth: number): boolean => {
    if (depth > 200 || ts.isFunctionLike(n) || ts.isClassLike(n)) return false;
    if (ts.isAwaitExpression(n) || (ts.isForOfStatement(n) && !!n.awaitModifier)) return true;
    return !!ts.forEachChild(n, (c) => visit(c, depth + 1) || undefined);
  };
  return sf.statements.some((s) => visit(s, 0));
}
