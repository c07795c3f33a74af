/** The app expression a member chain goes through, as written, for messages and fixes. */
import type { Exec, Path, Span } from '../analysis/model';
import { displayPath } from '../analysis/semantics';
import type { RuleContext } from './types';

/**
 * The app in front of `member` at `path[k]`: `request.app` in `request.app.manager.manage`. When `path[k]` is an
 * alias (`mgr` after `mgr = request.app.manager`, `ctx` after `ctx = app.shared_ctx`), the app the alias was taken
 * from; 'app' when that cannot be read.
 */
export function appReceiver(ctx: RuleContext, path: Path, spans: readonly Span[], k: number, member: string, exec: Exec, at: number): string {
  if (k >= 1 && path[k] === member) return written(ctx.text, path, spans, k);
  const v = k === 0 ? ctx.sem.boundValue(path[0], exec, at) : null;
  const n = v?.kind === 'path' ? v.path.length : 0;
  return v?.kind === 'path' && n >= 2 && v.path[n - 1] === member ? written(ctx.text, v.path, v.spans, n - 1) : 'app';
}

/**
 * The first `k` segments as the source spells them, arguments included (`App.get('x')`, which a listener
 * registered on it needs), or as displayPath shows them when the source spreads over lines.
 */
function written(text: string, path: Path, spans: readonly Span[], k: number): string {
  const source = spans.length >= k ? text.slice(spans[0].start, spans[k - 1].end) : '';
  return source && !/[\r\n#]|\/[/*]/.test(source) ? source : displayPath(path, k);
}
