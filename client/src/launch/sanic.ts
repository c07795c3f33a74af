// Launching a Sanic app: `python -m sanic module:app`, under debugpy when the Python debugger extension
// is installed, else as a plain child process (terminalRun.ts). Only builders here: plain data.
import * as path from 'node:path';

export interface SanicLaunchOptions {
  name: string;
  /** `package.module:app`, importable from cwd. */
  target: string;
  workers: number;
  dev: boolean;
  cwd: string;
  python: string;
  env: Record<string, string>;
  extraArgs?: string[];
}

/** The variable a Sanic app is bound to: `app = Sanic("Name")`; `app` when the file does not say. */
export function sanicAppVariable(source: string): string {
  const m = /^([A-Za-z_]\w*)\s*(?::[^=\n]+)?=\s*(?:sanic\.)?Sanic\s*\(/m.exec(source);
  return m ? m[1] : 'app';
}

/**
 * `module:app` for a file, importable from cwd: the file's path under cwd with dots for separators
 * (`pkg/server.py` -> `pkg.server`). A file outside cwd runs from its own folder.
 */
export function sanicTarget(file: string, cwd: string, appVariable: string): { target: string; cwd: string } {
  let rel = path.relative(cwd, file);
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    cwd = path.dirname(file);
    rel = path.basename(file);
  }
  const parts = rel.replace(/\.py$/, '').split(path.sep);
  if (parts[parts.length - 1] === '__init__') parts.pop();
  return { target: `${parts.join('.')}:${appVariable}`, cwd };
}

export function sanicArgs(o: Pick<SanicLaunchOptions, 'target' | 'workers' | 'dev' | 'extraArgs'>): string[] {
  return [o.target, '--workers', String(o.workers), ...(o.dev ? ['--dev'] : []), ...(o.extraArgs ?? [])];
}

/** The command line of a plain (undebugged) run. */
export function sanicCommand(o: SanicLaunchOptions): { command: string; args: string[]; cwd: string; env: Record<string, string> } {
  return { command: o.python, args: ['-m', 'sanic', ...sanicArgs(o)], cwd: o.cwd, env: o.env };
}

/** A `type: debugpy` launch configuration; subProcess makes debugpy follow every worker. */
export function sanicDebugConfig(o: SanicLaunchOptions): Record<string, unknown> {
  return {
    type: 'debugpy',
    request: 'launch',
    name: o.name,
    module: 'sanic',
    args: sanicArgs(o),
    cwd: o.cwd,
    env: o.env,
    python: o.python,
    subProcess: true,
    justMyCode: true,
    console: 'integratedTerminal',
  };
}
