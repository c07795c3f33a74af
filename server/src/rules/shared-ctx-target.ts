/** Writes to `app.shared_ctx.<name>` / `app.sharedCtx.<name>`, as seen by WM-D2 and WM-D3. */
import type { AssignFact } from '../analysis/model';
import { displayPath } from '../analysis/semantics';
import type { RuleContext } from './types';

export interface SharedCtxWrite {
  assign: AssignFact;
  /** The attribute written: `queue` in `app.shared_ctx.queue = Queue()`. */
  name: string;
  /** The app expression as written: `app`, `request.app`. */
  receiver: string;
  /** `app.shared_ctx.queue` as written. */
  target: string;
}

export function sharedCtxWrites(ctx: RuleContext): SharedCtxWrite[] {
  const out: SharedCtxWrite[] = [];
  for (const a of ctx.facts.assigns) {
    const n = a.target.length;
    if (n < 3 || a.target[n - 2] !== ctx.dialect.sharedCtx) continue;
    const syms = ctx.sem.resolvePath(a.target, a.exec, a.span.start);
    if (syms[n - 2].k !== 'sharedCtx') continue;
    out.push({ assign: a, name: a.target[n - 1], receiver: displayPath(a.target, n - 2), target: displayPath(a.target) });
  }
  return out;
}
