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

  snapshot(text: string): Snapshot | null {
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

function treeSitterEdit(c: TextChange): Edit {
  const startPosition = pointAt(c.before, c.start);
  return {
    startIndex: c.start,
    oldEndIndex: c.end,
    newEndIndex: c.start + c.text.length,
    startPosition,
    oldEndPosition: advance(startPosition, c.before.slice(c.start, c.end)),
    newEndPosition: advance(startPosition, c.text),
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

const NOQA = /#\s*noqa\b(?::\s*([A-Za-z0-9_-]+(?:\s*,\s*[A-Za-z0-9_-]+|\s+[A-Z]+[A-Za-z0-9_-]*\d)*))?/gi;

/** `# noqa` suppresses every rule on the line; `# noqa: WM-D1, WM-D2` those codes (ruff and flake8 syntax). */
function noqaCodes(line: string, lineStart: number, snapshot: Snapshot): string[] | undefined {
  let found: string[] | undefined;
  for (const m of line.matchAll(NOQA)) {
    if (!snapshot.isComment(lineStart + (m.index ?? 0))) continue;
    if (!m[1]) return [];
    found = [...(found ?? []), ...m[1].split(/[\s,]+/).map((c) => c.toUpperCase())];
  }
  return found;
}
