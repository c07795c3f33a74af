/**
 * WM-D2: the shared context is filled anywhere but in a main_process_start / mainProcessStart listener. Sanic
 * fills it in the main process before the workers start and locks it after; our manager refuses the write.
 */
import { EVERY_KEY } from '../analysis/attribute-writes';
import type { Span } from '../analysis/model';
import { MoveSafety } from './move-safety';
import type { FixPlan, Finding, Rule } from './types';
import { sharedCtxWrites, type SharedCtxWrite } from './shared-ctx-target';
import { describe, outside, whereIs } from './where';

const EVENT = 'main_process_start';

export const sharedCtxListener: Rule = (ctx) => {
  const findings: Finding[] = [];
  const py = ctx.dialect.language === 'python';
  const safety = new MoveSafety(ctx);
  for (const w of sharedCtxWrites(ctx)) {
    const where = whereIs(w.assign.exec, ctx.sem);
    if (!outside(where, EVENT)) continue;
    const place = describe(where, EVENT, ctx.dialect, ctx.text);
    const set = written(w, ctx.text);
    const message = py
      ? `${set} ${place}, not in a \`main_process_start\` listener. Sanic fills the shared context in the ` +
        `main process before the workers start and locks it afterwards: set anywhere else it raises RuntimeError or is not ` +
        `shared between workers. Set it in a function decorated with \`@${w.receiver}.main_process_start\`.`
      : `${set} ${place}, not in a mainProcessStart listener. The manager fills the shared context in the ` +
        `main process before the workers start and throws on any other write. Set it in ` +
        `\`${w.receiver}.mainProcessStart((app) => { ... })\`.`;
    let fix: FixPlan | undefined;
    const stmt = w.assign.stmt;
    if (where.kind === 'module' && !where.via && stmt?.topLevel && stmt.sole && w.assign.op === 'assign' && safety.movable(stmt.span, w.name)) {
      fix = { kind: 'moveToListener', title: `Move into a ${ctx.dialect.eventName(EVENT)} listener`, stmt: stmt.span, role: EVENT, receiver: w.receiver };
    }
    findings.push({ code: 'WM-D2', span: w.assign.span, message, fix });
  }
  return findings;
};

/** "`app.sharedCtx.q` is set", or for a source whose keys are not known, "`app.sharedCtx` is filled from `defaults`". */
function written(w: SharedCtxWrite, text: string): string {
  if (w.name !== EVERY_KEY) return `\`${w.target}\` is set`;
  return `\`${w.target}\` is filled from ${sourceText(w.assign.span, text)}`;
}

/** The source as written, when it is short enough to quote. */
function sourceText(s: Span, text: string): string {
  const source = text.slice(s.start, s.end);
  return source.length <= 40 && !/[\r\n`]/.test(source) ? `\`${source}\`` : 'another object';
}
