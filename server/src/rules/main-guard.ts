/**
 * WM-D1: a call that starts the server runs at import time, outside the main-guard. Workers are fresh processes
 * that import the app module again, so each would start the server too ("Address already in use").
 */
import { MODULE, type CallFact, type Span } from '../analysis/model';
import { displayPath } from '../analysis/semantics';
import { serverStarts, type ServerStart } from './server-start';
import { lineOf, type Finding, type FixPlan, type Rule, type RuleContext } from './types';

export const mainGuard: Rule = (ctx) => {
  const starts = serverStarts(ctx);
  const serves = starts.some((s) => s.kind === 'serve' || s.kind === 'serve_single');
  const findings: Finding[] = [];
  for (const s of starts) {
    const c = s.call;
    if (!c.exec.moduleLevel || c.exec.guarded) continue;
    // app.prepare() alone prepares; it starts nothing unless this module also serves.
    if (s.kind === 'prepare' && !serves) continue;
    findings.push({ code: 'WM-D1', span: calleeSpan(c), message: message(ctx, s), fix: wrap(ctx, c) });
  }
  findings.push(...indirectStarts(ctx, starts));
  return findings;
};

/** `def main(): app.run()` called as `main()` at module level is the same mistake one call away. */
function indirectStarts(ctx: RuleContext, starts: ServerStart[]): Finding[] {
  const starting = new Map<number, ServerStart>();
  for (const s of starts) if (s.call.exec.scope !== MODULE && !s.call.exec.moduleLevel) starting.set(s.call.exec.scope, s);
  if (starting.size === 0) return [];
  const localCalls = ctx.sem.localCalls.filter((l) => ctx.sem.functions.get(l.target)?.kind === 'function');
  for (let changed = true, rounds = 0; changed && rounds < 50; rounds++) {
    changed = false;
    for (const { call: c, target } of localCalls) {
      const s = starting.get(target);
      if (s && !c.exec.moduleLevel && !starting.has(c.exec.scope)) {
        starting.set(c.exec.scope, s);
        changed = true;
      }
    }
  }
  const findings: Finding[] = [];
  for (const { call: c, target } of localCalls) {
    const s = starting.get(target);
    if (!s || !c.exec.moduleLevel || c.exec.guarded) continue;
    const name = c.callee[0];
    const where = `\`${displayPath(s.call.callee)}()\` on line ${lineOf(ctx.text, s.call.span.start)}`;
    const message =
      ctx.dialect.language === 'python'
        ? `\`${name}()\` starts the server (${where}) and is called at module level, outside \`if __name__ == "__main__":\`. ` +
          `Sanic's workers import this module again, so each would call it too and fail with "Address already in use". Call it under the main-guard.`
        : `\`${name}()\` starts the app (${where}) and is called at module top level without a main-guard. ` +
          `Every worker loads this module again, so each would start the app too. Call it inside \`if (require.main === module) { ... }\` (ESM: \`if (isMain(import.meta))\`).`;
    findings.push({ code: 'WM-D1', span: calleeSpan(c), message, fix: wrap(ctx, c) });
  }
  return findings;
}

function calleeSpan(c: CallFact): Span {
  return { start: c.calleeSpans[0].start, end: c.calleeSpans[c.calleeSpans.length - 1].end };
}

function wrap(ctx: RuleContext, c: CallFact): FixPlan | undefined {
  if (!c.stmt) return undefined;
  const title = ctx.dialect.language === 'python' ? 'Wrap in `if __name__ == "__main__":`' : 'Wrap in a main-guard';
  return { kind: 'wrapInGuard', title, stmt: c.stmt.span };
}

function message(ctx: RuleContext, s: ServerStart): string {
  const call = `\`${displayPath(s.call.callee)}()\``;
  if (ctx.dialect.language === 'python') {
    if (s.singleProcess) {
      return (
        `${call} at module level, outside \`if __name__ == "__main__":\`, starts the server whenever this module is imported ` +
        `(by the \`sanic\` CLI, a test, another module). Move it under the main-guard.`
      );
    }
    return (
      `${call} at module level is not under \`if __name__ == "__main__":\`. Sanic starts its workers as fresh processes that ` +
      `import this module again, so each would run it too and fail with "Address already in use". Move it under the main-guard ` +
      `(or start the app with the \`sanic\` CLI and drop the call).`
    );
  }
  if (s.singleProcess) {
    return `${call} at module top level starts the app whenever this module is loaded (by a test, another module). Wrap it in \`if (require.main === module) { ... }\` (ESM: \`if (isMain(import.meta))\`).`;
  }
  return (
    `${call} at module top level is not behind a main-guard. Every worker loads this module again, so each would start ` +
    `the app too. Wrap it in \`if (require.main === module) { ... }\` (ESM: \`if (isMain(import.meta))\`).`
  );
}
