// Launching a Node app under our manager CLI (`wm serve <file>[:export] --workers N [--dev]`) through
// VS Code's built-in JavaScript debugger: child auto-attach puts every worker in its own child session.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface NodeLaunchOptions {
  name: string;
  /** `file[:export]`, the file absolute. */
  target: string;
  workers: number;
  dev: boolean;
  cwd: string;
  /** The manager CLI script (wm.js). */
  cli: string;
  env: Record<string, string>;
  extraArgs?: string[];
  runtimeExecutable?: string;
  runtimeArgs?: string[];
}

export function wmServeArgs(o: Pick<NodeLaunchOptions, 'target' | 'workers' | 'dev' | 'extraArgs'>): string[] {
  return ['serve', o.target, '--workers', String(o.workers), ...(o.dev ? ['--dev'] : []), ...(o.extraArgs ?? [])];
}

/** A `type: node` launch configuration (plain data; VS Code's js-debug runs it). */
export function nodeLaunchConfig(o: NodeLaunchOptions): Record<string, unknown> {
  return {
    type: 'node',
    request: 'launch',
    name: o.name,
    program: o.cli,
    args: wmServeArgs(o),
    cwd: o.cwd,
    env: o.env,
    autoAttachChildProcesses: true,
    // The manager forwards SIGTERM to its workers and drains them; a SIGKILL of the tree would skip that.
    killBehavior: 'polite',
    skipFiles: ['<node_internals>/**'],
    ...(o.runtimeExecutable ? { runtimeExecutable: o.runtimeExecutable } : {}),
    ...(o.runtimeArgs ? { runtimeArgs: o.runtimeArgs } : {}),
  };
}

/** The command line of a plain (undebugged) run: node [runtimeArgs] wm.js serve ... */
export function nodeRunCommand(o: NodeLaunchOptions): { command: string; args: string[]; cwd: string; env: Record<string, string> } {
  return { command: o.runtimeExecutable ?? 'node', args: [...(o.runtimeArgs ?? []), o.cli, ...wmServeArgs(o)], cwd: o.cwd, env: o.env };
}

export interface CliLocation {
  path: string;
  source: 'workspace' | 'bundled';
}

/**
 * The `wm` the app's own project installs (node_modules/worker-manager, found walking up from each
 * start folder), else the copy the extension ships (dist/wm.js).
 */
export function findWmCli(startDirs: string[], bundled: string, exists: (p: string) => boolean = fs.existsSync,
  readJson: (p: string) => unknown = (p) => JSON.parse(fs.readFileSync(p, 'utf8'))): CliLocation {
  for (const start of startDirs) {
    for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
      const pkgDir = path.join(dir, 'node_modules', 'worker-manager');
      const pkgJson = path.join(pkgDir, 'package.json');
      if (exists(pkgJson)) {
        const bin = binOf(readJson(pkgJson));
        if (bin && exists(path.join(pkgDir, bin))) return { path: path.join(pkgDir, bin), source: 'workspace' };
      }
      if (path.dirname(dir) === dir) break;
    }
  }
  return { path: bundled, source: 'bundled' };
}

function binOf(pkg: unknown): string | undefined {
  const bin = (pkg as { bin?: unknown })?.bin;
  if (typeof bin === 'string') return bin;
  if (bin && typeof bin === 'object' && typeof (bin as Record<string, unknown>).wm === 'string') return (bin as Record<string, string>).wm;
  return undefined;
}
