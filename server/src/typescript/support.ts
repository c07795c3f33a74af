/** TypeScript/JavaScript as the server sees it: incremental SourceFile, `// wm-ignore` comments, the fixer. */
import ts from 'typescript';
import type { Span } from '../analysis/model';
import type { LanguageSupport, Snapshot, SyntaxState, TextChange } from '../language';
import { typescriptDialect } from './dialect';
import { TypeScriptExtractor } from './extract';
import { typescriptFixer } from './fixes';
import { scriptKindFor, TypeScriptTree } from './parser';

export interface TypeScriptSnapshot extends Snapshot {
  sourceFile: ts.SourceFile;
}

export function createTypeScriptSupport(): LanguageSupport {
  return {
    dialect: typescriptDialect,
    open: (uri, languageId) => new TypeScriptSyntax(new TypeScriptTree(uri, scriptKindFor(languageId, uri))),
    fixer: typescriptFixer,
    suppressedOn: (line, start, snapshot) => ignoreCodes(line, start, snapshot, false),
    suppressedNext: (line, start, snapshot) => ignoreCodes(line, start, snapshot, true),
  };
}

class TypeScriptSyntax implements SyntaxState {
  private readonly extractor = new TypeScriptExtractor();

  constructor(private readonly tree: TypeScriptTree) {}

  edit(change: TextChange): void {
    this.tree.edit(change.start, change.end, change.text.length);
  }

  snapshot(text: string): TypeScriptSnapshot | null {
    let sourceFile: ts.SourceFile;
    try {
      sourceFile = this.tree.current(text);
    } catch (e) {
      // The compiler's parser recurses: thousands of nested brackets overflow the stack. No tree, no diagnostics.
      if (e instanceof RangeError) return null;
      throw e;
    }
    return {
      sourceFile,
      facts: this.extractor.extract(sourceFile),
      isComment: (offset) => isInComment(sourceFile, offset),
      hasMultilineString: (span) => hasMultilineTemplate(sourceFile, span),
    };
  }

  dispose(): void {}
}

const LITERALS = new Set([
  ts.SyntaxKind.StringLiteral,
  ts.SyntaxKind.NoSubstitutionTemplateLiteral,
  ts.SyntaxKind.TemplateHead,
  ts.SyntaxKind.TemplateMiddle,
  ts.SyntaxKind.TemplateTail,
  ts.SyntaxKind.RegularExpressionLiteral,
  ts.SyntaxKind.JsxText,
]);

/** Whether `offset` is inside a comment: found by walking down to the trivia that holds it. */
export function isInComment(sf: ts.SourceFile, offset: number): boolean {
  const text = sf.text;
  const within = (ranges: ts.CommentRange[] | undefined): boolean => !!ranges?.some((r) => r.pos <= offset && offset < r.end);
  let node: ts.Node = sf;
  for (let depth = 0; depth < 500; depth++) {
    let containing: ts.Node | undefined;
    let before: ts.Node | undefined;
    ts.forEachChild(node, (c) => {
      if (c.end <= offset) {
        before = c;
        return undefined;
      }
      if (c.pos <= offset) containing = c;
      return true;
    });
    if (!containing) {
      // Between the children (or after the last): scan the stretch of loose tokens and trivia.
      const from = before ? (before as ts.Node).end : node === sf ? 0 : node.getStart(sf);
      return scanForComment(text, from, offset, sf.languageVariant);
    }
    const child = containing as ts.Node;
    // Trivia before the child: comments on the previous token's line are "trailing", the rest "leading".
    if (offset < child.getStart(sf)) return within(ts.getTrailingCommentRanges(text, child.pos)) || within(ts.getLeadingCommentRanges(text, child.pos));
    if (LITERALS.has(child.kind)) return false;
    node = child;
  }
  return false;
}

function scanForComment(text: string, from: number, offset: number, variant: ts.LanguageVariant): boolean {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, variant, text);
  scanner.resetTokenState(from);
  for (let guard = 0; guard < 10_000; guard++) {
    const kind = scanner.scan();
    if (kind === ts.SyntaxKind.EndOfFileToken || scanner.getTokenFullStart() > offset) return false;
    if (scanner.getTokenStart() <= offset && offset < scanner.getTokenEnd()) {
      return kind === ts.SyntaxKind.SingleLineCommentTrivia || kind === ts.SyntaxKind.MultiLineCommentTrivia;
    }
  }
  return false;
}

function hasMultilineTemplate(sf: ts.SourceFile, span: Span): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found || n.end <= span.start || n.pos >= span.end) return;
    if (ts.isTemplateExpression(n) || ts.isNoSubstitutionTemplateLiteral(n) || ts.isStringLiteral(n)) {
      const text = n.getText(sf);
      if (/[\r\n]/.test(text)) found = true;
      return;
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}

const IGNORE = /(?:\/\/|\/\*)\s*wm-ignore(-next-line)?\b/g;
/** Markers looked at per line, and how much of the comment after one is read for codes. */
const MAX_MARKERS = 20;
const MAX_CODE_LIST = 1000;

/** `// wm-ignore` (every rule) or `// wm-ignore WM-D1, WM-D2`; with `-next-line` for the line below. */
function ignoreCodes(line: string, lineStart: number, snapshot: Snapshot, nextLine: boolean): string[] | undefined {
  let found: string[] | undefined;
  let markers = 0;
  for (const m of line.matchAll(IGNORE)) {
    if (++markers > MAX_MARKERS) break;
    const at = m.index ?? 0;
    if (!!m[1] !== nextLine || !snapshot.isComment(lineStart + at)) continue;
    const from = at + m[0].length;
    const codes = ignoreList(line.slice(from, from + MAX_CODE_LIST));
    if (!codes) return [];
    (found ??= []).push(...codes);
  }
  return found;
}

// Sticky, and with no two blank runs side by side, so a long comment is read in linear time.
const FIRST_CODE = /\s*(?::\s*)?(WM-D\d+)/iy;
const NEXT_CODE = /(?:\s*,\s*|\s+)(WM-D\d+)/iy;

/** The codes right after the marker; anything after them (another comment, prose) is not a code list. */
function ignoreList(rest: string): string[] | null {
  FIRST_CODE.lastIndex = 0;
  const first = FIRST_CODE.exec(rest);
  if (!first) return null;
  const codes = [first[1].toUpperCase()];
  for (let at = FIRST_CODE.lastIndex; ; ) {
    NEXT_CODE.lastIndex = at;
    const m = NEXT_CODE.exec(rest);
    if (!m) return codes;
    codes.push(m[1].toUpperCase());
    at = NEXT_CODE.lastIndex;
  }
}
