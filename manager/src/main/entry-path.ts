/** Where the child entry point is: next to this file when compiled, next to the bundle when bundled. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export function workerEntryPath(): string {
  const compiled = join(__dirname, '..', 'worker', 'entry.js');
  if (process.env.WM_BUNDLED !== '1' && existsSync(compiled)) return compiled;
  const bundled = join(__dirname, 'wm-worker.js');
  if (existsSync(bundled)) return bundled;
  return compiled;
}

/**
 * Flags for a child's Node: the manager's own, except that a debugger port is not shared. As in Node's cluster,
 * each child that inherits --inspect gets its own port, counting up from the manager's.
 */
let inspectOffset = 0;
export function childExecArgv(execArgv: string[] = process.execArgv): { execArgv: string[]; inspectPort?: number } {
  let inspectPort: number | undefined;
  const out = execArgv.map((arg) => {
    const match = /^(--inspect(?:-brk)?(?:-port)?)(?:=(?:(.*):)?(\d+))?$/.exec(arg);
    if (!match) return arg;
    const [, flag, host, port] = match;
    if (port === '0') return arg; // a random port for each: nothing to count from
    inspectOffset += 1;
    inspectPort = (port ? Number(port) : process.debugPort || 9229) + inspectOffset;
    return `${flag}=${host ? `${host}:` : ''}${inspectPort}`;
  });
  return { execArgv: out, inspectPort };
}
