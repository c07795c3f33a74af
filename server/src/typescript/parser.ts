/** One document's TypeScript/JavaScript syntax tree, updated incrementally with the compiler's own reparser. */
import ts from 'typescript';

export function scriptKindFor(languageId: string, uri: string): ts.ScriptKind {
  switch (languageId) {
    case 'typescript':
      return ts.ScriptKind.TS;
    case 'typescriptreact':
      return ts.ScriptKind.TSX;
    case 'javascript':
      return ts.ScriptKind.JS;
    case 'javascriptreact':
      return ts.ScriptKind.JSX;
  }
  if (/\.[cm]?tsx?$/i.test(uri)) return uri.toLowerCase().endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  return uri.toLowerCase().endsWith('x') ? ts.ScriptKind.JSX : ts.ScriptKind.JS;
}

export function parseTypeScript(fileName: string, text: string, kind: ts.ScriptKind): ts.SourceFile {
  return ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, kind);
}

export class TypeScriptTree {
  private sourceFile: ts.SourceFile | null = null;
  private changes: ts.TextChangeRange[] = [];

  constructor(
    private readonly fileName: string,
    private readonly kind: ts.ScriptKind,
  ) {}

  /** An edit of the text: `start`/`end` in the old text, `newLength` of what replaced it. */
  edit(start: number, end: number, newLength: number): void {
    if (this.sourceFile) this.changes.push(ts.createTextChangeRange(ts.createTextSpan(start, end - start), newLength));
  }

  current(text: string): ts.SourceFile {
    const old = this.sourceFile;
    if (old && this.changes.length === 0 && old.text === text) return old;
    let next: ts.SourceFile | undefined;
    if (old && this.changes.length > 0) {
      try {
        next = ts.updateSourceFile(old, text, ts.collapseTextChangeRangesAcrossMultipleVersions(this.changes));
      } catch {
        next = undefined; // the incremental parser refused the edit: parse from scratch
      }
      if (next && next.text !== text) next = undefined;
    }
    this.sourceFile = next ?? parseTypeScript(this.fileName, text, this.kind);
    this.changes = [];
    return this.sourceFile;
  }
}
