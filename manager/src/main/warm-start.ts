/**
 * Warm starts. Most of a worker's start-up is Node booting (about 60 ms of CPU). `wm serve` forks the Node
 * processes of the workers it expects before it loads the app, so they boot while the main process loads the
 * app, binds the socket and runs mainProcessStart. A warm process loads nothing of the app: it waits to be
 * adopted, then receives its name, kind and environment (as a fresh fork would have had them at that moment, so
 * env set by mainProcessStart reaches it) and starts exactly as a freshly forked process does.
 * Processes that are not adopted are discarded once the workers have started.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { childExecArgv } from './entry-path';

export interface WarmProcess {
  child: ChildProcess;
  /** The environment it was forked with: adoption sends only what differs. */
  env: NodeJS.ProcessEnv;
  /** Its own debugger port, when the manager runs under --inspect. */
  inspectPort?: number;
}

export const WARM_ENV = 'WM_WARM';

const pool: WarmProcess[] = [];

/** Options every child of the manager is forked with (warm or not). */
export function forkChild(entry: string, env: NodeJS.ProcessEnv, execArgv: string[]): ChildProcess {
  return fork(entry, [], {
    env,
    execArgv,
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/** Forks `count` warm processes of `entry`. */
export function prestart(entry: string, count: number): void {
  // However the main process ends, no warm process outlives it (they would go on their own once the IPC channel
  // closes; this is sooner).
  if (count > 0 && pool.length === 0) process.once('exit', discardWarm);
  for (let i = 0; i < count; i++) {
    const env = { ...process.env, [WARM_ENV]: '1' };
    const { execArgv, inspectPort } = childExecArgv();
    const child = forkChild(entry, env, execArgv);
    const warm: WarmProcess = { child, env, inspectPort };
    // Errors and deaths before adoption: the process is simply not used.
    child.on('error', () => {});
    child.once('exit', () => {
      const at = pool.indexOf(warm);
      if (at >= 0) pool.splice(at, 1);
    });
    pool.push(warm);
  }
}

/** A warm process still alive and connected, or undefined: the caller forks a fresh one. */
export function takeWarm(): WarmProcess | undefined {
  for (let warm = pool.shift(); warm; warm = pool.shift()) {
    if (warm.child.connected && warm.child.exitCode === null && warm.child.signalCode === null) return warm;
  }
  return undefined;
}

/** Ends every warm process nobody adopted. */
export function discardWarm(): void {
  for (const { child } of pool.splice(0)) child.kill('SIGKILL');
}

/** What adoption sends: each variable that differs from the warm environment, null for one to delete. */
export function envChanges(from: NodeJS.ProcessEnv, to: NodeJS.ProcessEnv): Record<string, string | null> {
  const changes: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(to)) if (value !== undefined && from[key] !== value) changes[key] = value;
  for (const key of Object.keys(from)) if (to[key] === undefined) changes[key] = null;
  return changes;
}
