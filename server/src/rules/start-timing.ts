/**
 * WM-D6's reading of *when* a start-up setting runs, against when each library reads it:
 *
 * - `WorkerManager.THRESHOLD`: Sanic reads it in `wait_for_ack`, our manager when it spawns each worker; both after
 *   the main process's `main_process_start` / `main_process_ready` listeners, so a value set there does take effect.
 * - Sanic's start method: `Sanic.serve()` sets it first thing (`_set_startup_method`), starts a multiprocessing
 *   `Manager()`, runs `main_process_start`, then reads `Sanic.start_method` again to make the workers' context
 *   (`_get_context`), then runs `main_process_ready`.
 * - Code in other processes (server workers, the reloader, the inspector) changes only that process's copy.
 */
import { WORKER_ROLE, type Dialect, type Role } from '../analysis/dialect';
import { roleLabel } from './where';

export type SettingKind = 'THRESHOLD' | 'start_method' | 'START_METHOD_SET' | 'set_start_method';

/** Listeners that run in the main process before the workers start. */
const MAIN_BEFORE_WORKERS = new Set<Role>(['main_process_start', 'main_process_ready']);
const MAIN_AFTER_WORKERS = new Set<Role>(['main_process_stop']);
const IN_SERVER_WORKERS = new Set<Role>([WORKER_ROLE, 'before_server_start', 'after_server_start', 'before_server_stop', 'after_server_stop']);

/** Why setting `what` in a function registered for `role` is wrong, or fragile: the message's middle. */
export function roleTiming(what: SettingKind, role: Role, dialect: Dialect): string {
  const label = roleLabel(role, dialect);
  if (MAIN_AFTER_WORKERS.has(role)) {
    return what === 'set_start_method'
      ? `in ${label}, long after Sanic set the start method: multiprocessing raises "RuntimeError: context has already been set"`
      : `in ${label}, which runs once the workers have stopped: nothing reads it any more, so it has no effect`;
  }
  if (!MAIN_BEFORE_WORKERS.has(role)) {
    const where = IN_SERVER_WORKERS.has(role) ? 'in every server worker' : 'in a process of its own';
    const reader = what === 'THRESHOLD' ? 'the main process, which waits for the workers to acknowledge,' : 'the main process, which starts the workers,';
    return `in ${label}, which runs ${where}, not in the main process: ${reader} never sees it, so it has no effect there`;
  }
  const start = role === 'main_process_start';
  switch (what) {
    case 'THRESHOLD': {
      const reads = dialect.language === 'python' ? 'when it waits for the workers to acknowledge' : 'when it spawns each worker';
      return `in ${label}. It takes effect only because the manager reads it later, ${reads}, so it hangs on the order of the start-up steps`;
    }
    case 'start_method':
      return start
        ? `in ${label}, after Sanic set the start method (first thing in \`Sanic.serve()\`). Sanic reads it again right ` +
            `after this listener to make the workers' context: another method fails with "RuntimeError: Start method ... ` +
            `was requested, but ... was already set", the same one changes nothing`
        : `in ${label}, after Sanic made the workers' context: it has no effect`;
    case 'START_METHOD_SET':
      return `in ${label}, but Sanic looks at it first thing when serving starts, before this runs: it has no effect`;
    case 'set_start_method':
      return `in ${label}, after Sanic set the start method (and started its multiprocessing Manager): multiprocessing raises "RuntimeError: context has already been set"`;
  }
}
