/** Writes to `app.shared_ctx.<name>` / `app.sharedCtx.<name>` (or through an alias of it), as seen by WM-D2 and WM-D3. */
import type { AssignFact } from '../analysis/model';
import { displayPath } from '../analysis/semantics';
import type { RuleContext } from './types';

export interface SharedCtxWrite {
  assign: AssignFact;
  /** The attribute written: `queue` in `app.shared_ctx.queue = Queue()`. */
  name: string;
  /** The app expression as written: `app`, `request.app` (for an alias, as written where the alias was made). */
  receiver: string;
  /** `app.shared_ctx.queue` as written. */
  target: string;
}

export function sharedCtxWrites(ctx: RuleContext): SharedCtxWrite[] {
  const out: SharedCtxWrite[] = [];
  for (const a of ctx.facts.assigns) {
    const n = a.target.length;
    if (n < 2) continue;
    const syms = ctx.sem.resolvePath(a.target, a.exec, a.span.start);
    if (syms[n - 2].k !== 'sharedCtx') continue;
    const receiver = a.target[n - 2] === ctx.dialect.sharedCtx ? displayPath(a.target, n - 2) : aliasedApp(ctx, a);
    out.push({ assign: a, name: a.target[n - 1], receiver, target: displayPath(a.target) });
  }
  return out;
}

/** `ctx.q = Queue()` after `ctx = app.shared_ctx`: the app the alias was taken from. */
function aliasedApp(ctx: RuleContext, a: AssignFact): string {
  const v = a.target.length === 2 ? ctx.sem.boundValue(a.target[0], a.exec, a.span.start) : null;
  const n = v?.kind === 'path' ? v.path.length : 0;
  return v?.kind === 'path' && n >= 2 && v.path[n - 1] === ctx.dialect.sharedCtx ? displayPath(v.path, n - 1) : 'app';
}
