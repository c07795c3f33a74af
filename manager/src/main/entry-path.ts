/**
 * What the manager forks for each of its processes: the package's main module, which runs as the manager's child
 * when it is the main module (index.ts). Bundled (dist/worker-manager.js, see esbuild.mjs) that is one file, and the
 * app's own require('worker-manager') then finds it in the cache: a worker loads the package once.
 */
import { join } from 'node:path';

export function workerEntryPath(): string {
  return process.env.WM_BUNDLED === '1' ? __filename : join(__dirname, '..', 'index.js');
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
