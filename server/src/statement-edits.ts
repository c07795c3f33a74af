/**
 * Edits on whole statements, shared by the Python and TS fixers: wrapping a run of statements in a block, taking
 * a statement out, and re-indenting it elsewhere. Each refuses (returns null) rather than risk changing meaning.
 */
import type { Span } from './analysis/model';
import type { FixInput, TextEditSpan } from './language';
import { blankLinesBefore, eolOf, indentAt, indentBlock, lineEndOf, lineStartOf, nextLineStart, skipBlankLines, splitLines, startsLine } from './text';

/** The statement's whole lines, if nothing else shares them (only blanks, `;` and a comment around it). */
export function ownLines(text: string, stmt: Span, comment: RegExp): Span | null {
  if (!startsLine(text, stmt.start)) return null;
  const end = lineEndOf(text, stmt.end);
  const rest = text.slice(stmt.end, end).replace(/^\s*;?\s*/, '');
  if (rest !== '' && !comment.test(rest)) return null;
  return { start: lineStartOf(text, stmt.start), end };
}

/**
 * The flagged statements next to `stmt` that a wrap should take along (`app.prepare()` + `Sanic.serve()`):
 * same indentation, only blank or comment lines between them.
 */
export function adjacentGroup(text: string, stmt: Span, all: Span[], commentLine: RegExp): Span[] {
  const sorted = [...new Map(all.map((s) => [`${s.start}:${s.end}`, s])).values()].sort((a, b) => a.start - b.start);
  const i = sorted.findIndex((s) => s.start === stmt.start && s.end === stmt.end);
  if (i === -1) return [stmt];
  const indent = indentAt(text, stmt.start);
  const joins = (a: Span, b: Span): boolean =>
    a.end <= b.start &&
    indentAt(text, b.start) === indent &&
    splitLines(text.slice(a.end, b.start)).every((l, k) => {
      const t = (k === 0 ? l.replace(/^\s*;/, '') : l).trim();
      return t === '' || commentLine.test(t);
    });
  let lo = i;
  let hi = i;
  while (lo > 0 && joins(sorted[lo - 1], sorted[lo])) lo--;
  while (hi < sorted.length - 1 && joins(sorted[hi], sorted[hi + 1])) hi++;
  return sorted.slice(lo, hi + 1);
}

/** Wraps the lines of `group` in `open` ... `close` (close null for Python's indentation-only blocks). */
export function wrapLines(input: FixInput, group: Span[], unit: string, open: string, close: string | null, comment: RegExp): TextEditSpan | null {
  const { text } = input;
  const first = ownLines(text, group[0], comment);
  const last = ownLines(text, group[group.length - 1], comment);
  if (!first || !last) return null;
  const region = { start: first.start, end: last.end };
  if (input.snapshot.hasMultilineString(region)) return null;
  const eol = eolOf(text);
  const indent = indentAt(text, region.start);
  const body = indentBlock(text.slice(region.start, region.end), unit, eol);
  return { span: region, text: `${indent}${open}${eol}${body}${close === null ? '' : `${eol}${indent}${close}`}` };
}

/** Removing a statement's lines, and its text re-indented for another place. */
export function takeStatement(input: FixInput, stmt: Span, comment: RegExp, newIndent: string): { remove: TextEditSpan; own: Span; lines: string } | null {
  const { text } = input;
  const own = ownLines(text, stmt, comment);
  if (!own || input.snapshot.hasMultilineString(own)) return null;
  const oldIndent = indentAt(text, own.start);
  const eol = eolOf(text);
  const lines = splitLines(text.slice(own.start, own.end))
    .map((l) => (l.startsWith(oldIndent) ? l.slice(oldIndent.length) : l.trimStart()))
    .map((l) => (l.trim() === '' ? '' : newIndent + l))
    .join(eol);
  return { remove: { span: tidyRemoval(text, own.start, nextLineStart(text, own.end)), text: '' }, own, lines };
}

/** Lines to remove, taking along blank lines that would otherwise double up (or trail at the end of the file). */
function tidyRemoval(text: string, start: number, end: number): Span {
  let s = start;
  let e = end;
  if (blankLinesBefore(text, s) > 0) e = skipBlankLines(text, e);
  if (e >= text.length) while (blankLinesBefore(text, s, 1) > 0) s = lineStartOf(text, s - 1);
  return { start: s, end: e };
}

/** A name like `base` that the module does not use yet. */
export function freshName(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}_${i}`)) return `${base}_${i}`;
}

/**
 * "Ignore this rule on this line": adds `code` to a suppression comment already on the line (`existing` finds
 * it), or appends a new one (`comment(code)`). Null inside a multi-line string, where a comment cannot go.
 */
export function suppressOnLine(
  code: string,
  offset: number,
  input: FixInput,
  existing: RegExp,
  comment: (code: string) => string,
): TextEditSpan | null {
  const { text } = input;
  const start = lineStartOf(text, offset);
  const end = lineEndOf(text, offset);
  if (input.snapshot.hasMultilineString({ start, end })) return null;
  const found = existing.exec(text.slice(start, end));
  if (found && input.snapshot.isComment(start + found.index)) {
    const at = start + found.index + found[0].length;
    return { span: { start: at, end: at }, text: `, ${code}` };
  }
  return { span: { start: end, end }, text: comment(code) };
}
