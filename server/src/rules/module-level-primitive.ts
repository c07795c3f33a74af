/**
 * WM-D4: a process-sharing primitive made at module level. Workers import the module again, so each makes its
 * own, unshared copy (and a Manager() starts a server process per worker). It belongs in main_process_start.
 * A function called at module level outside the main-guard (`q = make()`) makes its primitives there too.
 */
import { displayPath } from '../analysis/semantics';
import type { Finding, Rule } from './types';
import { describe } from './where';

export const moduleLevelPrimitive: Rule = (ctx) => {
  if (!ctx.sem.libraryImported) return [];
  const findings: Finding[] = [];
  const py = ctx.dialect.language === 'python';
  for (const c of ctx.facts.calls) {
    if (c.exec.guarded || c.callee.length === 0) continue;
    const via = c.exec.moduleLevel ? undefined : ctx.sem.unguardedModuleCallOf(c.exec.scope);
    if (!c.exec.moduleLevel && !via) continue;
    const made = ctx.sem.resolve([...c.callee, '()'], c.exec, c.span.start);
    if (made.k !== 'instance') continue;
    const call = `${c.isNew ? 'new ' : ''}${displayPath(c.callee)}()`;
    const place = describe({ kind: 'module', via }, 'main_process_start', ctx.dialect, ctx.text);
    const message = py
      ? `\`${call}\` is made ${place}. Sanic's workers import this module again, so each makes its own ` +
        `\`${made.of}\` and none of them shares it. Make it in a \`main_process_start\` listener and attach it to ` +
        `\`app.shared_ctx\` (\`app.shared_ctx.${made.of.toLowerCase()} = ${made.of}()\`).`
      : `\`${call}\` is made ${place}. Every worker loads this module again, so each makes its own ` +
        `\`${made.of}\` and none of them shares it. Make it in a mainProcessStart listener and put it on \`app.sharedCtx\`.`;
    findings.push({ code: 'WM-D4', span: c.span, message, topic: py ? 'sanic-and-multiprocessing' : undefined });
  }
  return findings;
};
