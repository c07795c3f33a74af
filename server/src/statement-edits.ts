/**
 * Edits on whole statements, shared by the Python and TS fixers: wrapping a run of statements in a block, taking
 * a statement out, and re-indenting it elsewhere. Each refuses (returns null) rather than risk changing meaning.
 */
import type { Span } from './analysis/model';
import type { FixInput, TextEditSpan } from './language';
import { blankLinesBefore, eolOf, indentAt, indentBlock, indentUnit, lineEndOf, lineStartOf, nextLineStart, skipBlankLines, splitLines, startsLine } from './text';

/** The file's line end and indentation unit, worked out once per fix input: each may read the whole file. */
const styles = new WeakMap<FixInput, { eol: string; unit?: string }>();

export function styleOf(input: FixInput, fallbackIndent: number): { eol: string; unit: string } {
  const style = eolStyle(input);
  style.unit ??= indentUnit(input.text, fallbackIndent);
  return { eol: style.eol, unit: style.unit };
}

function eolStyle(input: FixInput): { eol: string; unit?: string } {
  let style = styles.get(input);
  if (!style) styles.set(input, (style = { eol: eolOf(input.text) }));
  return style;
}

/**
 * The whole lines from `first` to `last` (one statement, or a run of them), if nothing else shares them: only
 * blanks before `first`, only blanks, a `;` and a comment after `last`.
 */
export function ownLines(text: string, first: Span, comment: RegExp, last: Span = first): Span | null {
  if (!startsLine(text, first.start)) return null;
  const end = lineEndOf(text, last.end);
  const rest = text.slice(last.end, end).replace(/^\s*;?\s*/, '');
  if (rest !== '' && !comment.test(rest)) return null;
  return { start: lineStartOf(text, first.start), end };
}

interface WrapMemo {
  /** Each flagged statement's run: itself and the flagged statements right next to it. */
  groups: Map<string, Span[]>;
  edits: Map<Span[], TextEditSpan | null>;
}

/** Per fix input: fix-all asks for the wrap of every statement of a run, and each must cost only its own lines. */
const wrapMemos = new WeakMap<FixInput, WrapMemo>();
const keyOf = (s: Span): string => `${s.start}:${s.end}`;

/**
 * Wraps `stmt` and the flagged statements next to it (`app.prepare()` + `Sanic.serve()`: same indentation, only
 * blank or comment lines, or a `;`, between them) in `open` ... `close` (close null for Python's indentation-only
 * blocks). The runs are those of every statement a wrap is planned for.
 */
export function wrapRun(input: FixInput, stmt: Span, unit: string, open: string, close: string | null, comment: RegExp): TextEditSpan | null {
  let memo = wrapMemos.get(input);
  if (!memo) {
    const planned = input.plans.flatMap((p) => (p.kind === 'wrapInGuard' ? [p.stmt] : []));
    wrapMemos.set(input, (memo = { groups: runsOf(input.text, planned, comment), edits: new Map() }));
  }
  const group = memo.groups.get(keyOf(stmt)) ?? [stmt];
  let edit = memo.edits.get(group);
  if (edit === undefined) memo.edits.set(group, (edit = wrapLines(input, group, unit, open, close, comment)));
  return edit;
}

/** Runs of adjacent statements, in one pass over them in source order. */
function runsOf(text: string, all: Span[], commentLine: RegExp): Map<string, Span[]> {
  const sorted = [...new Map(all.map((s) => [keyOf(s), s])).values()].sort((a, b) => a.start - b.start);
  const runs = new Map<string, Span[]>();
  let run: Span[] = [];
  let indent = sorted.length > 0 ? indentAt(text, sorted[0].start) : '';
  let runIndent = indent;
  sorted.forEach((s, i) => {
    if (i > 0) {
      const prev = sorted[i - 1];
      const gap = prev.end <= s.start ? text.slice(prev.end, s.start) : null;
      // On the same line as the one before, a statement has its indentation; on a new line that line starts in the gap.
      if (gap !== null && /[\r\n]/.test(gap)) indent = indentAt(text, s.start);
      const joins = gap !== null && indent === runIndent && splitLines(gap).every((l, k) => {
        const t = (k === 0 ? l.replace(/^\s*;/, '') : l).trim();
        return t === '' || commentLine.test(t);
      });
      if (!joins) {
        run = [];
        runIndent = indent;
      }
    }
    run.push(s);
    runs.set(keyOf(s), run);
  });
  return runs;
}

/** Wraps the lines of `group` in `open` ... `close` (close null for Python's indentation-only blocks). */
function wrapLines(input: FixInput, group: Span[], unit: string, open: string, close: string | null, comment: RegExp): TextEditSpan | null {
  const { text } = input;
  const region = ownLines(text, group[0], comment, group[group.length - 1]);
  if (!region || input.snapshot.hasMultilineString(region)) return null;
  const { eol } = eolStyle(input);
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
  const { eol } = eolStyle(input);
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
