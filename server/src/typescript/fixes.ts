/** TS/JS fixes: the main-guard wrap (CommonJS or ESM), moving a statement into a listener, renames, `// wm-ignore`. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { snakeToCamel } from '../analysis/dialect';
import type { FixInput, Fixer, TextEditSpan } from '../language';
import type { FixPlan } from '../rules/types';
import { styleOf, suppressOnLine, takeStatement, wrapRun } from '../statement-edits';
import { eolOf, indentAt, lineEndOf, lineStartOf, nextLineStart, startsLine } from '../text';
import { PACKAGE } from './dialect';
import type { TypeScriptSnapshot } from './support';
import { hasTopLevelAwait, inlineRequireName } from './syntax';

const COMMENT = /^(\/\/|\/\*)/;
/** The usual TS/JS indentation, for a file that has none yet. */
const INDENT = 2;

export const typescriptFixer: Fixer = {
  edits(plan: FixPlan, input: FixInput): TextEditSpan[] | null {
    switch (plan.kind) {
      case 'replace':
        return plan.edits;
      case 'wrapInGuard':
        return wrapInGuard(plan, input);
      case 'moveToListener':
        return moveToListener(plan, input);
    }
  },

  suppress(code: string, offset: number, input: FixInput): TextEditSpan | null {
    // A trailing line comment would swallow anything after it, so the new one goes last on the line.
    return suppressOnLine(code, offset, input, /\/\/\s*wm-ignore\s+WM-D\d+(?:\s*,\s*WM-D\d+)*/i, (c) => ` // wm-ignore ${c}`);
  },
};

function wrapInGuard(plan: Extract<FixPlan, { kind: 'wrapInGuard' }>, input: FixInput): TextEditSpan[] | null {
  const guard = mainGuard(input);
  const edit = wrapRun(input, plan.stmt, styleOf(input, INDENT).unit, guard.open, '}', COMMENT);
  if (!edit) return null;
  return guard.importEdit ? [guard.importEdit, edit] : [edit];
}

interface Guard {
  open: string;
  importEdit?: TextEditSpan;
}

/** Per fix input: working out the module kind reads the whole file, and fix-all wraps many statements. */
const guards = new WeakMap<FixInput, Guard>();

/** `require.main === module` in CommonJS; `isMain(import.meta)` from our package in ESM (importing it if needed). */
function mainGuard(input: FixInput): Guard {
  let guard = guards.get(input);
  if (!guard) guards.set(input, (guard = chooseGuard(input)));
  return guard;
}

function chooseGuard(input: FixInput): Guard {
  const sf = (input.snapshot as TypeScriptSnapshot).sourceFile;
  if (!isEsm(input.uri, sf)) return { open: 'if (require.main === module) {' };
  const ours = input.facts.imports.filter((i) => i.module === PACKAGE);
  const named = ours.find((i) => i.imported === 'isMain');
  if (named) return { open: `if (${named.local}(import.meta)) {` };
  // An inline `require(...)` is no namespace to call isMain on in an ES module.
  const namespace = ours.find((i) => i.imported === null && i.local !== inlineRequireName(PACKAGE));
  if (namespace) return { open: `if (${namespace.local}.isMain(import.meta)) {` };
  return { open: 'if (isMain(import.meta)) {', importEdit: importIsMain(sf, input.text) };
}

/** Adds `isMain` to an existing `import { ... } from 'worker-manager'`, or a new import after the others. */
function importIsMain(sf: ts.SourceFile, text: string): TextEditSpan {
  const eol = eolOf(text);
  let lastImport: ts.Statement | undefined;
  for (const s of sf.statements) {
    if (!ts.isImportDeclaration(s)) continue;
    lastImport = s;
    const nb = s.importClause?.namedBindings;
    if (ts.isStringLiteral(s.moduleSpecifier) && s.moduleSpecifier.text === PACKAGE && !s.importClause?.isTypeOnly && nb && ts.isNamedImports(nb) && nb.elements.length > 0) {
      const lastEl = nb.elements[nb.elements.length - 1];
      return { span: { start: lastEl.end, end: lastEl.end }, text: ', isMain' };
    }
  }
  const quote = /^\s*import[^'"]*(['"])/m.exec(text)?.[1] ?? "'";
  const line = `import { isMain } from ${quote}${PACKAGE}${quote};`;
  if (lastImport) return { span: { start: lastImport.end, end: lastImport.end }, text: `${eol}${line}` };
  // Before the first statement (so after a shebang and leading comments).
  const first = sf.statements[0];
  if (first) {
    const at = lineStartOf(text, first.getStart(sf));
    return { span: { start: at, end: at }, text: `${line}${eol}` };
  }
  const at = text.startsWith('#!') ? lineEndOf(text, 0) : 0;
  return { span: { start: at, end: at }, text: at === 0 ? `${line}${eol}` : `${eol}${line}` };
}

const packageTypes = new Map<string, string | undefined>();

/** The `type` field of the nearest package.json (cached per directory). */
function packageType(dir: string, depth = 0): string | undefined {
  if (depth > 40) return undefined;
  if (packageTypes.has(dir)) return packageTypes.get(dir);
  let type: string | undefined;
  const file = join(dir, 'package.json');
  if (existsSync(file)) {
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as { type?: unknown };
      type = typeof parsed.type === 'string' ? parsed.type : 'commonjs';
    } catch {
      type = 'commonjs';
    }
  } else {
    const parent = dirname(dir);
    type = parent === dir ? undefined : packageType(parent, depth + 1);
  }
  packageTypes.set(dir, type);
  return type;
}

/** Whether Node runs this file as an ES module. */
export function isEsm(uri: string, sf: ts.SourceFile): boolean {
  const lower = uri.toLowerCase();
  if (/\.m[jt]sx?$/.test(lower)) return true;
  if (/\.c[jt]sx?$/.test(lower)) return false;
  const text = sf.text;
  if (text.includes('import.meta') || hasTopLevelAwait(sf)) return true;
  if (/\brequire\s*\(|\bmodule\.exports\b|\bexports\.[A-Za-z_$]/.test(text)) return false;
  let type: string | undefined;
  if (uri.startsWith('file:')) {
    try {
      type = packageType(dirname(fileURLToPath(uri)));
    } catch {
      type = undefined;
    }
  }
  if (type === 'module') return true;
  if (type === 'commonjs' && /\.tsx?$/.test(lower)) return false;
  // Node treats a .js file with import/export syntax as ESM (syntax detection); TS compiles to CommonJS by default.
  const hasModuleSyntax = sf.statements.some((s) => ts.isImportDeclaration(s) || ts.isExportDeclaration(s) || ts.isExportAssignment(s));
  return hasModuleSyntax && !/\.tsx?$/.test(lower) && type !== 'commonjs';
}

function moveToListener(plan: Extract<FixPlan, { kind: 'moveToListener' }>, input: FixInput): TextEditSpan[] | null {
  const { text } = input;
  const { eol, unit } = styleOf(input, INDENT);
  const method = snakeToCamel(plan.role);
  const listener = input.listenerFor(plan.role);
  const exit = listener?.ending.kind === 'exit' ? listener.ending.stmt : null;
  if (listener && listener.blockBody && exit && startsLine(text, exit.start)) {
    // Before the `return` / `throw` that ends the body: after it, the code would never run.
    const taken = takeStatement(input, plan.stmt, COMMENT, indentAt(text, exit.start));
    if (!taken) return null;
    const at = lineStartOf(text, exit.start);
    return [{ span: { start: at, end: at }, text: `${taken.lines}${eol}` }, taken.remove];
  }
  if (listener && listener.blockBody && !exit) {
    // Insert before the closing brace, when it sits on its own line.
    const close = listener.body.end - 1;
    if (text[close] === '}' && startsLine(text, close) && close > lineEndOf(text, listener.body.start)) {
      const braceIndent = indentAt(text, close);
      const firstInner = text.slice(listener.body.start + 1, close).search(/\S/);
      const innerIndent = firstInner === -1 ? braceIndent + unit : indentAt(text, listener.body.start + 1 + firstInner);
      const taken = takeStatement(input, plan.stmt, COMMENT, innerIndent);
      if (!taken) return null;
      const at = lineStartOf(text, close);
      return [{ span: { start: at, end: at }, text: `${taken.lines}${eol}` }, taken.remove];
    }
  }
  const taken = takeStatement(input, plan.stmt, COMMENT, unit);
  if (!taken) return null;
  // The new listener takes the statement's place.
  const at = { start: taken.own.start, end: nextLineStart(text, taken.own.end) };
  return [{ span: at, text: `${plan.receiver}.${method}((app) => {${eol}${taken.lines}${eol}});${eol}` }];
}
