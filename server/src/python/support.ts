/** Python as the server sees it: incremental tree-sitter state, suppression comments, the fixer. */
import type { Edit, Point, Tree } from 'web-tree-sitter';
import type { Span } from '../analysis/model';
import type { LanguageSupport, Snapshot, SyntaxState, TextChange } from '../language';
import { pythonDialect } from './dialect';
import { PythonExtractor } from './extract';
import { pythonFixer } from './fixes';
import { loadPython, newParser, PythonTree } from './parser';

export async function createPythonSupport(): Promise<LanguageSupport> {
  const parser = newParser(await loadPython());
  return {
    dialect: pythonDialect,
    open: () => new PythonSyntax(new PythonTree(parser)),
    fixer: pythonFixer,
    suppressedOn: noqaCodes,
    suppressedNext: () => undefined,
  };
}

class PythonSyntax implements SyntaxState {
  private readonly extractor = new PythonExtractor();

  constructor(private readonly tree: PythonTree) {}

  edit(change: TextChange): void {
    this.tree.edit(treeSitterEdit(change));
  }

  snapshot(document: string): Snapshot | null {
    const text = lineEndsForParser(document);
    const tree = this.tree.current(text);
    if (!tree) return null;
    const facts = this.extractor.extract(tree, text);
    return {
      facts,
      isComment: (offset) => tree.rootNode.descendantForIndex(offset)?.type === 'comment',
      hasMultilineString: (span) => multilineStringIn(tree, span),
    };
  }

  dispose(): void {
    this.tree.dispose();
  }
}

/**
 * The grammar ends lines at \n only, Python (and the editor) at \r too: a lone \r becomes \n for the parser. Same
 * length, so every offset stays the document's.
 */
function lineEndsForParser(text: string): string {
  return text.includes('\r') ? text.replace(/\r(?!\n)/g, '\n') : text;
}

/** tree-sitter counts rows by \n and columns in UTF-16 units (web-tree-sitter parses JS strings as UTF-16). */
function pointAt(text: string, offset: number): Point {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: offset - lineStart };
}

function advance(from: Point, inserted: string): Point {
  const last = inserted.lastIndexOf('\n');
  if (last === -1) return { row: from.row, column: from.column + inserted.length };
  let rows = 0;
  for (let i = inserted.indexOf('\n'); i !== -1; i = inserted.indexOf('\n', i + 1)) rows++;
  return { row: from.row + rows, column: inserted.length - last - 1 };
}

/** The change as tree-sitter sees it, in the parser's text (lone \r as \n). */
function treeSitterEdit(c: TextChange): Edit {
  let start = c.start;
  let before = c.before;
  let inserted = c.text;
  if (before.includes('\r') || inserted.includes('\r')) {
    // A \r just before the change may turn from a line end of its own into half of a \r\n (or back): it is part of the edit.
    if (start > 0 && before.charCodeAt(start - 1) === 13) start--;
    const after = lineEndsForParser(before.slice(0, c.start) + c.text + before.slice(c.end));
    before = lineEndsForParser(before);
    inserted = after.slice(start, c.start + c.text.length);
  }
  const startPosition = pointAt(before, start);
  return {
    startIndex: start,
    oldEndIndex: c.end,
    newEndIndex: c.start + c.text.length,
    startPosition,
    oldEndPosition: advance(startPosition, before.slice(start, c.end)),
    newEndPosition: advance(startPosition, inserted),
  };
}

function multilineStringIn(tree: Tree, span: Span): boolean {
  const root = tree.rootNode.descendantForIndex(span.start, Math.max(span.start, span.end - 1));
  if (!root) return false;
  // The smallest node around the span may be a string itself, or an ancestor of strings that reach into the span.
  for (let n: typeof root | null = root; n; n = n.parent) {
    if ((n.type === 'string' || n.type === 'concatenated_string') && n.startPosition.row !== n.endPosition.row) return true;
  }
  const cursor = root.walk();
  try {
    for (;;) {
      const type = cursor.nodeType;
      const overlapping = cursor.startIndex < span.end && span.start < cursor.endIndex;
      if (overlapping && (type === 'string' || type === 'concatenated_string') && cursor.startPosition.row !== cursor.endPosition.row) return true;
      if (overlapping && cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return false;
      }
    }
  } finally {
    cursor.delete();
  }
}

const NOQA = /#\s*noqa\b/gi;

/**
 * `# noqa` suppresses every rule on the line; `# noqa: WM-D1, WM-D2` those codes (ruff and flake8 syntax). The
 * code list is read token by token, a bounded stretch of it, so a long comment costs linear time.
 */
function noqaCodes(line: string, lineStart: number, snapshot: Snapshot): string[] | undefined {
  let found: string[] | undefined;
  let markers = 0;
  for (const m of line.matchAll(NOQA)) {
    if (++markers > MAX_MARKERS) break;
    const at = m.index ?? 0;
    if (!snapshot.isComment(lineStart + at)) continue;
    const from = at + m[0].length;
    const codes = noqaList(line.slice(from, from + MAX_CODE_LIST));
    if (!codes) return [];
    (found ??= []).push(...codes);
  }
  return found;
}

/** Markers looked at per line, and how much of the comment after one is read for codes. */
const MAX_MARKERS = 20;
const MAX_CODE_LIST = 1000;

const FIRST_CODE = /:\s*([A-Za-z0-9_-]+)/y;
const NEXT_AFTER_COMMA = /\s*,\s*([A-Za-z0-9_-]+)/y;
const NEXT_AFTER_SPACE = /\s+([A-Za-z0-9_-]+)/y;

/** `: E501, WM-D1 WM-D4` → the codes; null when no list follows (`# noqa` alone). Prose after the codes is not one. */
function noqaList(rest: string): string[] | null {
  FIRST_CODE.lastIndex = 0;
  const first = FIRST_CODE.exec(rest);
  if (!first) return null;
  const codes = [first[1].toUpperCase()];
  let at = FIRST_CODE.lastIndex;
  for (;;) {
    NEXT_AFTER_COMMA.lastIndex = at;
    let m = NEXT_AFTER_COMMA.exec(rest);
    let end = NEXT_AFTER_COMMA.lastIndex;
    if (!m) {
      // Separated by blanks only, a word counts as a code if it looks like one (E501, WM-D1).
      NEXT_AFTER_SPACE.lastIndex = at;
      m = NEXT_AFTER_SPACE.exec(rest);
      end = NEXT_AFTER_SPACE.lastIndex;
      if (m && !looksLikeCode(m[1])) m = null;
    }
    if (!m) return codes;
    codes.push(m[1].toUpperCase());
    at = end;
  }
}

function looksLikeCode(word: string): boolean {
  const last = word.charCodeAt(word.length - 1);
  return word.length >= 2 && /^[A-Za-z]/.test(word) && last >= 48 && last <= 57;
}
