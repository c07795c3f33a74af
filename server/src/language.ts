/** What the server needs from a language: incremental syntax state per document, and a fixer. */
import type { Dialect } from './analysis/dialect';
import type { BodyEnding, Facts, Span } from './analysis/model';
import type { FixPlan } from './rules/types';

/** A change of the document text, in the coordinates of the text before it. */
export interface TextChange {
  start: number;
  end: number;
  text: string;
  /** The whole text before the change (to compute tree-sitter points). */
  before: string;
}

/** The parsed state of one version of a document. Valid until the next edit of its SyntaxState. */
export interface Snapshot {
  facts: Facts;
  /** The offset is inside a comment (not a string that looks like one). */
  isComment(offset: number): boolean;
  /** A string literal inside `span` spans several lines (re-indenting the span would change it). */
  hasMultilineString(span: Span): boolean;
}

/** Incremental parse state of one open document. */
export interface SyntaxState {
  edit(change: TextChange): void;
  /** Parses (reusing the previous tree) and extracts facts; null if the parse was abandoned. */
  snapshot(text: string): Snapshot | null;
  dispose(): void;
}

/** Everything a fixer may look at. */
export interface FixInput {
  uri: string;
  text: string;
  snapshot: Snapshot;
  facts: Facts;
  /** Every fix plan of the same analysis (a wrap joins the flagged statements next to it). */
  plans: FixPlan[];
  /** An existing listener for `role` that code can be added to (its end is reached, or only left by a last `return`). */
  listenerFor(role: string): { body: Span; blockBody: boolean; ending: BodyEnding } | undefined;
  /** Names bound at module level, to name a new listener without a clash. */
  moduleNames: ReadonlySet<string>;
}

export interface TextEditSpan {
  span: Span;
  text: string;
}

export interface Fixer {
  /** Text edits for a plan, or null when the fix cannot be made safely here. */
  edits(plan: FixPlan, input: FixInput): TextEditSpan[] | null;
  /** The edit that appends a suppression comment for `code` to the line holding `offset`. */
  suppress(code: string, offset: number, input: FixInput): TextEditSpan | null;
}

export interface LanguageSupport {
  dialect: Dialect;
  open(uri: string, languageId: string): SyntaxState;
  fixer: Fixer;
  /** Suppression comments on a line: undefined if none, [] for "every rule". */
  suppressedOn(lineText: string, lineStart: number, snapshot: Snapshot): string[] | undefined;
  /** Suppression comments on a line for the line after it (`// wm-ignore-next-line`). */
  suppressedNext(lineText: string, lineStart: number, snapshot: Snapshot): string[] | undefined;
}
