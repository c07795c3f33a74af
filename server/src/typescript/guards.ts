/**
 * Node main-guards: conditions that hold only in the module node was asked to run (`require.main === module`,
 * `isMain(import.meta)`, `!module.parent`, ...). Workers load the app module from the manager's worker entry, so
 * in them each of these is false.
 */
import ts from 'typescript';
import { PACKAGE } from './dialect';
import { requiredModule, skipOuter } from './syntax';

const SK = ts.SyntaxKind;

/** Names in the file that stand for a guard. */
export interface GuardNames {
  /** Local names of our `isMain` helper (`import { isMain as main }`, `const { isMain: main } = require(...)`). */
  isMain: ReadonlySet<string>;
  /** Top-level constants holding a guard's result (`const isEntry = require.main === module`). */
  entry: ReadonlySet<string>;
  /** Top-level constants holding its negation (`const imported = require.main !== module`). */
  notEntry: ReadonlySet<string>;
}

export function guardNames(sf: ts.SourceFile): GuardNames {
  const isMain = new Set<string>();
  const entry = new Set<string>();
  const notEntry = new Set<string>();
  const names: GuardNames = { isMain, entry, notEntry };
  for (const s of sf.statements) {
    if (ts.isImportDeclaration(s) && ts.isStringLiteral(s.moduleSpecifier) && s.moduleSpecifier.text === PACKAGE) {
      const nb = s.importClause?.namedBindings;
      if (nb && ts.isNamedImports(nb)) for (const el of nb.elements) if ((el.propertyName ?? el.name).text === 'isMain') isMain.add(el.name.text);
    } else if (ts.isVariableStatement(s)) {
      const constant = (s.declarationList.flags & ts.NodeFlags.Const) !== 0;
      for (const d of s.declarationList.declarations) {
        if (!d.initializer) continue;
        const req = requiredModule(d.initializer);
        if (req && req.module === PACKAGE && ts.isObjectBindingPattern(d.name)) {
          for (const el of d.name.elements) {
            const prop = el.propertyName && ts.isIdentifier(el.propertyName) ? el.propertyName.text : ts.isIdentifier(el.name) ? el.name.text : '';
            if (prop === 'isMain' && ts.isIdentifier(el.name)) isMain.add(el.name.text);
          }
        } else if (constant && ts.isIdentifier(d.name)) {
          if (impliesMain(d.initializer, names)) entry.add(d.name.text);
          else if (falseImpliesMain(d.initializer, names)) notEntry.add(d.name.text);
        }
      }
    }
  }
  return names;
}

/** What the facts of a statement depend on besides its text (a change re-extracts every statement). */
export function guardNamesKey(g: GuardNames): string {
  return [g.isMain, g.entry, g.notEntry].map((set) => [...set].sort().join(',')).join('|');
}

function isRequireMain(e: ts.Expression): boolean {
  const n = skipOuter(e);
  return ts.isPropertyAccessExpression(n) && n.name.text === 'main' && ts.isIdentifier(n.expression) && n.expression.text === 'require';
}

function isIdentifier(e: ts.Expression, name: string): boolean {
  const n = skipOuter(e);
  return ts.isIdentifier(n) && n.text === name;
}

/** `module.<name>` */
function isModuleMember(e: ts.Expression, name: string): boolean {
  const n = skipOuter(e);
  return ts.isPropertyAccessExpression(n) && n.name.text === name && isIdentifier(n.expression, 'module');
}

/** `require.main.filename`, `require.main?.filename` */
function isMainFilename(e: ts.Expression): boolean {
  const n = skipOuter(e);
  return ts.isPropertyAccessExpression(n) && n.name.text === 'filename' && isRequireMain(n.expression);
}

/** This module's own file: `__filename`, `module.filename`. */
function isOwnFilename(e: ts.Expression): boolean {
  return isIdentifier(e, '__filename') || isModuleMember(e, 'filename');
}

function isNull(e: ts.Expression): boolean {
  return skipOuter(e).kind === SK.NullKeyword;
}

function isImportMeta(e: ts.Expression): boolean {
  return ts.isMetaProperty(e) && e.keywordToken === SK.ImportKeyword && e.name.text === 'meta';
}

function mentions(e: ts.Node, test: (n: ts.Node) => boolean, depth = 0): boolean {
  if (depth > 30) return false;
  if (test(e)) return true;
  return !!ts.forEachChild(e, (c) => (mentions(c, test, depth + 1) ? true : undefined));
}

const isMetaFile = (n: ts.Node): boolean => ts.isPropertyAccessExpression(n) && isImportMeta(n.expression) && (n.name.text === 'url' || n.name.text === 'filename');
const isArgv1 = (n: ts.Node): boolean =>
  ts.isElementAccessExpression(n) &&
  ts.isNumericLiteral(n.argumentExpression) &&
  n.argumentExpression.text === '1' &&
  ts.isPropertyAccessExpression(n.expression) &&
  n.expression.name.text === 'argv';

/**
 * `require.main === module`, `require.main.filename === __filename`, `process.argv[1] === __filename`,
 * `import.meta.url === pathToFileURL(process.argv[1]).href`, `module.parent == null`: either order.
 */
function isMainComparison(a: ts.Expression, b: ts.Expression): boolean {
  const either = (x: (e: ts.Expression) => boolean, y: (e: ts.Expression) => boolean): boolean => (x(a) && y(b)) || (y(a) && x(b));
  return (
    either(isRequireMain, (e) => isIdentifier(e, 'module')) ||
    either(isMainFilename, isOwnFilename) ||
    either(isArgv1, isOwnFilename) ||
    either((e) => isModuleMember(e, 'parent'), isNull) ||
    either((e) => mentions(e, isMetaFile), (e) => mentions(e, isArgv1))
  );
}

/** When the condition is true, this module is the one node was asked to run. */
export function impliesMain(e: ts.Expression, names: GuardNames, depth = 0): boolean {
  if (depth > 50) return false;
  const n = skipOuter(e);
  if (ts.isPrefixUnaryExpression(n) && n.operator === SK.ExclamationToken) return falseImpliesMain(n.operand, names, depth + 1);
  if (ts.isIdentifier(n)) return names.entry.has(n.text);
  if (ts.isBinaryExpression(n)) {
    const op = n.operatorToken.kind;
    if (op === SK.EqualsEqualsEqualsToken || op === SK.EqualsEqualsToken) return isMainComparison(n.left, n.right);
    if (op === SK.AmpersandAmpersandToken) return impliesMain(n.left, names, depth + 1) || impliesMain(n.right, names, depth + 1);
    if (op === SK.BarBarToken) return impliesMain(n.left, names, depth + 1) && impliesMain(n.right, names, depth + 1);
    return false;
  }
  // isMain(module), isMain(import.meta), wm.isMain(...), or isMain imported under another name
  if (ts.isCallExpression(n)) {
    const callee = skipOuter(n.expression);
    return (ts.isIdentifier(callee) && (callee.text === 'isMain' || names.isMain.has(callee.text))) || (ts.isPropertyAccessExpression(callee) && callee.name.text === 'isMain');
  }
  // import.meta.main (Node 24+, Deno, Bun)
  return ts.isPropertyAccessExpression(n) && n.name.text === 'main' && isImportMeta(n.expression);
}

/** When the condition is false, this module is the main one (`if (require.main !== module) {...} else {<main>}`). */
export function falseImpliesMain(e: ts.Expression, names: GuardNames, depth = 0): boolean {
  if (depth > 50) return false;
  const n = skipOuter(e);
  if (ts.isPrefixUnaryExpression(n) && n.operator === SK.ExclamationToken) return impliesMain(n.operand, names, depth + 1);
  if (ts.isIdentifier(n)) return names.notEntry.has(n.text);
  // `module.parent` is null only in the module node runs (`if (!module.parent)`, deprecated but common).
  if (isModuleMember(n, 'parent')) return true;
  if (ts.isBinaryExpression(n)) {
    const op = n.operatorToken.kind;
    if (op === SK.ExclamationEqualsEqualsToken || op === SK.ExclamationEqualsToken) return isMainComparison(n.left, n.right);
    if (op === SK.BarBarToken) return falseImpliesMain(n.left, names, depth + 1) || falseImpliesMain(n.right, names, depth + 1);
    if (op === SK.AmpersandAmpersandToken) return falseImpliesMain(n.left, names, depth + 1) && falseImpliesMain(n.right, names, depth + 1);
  }
  return false;
}

/** A branch that always leaves the module: `return`, `throw`, `process.exit()`. */
export function exits(s: ts.Statement): boolean {
  if (ts.isReturnStatement(s) || ts.isThrowStatement(s)) return true;
  if (ts.isBlock(s)) return s.statements.length > 0 && exits(s.statements[s.statements.length - 1]);
  if (ts.isExpressionStatement(s) && ts.isCallExpression(s.expression)) {
    const c = s.expression.expression;
    return ts.isPropertyAccessExpression(c) && c.name.text === 'exit' && ts.isIdentifier(c.expression) && c.expression.text === 'process';
  }
  return false;
}
