/**
 * Open documents with incremental sync: each content change is applied to the text and, in the same coordinates,
 * to the document's syntax state (so tree-sitter / the TS reparser can reuse the old tree).
 */
import type { DidChangeTextDocumentParams, DidOpenTextDocumentParams } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze, type Analysis } from './analyzer';
import type { LanguageSupport, Snapshot, SyntaxState } from './language';
import type { Settings } from './settings';

/** Files larger than this (in UTF-16 units, about 8 MB) are not analysed: no worker-manager app is that big. */
export const MAX_CHARS = 8_000_000;

export class OpenDocument {
  private snapshotCache: { version: number; snapshot: Snapshot | null } | undefined;
  private analysisCache: Analysis | undefined;

  constructor(
    public doc: TextDocument,
    readonly languageId: string,
    readonly support: LanguageSupport | null,
    readonly state: SyntaxState | null,
  ) {}

  get tooLarge(): boolean {
    return this.doc.getText().length > MAX_CHARS;
  }

  /** The parsed state of the current version (parsing now if needed); null if unsupported or abandoned. */
  snapshot(): Snapshot | null {
    if (!this.state || this.tooLarge) return null;
    const version = this.doc.version;
    if (this.snapshotCache?.version !== version) this.snapshotCache = { version, snapshot: this.state.snapshot(this.doc.getText()) };
    return this.snapshotCache.snapshot;
  }

  /** The analysis of the current version with these settings (computed now if needed). */
  analysis(settings: Settings): Analysis | null {
    const cached = this.analysisCache;
    if (cached && cached.version === this.doc.version && cached.settings === settings) return cached;
    const snapshot = this.snapshot();
    if (!snapshot || !this.support) return null;
    this.analysisCache = analyze(this.support, snapshot, this.doc.uri, this.doc.version, this.doc.getText(), settings);
    return this.analysisCache;
  }

  applyChanges(params: DidChangeTextDocumentParams): void {
    for (const change of params.contentChanges) {
      const before = this.doc.getText();
      if ('range' in change) {
        const start = this.doc.offsetAt(change.range.start);
        const end = Math.max(start, this.doc.offsetAt(change.range.end));
        this.state?.edit({ start, end, text: change.text, before });
      } else {
        this.state?.edit({ start: 0, end: before.length, text: change.text, before });
      }
      this.doc = TextDocument.update(this.doc, [change], params.textDocument.version);
    }
    this.snapshotCache = undefined;
    this.analysisCache = undefined;
  }

  dispose(): void {
    this.state?.dispose();
  }
}

export class DocumentStore {
  private readonly docs = new Map<string, OpenDocument>();

  constructor(private readonly supportFor: (languageId: string, uri: string) => LanguageSupport | null) {}

  open(params: DidOpenTextDocumentParams): OpenDocument {
    const { uri, languageId, version, text } = params.textDocument;
    this.docs.get(uri)?.dispose();
    const support = this.supportFor(languageId, uri);
    const state = support ? support.open(uri, languageId) : null;
    const doc = new OpenDocument(TextDocument.create(uri, languageId, version, text), languageId, support, state);
    this.docs.set(uri, doc);
    return doc;
  }

  get(uri: string): OpenDocument | undefined {
    return this.docs.get(uri);
  }

  all(): OpenDocument[] {
    return [...this.docs.values()];
  }

  close(uri: string): void {
    this.docs.get(uri)?.dispose();
    this.docs.delete(uri);
  }
}
