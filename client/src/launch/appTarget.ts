// What to run, from a file path: which runtime, and the `file[:export]` form our CLI takes.
import * as path from 'node:path';
import type { Runtime } from './portsAndKeys';

const NODE_EXTENSIONS = new Set(['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts', '.jsx', '.tsx']);

export function runtimeForFile(file: string): Runtime | undefined {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.py') return 'python';
  return NODE_EXTENSIONS.has(ext) ? 'node' : undefined;
}

/**
 * Splits `path/to/app.js:exportName` into file and export. A colon counts only when what follows is an
 * identifier and what precedes has a file extension, so Windows drive letters (`C:\app.js`) stay whole.
 */
export function splitAppTarget(target: string): { file: string; exportName?: string } {
  const m = /^(.*\.[A-Za-z0-9]+):([A-Za-z_$][\w$]*)$/.exec(target);
  return m ? { file: m[1], exportName: m[2] } : { file: target };
}

export function joinAppTarget(file: string, exportName?: string): string {
  return exportName ? `${file}:${exportName}` : file;
}
