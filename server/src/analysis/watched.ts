/**
 * Which member chains the front-ends record as references of their own (reads that are not calls or assignment
 * targets). Keeping only these keeps the facts small on big files.
 */
import { isNearMiss } from './spelling';

/** Members through which worker-manager APIs are reached, in both spellings. */
const WATCHED = new Set(['m', 'multiplexer', 'manager', 'shared_ctx', 'sharedCtx', 'THRESHOLD', 'start_method', 'START_METHOD_SET']);

/** App members whose misspelling is worth catching even when only read (`@app.main_proces_start`). */
export const APP_TYPO_TARGETS: ReadonlySet<string> = new Set([
  'shared_ctx', 'sharedCtx', 'multiplexer', 'manager',
  'main_process_start', 'main_process_ready', 'main_process_stop', 'before_server_start', 'after_server_start',
  'before_server_stop', 'after_server_stop', 'register_listener',
  'mainProcessStart', 'mainProcessReady', 'mainProcessStop', 'beforeServerStart', 'afterServerStart',
  'beforeServerStop', 'afterServerStop', 'registerListener',
]);

export function isWatchedRef(path: readonly string[]): boolean {
  for (let i = 1; i < path.length; i++) if (WATCHED.has(path[i])) return true;
  const member = path[1];
  return path.length >= 2 && member.length >= 5 && isNearMiss(member, APP_TYPO_TARGETS);
}
