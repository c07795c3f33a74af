/** What a rule sees and what it reports. */
import type { Dialect, Role, RuleCode } from '../analysis/dialect';
import type { Facts, Span } from '../analysis/model';
import type { Semantics } from '../analysis/semantics';

export interface RuleContext {
  facts: Facts;
  sem: Semantics;
  dialect: Dialect;
  text: string;
}

/** A fix described by intent; the language's fixer turns it into text edits. */
export type FixPlan =
  /** Wrap the statement (and flagged statements right next to it) in the main-guard. */
  | { kind: 'wrapInGuard'; title: string; stmt: Span }
  /** Move a top-level statement into a listener for `role` on `receiver` (an existing one, or a new one). */
  | { kind: 'moveToListener'; title: string; stmt: Span; role: Role; receiver: string }
  /** Plain replacements (renames, removals). */
  | { kind: 'replace'; title: string; edits: Array<{ span: Span; text: string }> };

export interface Finding {
  code: RuleCode;
  span: Span;
  message: string;
  /** A docs anchor other than the rule's default one. */
  topic?: string;
  fix?: FixPlan;
}

export type Rule = (ctx: RuleContext) => Finding[];

/** `line N` for messages (1-based), from an offset. */
export function lineOf(text: string, offset: number): number {
  let line = 1;
  const ends = /\r\n|\r|\n/g;
  for (let m = ends.exec(text); m && m.index < offset; m = ends.exec(text)) line++;
  return line;
}
