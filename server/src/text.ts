/** Line and indentation helpers for building edits on raw text (any of \n, \r\n, \r line ends). */
import type { Span } from './analysis/model';

export function lineStartOf(text: string, offset: number): number {
  for (let i = Math.min(offset, text.length) - 1; i >= 0; i--) {
    const ch = text.charCodeAt(i);
    if (ch === 10 || ch === 13) return i + 1;
  }
  return 0;
}

/** The offset of the line end (before its \r\n / \n / \r). */
export function lineEndOf(text: string, offset: number): number {
  for (let i = Math.max(0, offset); i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 10 || ch === 13) return i;
  }
  return text.length;
}

/** The offset just past the line end (the start of the next line). */
export function nextLineStart(text: string, offset: number): number {
  const end = lineEndOf(text, offset);
  if (text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10) return end + 2;
  return Math.min(text.length, end + 1);
}

export function eolOf(text: string): string {
  const i = text.search(/\r\n|\n|\r/);
  return i === -1 ? '\n' : text[i] === '\r' && text[i + 1] === '\n' ? '\r\n' : text[i];
}

export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/** The whitespace before the first non-blank character of the line holding `offset`. */
export function indentAt(text: string, offset: number): string {
  const start = lineStartOf(text, offset);
  const m = /^[ \t]*/.exec(text.slice(start, Math.min(text.length, start + 200)));
  return m ? m[0] : '';
}

/** Only blanks between the line start and `offset` (looks back only as far as the first non-blank). */
export function startsLine(text: string, offset: number): boolean {
  for (let i = Math.min(offset, text.length) - 1; i >= 0; i--) {
    const ch = text.charCodeAt(i);
    if (ch === 10 || ch === 13) return true;
    if (!isBlank(ch)) return false;
  }
  return true;
}

/** Whitespace that is not a line end (as `trim()` sees it). */
function isBlank(ch: number): boolean {
  return ch === 32 || ch === 9 || ch === 11 || ch === 12 || ch === 0xa0 || ch === 0xfeff || (ch >= 0x2000 && ch <= 0x200a) || ch === 0x2028 || ch === 0x2029 || ch === 0x1680 || ch === 0x202f || ch === 0x205f || ch === 0x3000;
}

/** The file's indentation unit: a tab if lines are tab-indented, else the smallest indentation used. */
export function indentUnit(text: string, fallback: number): string {
  let smallest = Infinity;
  let tabs = 0;
  let spaces = 0;
  const re = /(?:^|[\r\n])([ \t]+)\S/g;
  let m: RegExpExecArray | null;
  let seen = 0;
  while ((m = re.exec(text)) && seen < 2000) {
    seen++;
    const ws = m[1];
    if (ws[0] === '\t') tabs++;
    else {
      spaces++;
      if (ws.length >= 2 && ws.length < smallest) smallest = ws.length;
    }
  }
  if (tabs > spaces) return '\t';
  return ' '.repeat(Number.isFinite(smallest) ? Math.min(smallest, 8) : fallback);
}

/** Indents every non-blank line of `block` by `prefix`, joining with `eol`. */
export function indentBlock(block: string, prefix: string, eol: string): string {
  return splitLines(block)
    .map((l) => (l.trim() === '' ? '' : prefix + l))
    .join(eol);
}

export function overlaps(a: Span, b: Span): boolean {
  return a.start < b.end && b.start < a.end;
}

/** One edit turning `before` into `after`: the differing middle. */
export function minimalEdit(before: string, after: string): { span: Span; text: string } | null {
  if (before === after) return null;
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let endB = before.length;
  let endA = after.length;
  while (endB > start && endA > start && before.charCodeAt(endB - 1) === after.charCodeAt(endA - 1)) {
    endB--;
    endA--;
  }
  // Do not split a surrogate pair.
  if (start > 0 && isHighSurrogate(before.charCodeAt(start - 1))) start--;
  if (endB < before.length && isLowSurrogate(before.charCodeAt(endB))) {
    endB++;
    endA++;
  }
  return { span: { start, end: endB }, text: after.slice(start, endA) };
}

const isHighSurrogate = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
const isLowSurrogate = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;

/** Applies non-overlapping edits, in one pass over the text. */
export function applyEdits(text: string, edits: ReadonlyArray<{ span: Span; text: string }>): string {
  const sorted = [...edits].sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  const parts: string[] = [];
  let at = 0;
  for (const e of sorted) {
    parts.push(text.slice(at, e.span.start), e.text);
    at = e.span.end;
  }
  parts.push(text.slice(at));
  return parts.join('');
}

/** How many blank lines are right above the line starting at `lineStart` (stops at `max`). */
export function blankLinesBefore(text: string, lineStart: number, max = 3): number {
  let count = 0;
  let at = lineStart;
  while (count < max && at > 0) {
    const prevStart = lineStartOf(text, at - 1);
    if (text.slice(prevStart, lineEndOf(text, prevStart)).trim() !== '') break;
    count++;
    at = prevStart;
  }
  return count;
}

/** The offset past the blank lines starting at `lineStart`. */
export function skipBlankLines(text: string, lineStart: number): number {
  let at = lineStart;
  while (at < text.length && text.slice(at, lineEndOf(text, at)).trim() === '') at = nextLineStart(text, at);
  return at;
}
