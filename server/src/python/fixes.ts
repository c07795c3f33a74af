/** Python fixes: the main-guard wrap, moving a statement into a listener, renames, `# noqa` comments. */
import type { Span } from '../analysis/model';
import type { FixInput, Fixer, TextEditSpan } from '../language';
import type { FixPlan } from '../rules/types';
import { freshName, styleOf, suppressOnLine, takeStatement, wrapRun } from '../statement-edits';
import { blankLinesBefore, indentAt, lineEndOf, lineStartOf, nextLineStart, skipBlankLines, startsLine } from '../text';

const COMMENT = /^#/;
/** PEP 8's indentation, for a file that has none yet. */
const INDENT = 4;
const GUARD = 'if __name__ == "__main__":';
const LISTENER_NAMES: Record<string, string> = { main_process_start: 'setup_shared_ctx', main_process_ready: 'manage_processes' };

export const pythonFixer: Fixer = {
  edits(plan: FixPlan, input: FixInput): TextEditSpan[] | null {
    switch (plan.kind) {
      case 'replace':
        return plan.edits;
      case 'wrapInGuard': {
        const edit = wrapRun(input, plan.stmt, styleOf(input, INDENT).unit, GUARD, null, COMMENT);
        return edit && [edit];
      }
      case 'moveToListener':
        return moveToListener(plan, input);
    }
  },

  suppress(code: string, offset: number, input: FixInput): TextEditSpan | null {
    return suppressOnLine(code, offset, input, /#\s*noqa:\s*[A-Za-z0-9_-]+(?:\s*,\s*[A-Za-z0-9_-]+)*/i, (c) => `  # noqa: ${c}`);
  },
};

function moveToListener(plan: Extract<FixPlan, { kind: 'moveToListener' }>, input: FixInput): TextEditSpan[] | null {
  const { text } = input;
  const { eol, unit } = styleOf(input, INDENT);
  const listener = input.listenerFor(plan.role);
  const exit = listener?.ending.kind === 'exit' ? listener.ending.stmt : null;
  if (listener && listener.blockBody && (!exit || startsLine(text, exit.start))) {
    const bodyIndent = indentAt(text, listener.body.start);
    const taken = takeStatement(input, plan.stmt, COMMENT, bodyIndent);
    if (!taken) return null;
    // At the end of the body, or before the `return` / `raise` that ends it (after it, the code would never run).
    if (exit) {
      const at = lineStartOf(text, exit.start);
      return [{ span: { start: at, end: at }, text: `${taken.lines}${eol}` }, taken.remove];
    }
    const insertAt = lineEndOf(text, listener.body.end);
    return [{ span: { start: insertAt, end: insertAt }, text: `${eol}${taken.lines}` }, taken.remove];
  }
  const taken = takeStatement(input, plan.stmt, COMMENT, unit);
  if (!taken) return null;
  // The new listener takes the statement's place, with PEP 8's two blank lines around a top-level def.
  const name = freshName(LISTENER_NAMES[plan.role] ?? plan.role, input.moduleNames);
  const at: Span = { start: taken.own.start, end: nextLineStart(text, taken.own.end) };
  const before = at.start > 0 ? eol.repeat(Math.max(0, 2 - blankLinesBefore(text, at.start))) : '';
  const following = skipBlankLines(text, at.end);
  const after = following < text.length ? eol.repeat(Math.max(0, 2 - countLines(text, at.end, following))) : '';
  const fn = `${before}@${plan.receiver}.${plan.role}${eol}async def ${name}(app):${eol}${taken.lines}${eol}${after}`;
  return [{ span: at, text: fn }];
}

function countLines(text: string, from: number, to: number): number {
  let n = 0;
  for (let at = from; at < to; at = nextLineStart(text, at)) n++;
  return n;
}
