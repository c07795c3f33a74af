/**
 * Writes to `app.shared_ctx.<name>` / `app.sharedCtx.<name>` (or through an alias of it), by assignment, `del`, or a
 * call that writes by name (`setattr`, `Object.assign`), as seen by WM-D2 and WM-D3.
 */
import { EVERY_KEY } from '../analysis/attribute-writes';
import type { AssignFact } from '../analysis/model';
import { displayPath } from '../analysis/semantics';
import { appReceiver } from './receiver';
import type { RuleContext } from './types';

export interface SharedCtxWrite {
  assign: AssignFact;
  /** The attribute written: `queue` in `app.shared_ctx.queue = Queue()`; EVERY_KEY for `Object.assign(ctx, other)`. */
  name: string;
  /** The app expression as written: `app`, `request.app` (for an alias, as written where the alias was made). */
  receiver: string;
  /** `app.shared_ctx.queue` as written; the shared context itself when every key is written. */
  target: string;
}

export function sharedCtxWrites(ctx: RuleContext): SharedCtxWrite[] {
  const out: SharedCtxWrite[] = [];
  for (const a of ctx.sem.writes()) {
    const n = a.target.length;
    if (n < 2) continue;
    const syms = ctx.sem.resolvePath(a.target, a.exec, a.span.start);
    if (syms[n - 2].k !== 'sharedCtx') continue;
    const name = a.target[n - 1];
    out.push({
      assign: a,
      name,
      receiver: appReceiver(ctx, a.target, a.targetSpans, n - 2, ctx.dialect.sharedCtx, a.exec, a.span.start),
      target: displayPath(a.target, name === EVERY_KEY ? n - 1 : n),
    });
  }
  return out;
}
