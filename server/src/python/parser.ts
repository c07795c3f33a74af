/**
 * tree-sitter for Python: loads the wasm runtime and grammar (next to the bundle in dist/, or from node_modules
 * when running unbundled from out/), and keeps one incrementally re-parsed tree per document.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Edit, Language, Parser, Tree } from 'web-tree-sitter';
// A require, not an import: bundled by esbuild it must pick the package's CommonJS build (its ESM build needs
// import.meta, which a CommonJS bundle does not have).
import TreeSitter = require('web-tree-sitter');

/** A parse that takes longer than this is abandoned (the document gets no diagnostics until the next edit). */
const PARSE_DEADLINE_MS = 5000;

let loading: Promise<Language> | undefined;

function locate(file: string): string {
  const beside = join(__dirname, file);
  if (existsSync(beside)) return beside;
  const pkg = file === 'tree-sitter.wasm' ? 'web-tree-sitter/tree-sitter.wasm' : 'tree-sitter-python/tree-sitter-python.wasm';
  return require.resolve(pkg);
}

/** The Python grammar, loaded once. */
export function loadPython(): Promise<Language> {
  loading ??= (async () => {
    await TreeSitter.Parser.init({ locateFile: (name: string) => locate(name) });
    return TreeSitter.Language.load(locate('tree-sitter-python.wasm'));
  })();
  return loading;
}

/** A parser for one-off parses (fix-all passes, the benchmark floor). */
export function newParser(language: Language): Parser {
  const parser = new TreeSitter.Parser();
  parser.setLanguage(language);
  return parser;
}

/** Parses `text` (reusing `old` if given), giving up after the deadline. */
export function parseWithDeadline(parser: Parser, text: string, old: Tree | null): Tree | null {
  const deadline = performance.now() + PARSE_DEADLINE_MS;
  const progressCallback = (() => performance.now() > deadline) as unknown as () => void;
  const tree = parser.parse(text, old, { progressCallback });
  // An abandoned parse would otherwise resume where it stopped on the next call.
  if (!tree) parser.reset();
  return tree;
}

/**
 * One document's tree. Edits are applied to the old tree as they arrive (cheap); the parse that reuses it runs
 * only when diagnostics are due.
 */
export class PythonTree {
  private tree: Tree | null = null;
  private stale = true;

  constructor(private readonly parser: Parser) {}

  edit(edit: Edit): void {
    this.tree?.edit(edit);
    this.stale = true;
  }

  /** The tree for `text`: re-parsed incrementally if edits came in since the last parse. */
  current(text: string): Tree | null {
    if (!this.stale && this.tree) return this.tree;
    const next = parseWithDeadline(this.parser, text, this.tree);
    if (!next) return null;
    this.tree?.delete();
    this.tree = next;
    this.stale = false;
    return next;
  }

  dispose(): void {
    this.tree?.delete();
    this.tree = null;
  }
}
