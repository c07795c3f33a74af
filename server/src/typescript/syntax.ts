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
  if (ts.isCallExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'require' && e.arguments.length === 1) {
    const arg = e.arguments[0];
    if (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg)) return { module: arg.text, member };
  }
  return null;
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
