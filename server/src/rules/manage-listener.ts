/**
 * WM-D5: `app.manager.manage(...)` outside a main_process_ready / mainProcessReady listener. The manager exists
 * only in the main process, and only from main_process_ready on; in a worker, `app.m.manage(...)` is the way.
 */
import { WORKER_ROLE } from '../analysis/dialect';
import { displayPath } from '../analysis/semantics';
import { MoveSafety } from './move-safety';
import { appReceiver } from './receiver';
import type { FixPlan, Finding, Rule } from './types';
import { describe, outside, whereIs } from './where';

const EVENT = 'main_process_ready';
/** Roles that run in server workers, where `app.m.manage(...)` starts a process on the fly. */
const IN_WORKERS = new Set([WORKER_ROLE, 'before_server_start', 'after_server_start', 'before_server_stop', 'after_server_stop']);

export const manageListener: Rule = (ctx) => {
  const findings: Finding[] = [];
  const py = ctx.dialect.language === 'python';
  const safety = new MoveSafety(ctx);
  for (const c of ctx.facts.calls) {
    const n = c.callee.length;
    if (n < 2 || c.callee[n - 1] !== 'manage') continue;
    // `app.manager.manage`, or through an alias of the manager (`mgr = request.app.manager; mgr.manage(...)`).
    const syms = ctx.sem.resolvePath(c.callee, c.exec, c.span.start);
    if (syms[n - 2].k !== 'manager') continue;
    const where = whereIs(c.exec, ctx.sem);
    if (!outside(where, EVENT)) continue;
    const direct = n >= 3 && c.callee[n - 2] === 'manager';
    const receiver = appReceiver(ctx, c.callee, c.calleeSpans, n - 2, 'manager', c.exec, c.span.start);
    const inWorkers = where.kind === 'roles' && [...where.roles].every((r) => IN_WORKERS.has(r));
    const ready = py ? `@${receiver}.main_process_ready` : `${receiver}.mainProcessReady((app) => { ... })`;
    let why: string;
    if (inWorkers) why = `\`${receiver}.manager\` exists only in the main process. From a worker, start a process with \`${receiver}.m.manage(...)\`.`;
    else if (where.kind === 'module') why = `At import time there is no manager yet (and workers import this module too). Register the process in \`${ready}\`.`;
    else why = `The manager is ready for custom processes only from \`${ctx.dialect.eventName(EVENT)}\` on. Register the process in \`${ready}\`.`;
    const message = `\`${displayPath(c.callee)}(...)\` is called ${describe(where, EVENT, ctx.dialect, ctx.text)}. ${why}`;
    let fix: FixPlan | undefined;
    // Through an alias, `mgr` may serve other calls too: renaming where it was taken is left to the user.
    if (inWorkers && direct) {
      fix = { kind: 'replace', title: `Use \`${receiver}.m.manage(...)\``, edits: [{ span: c.calleeSpans[n - 2], text: 'm' }] };
    } else if (where.kind === 'module' && !where.via && c.stmt?.topLevel && c.stmt.sole && safety.movable(c.stmt.span)) {
      fix = { kind: 'moveToListener', title: `Move into a ${ctx.dialect.eventName(EVENT)} listener`, stmt: c.stmt.span, role: EVENT, receiver };
    }
    const span = { start: c.calleeSpans[0].start, end: c.calleeSpans[n - 1].end };
    findings.push({ code: 'WM-D5', span, message, fix });
  }
  return findings;
};
