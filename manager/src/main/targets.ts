/**
 * How a custom process's function is found again in a fresh process (WM-13). Sanic pickles a function by module
 * and name; we do the same by hand: a function must be an export of a module, and travels as
 * `/abs/path/module.js:exportName`. The search covers CommonJS modules loaded in this process and the ES modules
 * the manager loaded itself (the app module); anything else can be named with a string.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { WorkerManagerError } from '../errors';

export type ProcessFunction = (kwargs: Record<string, any>) => unknown;

/** ES module namespaces the manager imported, by file: require.cache does not list them. */
const esmNamespaces = new Map<string, Record<string, unknown>>();
export function rememberNamespace(file: string, namespace: Record<string, unknown>): void {
  esmNamespaces.set(file, namespace);
}

export function resolveProcessTarget(fn: ProcessFunction | string, processName: string): string {
  if (typeof fn === 'string') return resolveTargetString(fn);
  if (typeof fn !== 'function') {
    throw new WorkerManagerError(
      `manage("${processName}", ...) needs a function or a "path/to/module.js:exportName" string.`,
      'Pass the exported function that the process should run.',
    );
  }
  for (const [file, namespace] of esmNamespaces) {
    const key = exportKeyOf(namespace, fn) ?? exportKeyOf(namespace.default, fn);
    if (key) return `${file}:${key}`;
  }
  for (const [file, mod] of Object.entries(require.cache)) {
    if (!mod) continue;
    if (mod.exports === fn) return `${file}:default`;
    const key = exportKeyOf(mod.exports, fn);
    if (key) return `${file}:${key}`;
  }
  const label = fn.name ? `function ${fn.name}` : 'an anonymous function';
  const name = fn.name || 'myProcess';
  // ES modules other than the app's are listed nowhere this process can search, exported or not.
  const esmHint = esmNamespaces.size > 0 && fn.name
    ? ` If it is exported from an ES module the app imports, name it: "path/to/module.mjs:${name}", or re-export it from the app module.`
    : '';
  throw new WorkerManagerError(
    `manage("${processName}", ...) got ${label}, which a fresh process cannot find again.`,
    `Export it from its module (export function ${name}(kwargs) {...}) or pass "path/to/module.js:${name}" instead.${esmHint}`,
  );
}

function exportKeyOf(exports: unknown, fn: unknown): string | undefined {
  if (!exports || (typeof exports !== 'object' && typeof exports !== 'function')) return undefined;
  for (const key of Object.keys(exports)) {
    try {
      if ((exports as Record<string, unknown>)[key] === fn) return key;
    } catch {
      // a getter that throws is not our function
    }
  }
  return undefined;
}

function resolveTargetString(target: string): string {
  const match = /^(.*):([A-Za-z_$][\w$]*)$/.exec(target);
  if (!match) {
    throw new WorkerManagerError(`Process target "${target}" is not of the form "path/to/module.js:exportName".`);
  }
  const [, modulePart, exportName] = match;
  let file = isAbsolute(modulePart) ? modulePart : resolve(process.cwd(), modulePart);
  if (!existsSync(file)) {
    try {
      file = require.resolve(modulePart, { paths: [process.cwd()] });
    } catch {
      throw new WorkerManagerError(`Cannot find the module of process target "${target}".`, `Give a path relative to ${process.cwd()} or an absolute one.`);
    }
  }
  return `${file}:${exportName}`;
}

/** In the fresh process: load the module and return the function. */
export async function loadProcessTarget(target: string): Promise<ProcessFunction> {
  const match = /^(.*):([A-Za-z_$][\w$]*)$/.exec(target);
  if (!match) throw new WorkerManagerError(`Bad process target "${target}".`);
  const [, file, exportName] = match;
  const namespace = await (require('../module-loading') as typeof import('../module-loading')).loadModule(file);
  const cjs = namespace.default as Record<string, unknown> | undefined;
  const value = exportName === 'default' ? namespace.default : (namespace[exportName] ?? cjs?.[exportName]);
  if (typeof value !== 'function') {
    throw new WorkerManagerError(
      `${file} has no exported function "${exportName}" (found ${typeof value}).`,
      'Export the function the process runs under that name.',
    );
  }
  return value as ProcessFunction;
}
