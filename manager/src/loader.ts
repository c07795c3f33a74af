/**
 * Finds the app: `path/to/module[.js]:export` for the CLI, or a module plus an app name for a script that called
 * `app.run()`. Used by the main process and again by every worker, so both resolve the same App, and every
 * failure says what to fix.
 */
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { App } from './app';
import { WorkerManagerError } from './errors';
import { rememberNamespace } from './main/targets';
import { loadModule } from './module-loading';

/** Where a process finds the app again. Travels to children as WM_APP_* env vars. */
export interface AppLocator {
  /** Absolute path of the module to load. */
  module: string;
  /** Export holding the App (or a factory with `factory`); absent: the App registered under `name`. */
  exportName?: string;
  /** The app's name, once known. */
  name?: string;
  /** The export is a function that returns the App. */
  factory?: boolean;
}

const EXTENSIONS = ['', '.js', '.cjs', '.mjs', '.ts', '.cts', '.mts', '/index.js', '/index.cjs', '/index.mjs'];

/** Splits `module:export` (a Windows drive letter is not a separator) and resolves the file. */
export function parseTarget(target: string, cwd: string = process.cwd()): AppLocator {
  const match = /^(.*?)(?::([A-Za-z_$][\w$]*))?$/.exec(target);
  const modulePart = match?.[1] ?? target;
  const exportName = match?.[2];
  if (!modulePart) {
    throw new WorkerManagerError('No app module given.', 'Usage: wm serve path/to/app.js[:export]');
  }
  const base = isAbsolute(modulePart) ? modulePart : resolve(cwd, modulePart);
  const file = EXTENSIONS.map((ext) => base + ext).find((p) => existsSync(p) && statSync(p).isFile());
  if (!file) {
    throw new WorkerManagerError(
      `Cannot find the app module "${modulePart}" (looked for ${base}${modulePart.includes('.') ? '' : '{.js,.cjs,.mjs,.ts}'}).`,
      `Give a path to the file that creates the App, relative to ${cwd}: wm serve ./path/to/app.js[:export]`,
    );
  }
  return { module: file, exportName };
}

/** Loads the module and returns the App it names. */
export async function loadApp(locator: AppLocator): Promise<App> {
  let namespace: Record<string, unknown>;
  try {
    namespace = await loadModule(locator.module);
  } catch (error) {
    if (isTypeScriptFile(locator.module) && error instanceof Error && /Unknown file extension/.test(error.message)) {
      throw new WorkerManagerError(
        `Node cannot load the TypeScript file ${locator.module} by itself.`,
        'Compile it first, or run with a loader: NODE_OPTIONS="--import tsx" wm serve ...',
      );
    }
    throw wrapLoadError(locator.module, error);
  }
  rememberNamespace(locator.module, namespace);
  const app = await pickApp(namespace, locator);
  locator.name = app.name;
  return app;
}

async function pickApp(namespace: Record<string, unknown>, locator: AppLocator): Promise<App> {
  // A CommonJS module imported with import() shows its module.exports as `default`.
  const cjs = (namespace.default ?? {}) as Record<string, unknown>;
  const get = (key: string) => (key in namespace && key !== 'default' ? namespace[key] : cjs[key]);

  if (locator.exportName) {
    const value = locator.exportName === 'default' ? namespace.default : get(locator.exportName);
    if (value === undefined) {
      const names = exportNames(namespace);
      throw new WorkerManagerError(
        `${locator.module} has no export named "${locator.exportName}".`,
        names.length ? `Its exports: ${names.join(', ')}.` : 'It exports nothing: export the App (module.exports.app = app, or export const app = ...).',
      );
    }
    return asApp(value, locator, `export "${locator.exportName}"`);
  }
  if (locator.name) {
    // A script's app.run(): the module registered the App while it loaded.
    return App.get(locator.name);
  }
  for (const key of ['app', 'default']) {
    const value = key === 'default' ? namespace.default : get(key);
    if (App.isApp(value)) return value;
  }
  if (App.isApp(cjs)) return cjs;
  const apps = exportNames(namespace).filter((k) => App.isApp(get(k)));
  if (apps.length === 1) return get(apps[0]) as App;
  if (apps.length === 0 && App.all().length === 1) {
    // Not exported, but the module made exactly one App: every process finds it again by name.
    const only = App.all()[0];
    locator.name = only.name;
    return only;
  }
  throw new WorkerManagerError(
    apps.length > 1
      ? `${locator.module} exports several apps (${apps.join(', ')}).`
      : `${locator.module} does not export an App.`,
    apps.length > 1
      ? `Name the one to serve: wm serve ${locator.module}:${apps[0]}`
      : 'Export it (module.exports.app = app, or export const app = new App(...)) and name it: wm serve path/to/app.js:app',
  );
}

async function asApp(value: unknown, locator: AppLocator, what: string): Promise<App> {
  if (locator.factory) {
    if (typeof value !== 'function') {
      throw new WorkerManagerError(`${what} of ${locator.module} is not a function, but --factory was given.`, 'Drop --factory, or export a function that returns the App.');
    }
    const made = await (value as () => unknown)();
    if (!App.isApp(made)) throw new WorkerManagerError(`The factory ${what} of ${locator.module} did not return an App.`, 'Return new App(...) from it.');
    return made;
  }
  if (App.isApp(value)) return value;
  if (typeof value === 'function') {
    throw new WorkerManagerError(
      `${what} of ${locator.module} is a function, not an App.`,
      'If it builds the App, add --factory; otherwise export the App itself.',
    );
  }
  throw new WorkerManagerError(
    `${what} of ${locator.module} is not an App (it is ${value === null ? 'null' : typeof value}).`,
    "Export the object made by new App(name, handler) from 'worker-manager'.",
  );
}

function exportNames(namespace: Record<string, unknown>): string[] {
  const cjs = namespace.default;
  const names = new Set(Object.keys(namespace).filter((k) => k !== 'default' && k !== 'module.exports'));
  if (cjs && typeof cjs === 'object') for (const k of Object.keys(cjs)) names.add(k);
  return [...names];
}

function isTypeScriptFile(file: string): boolean {
  return /\.[cm]?ts$/.test(file);
}

function wrapLoadError(module: string, error: unknown): Error {
  if (error instanceof WorkerManagerError) return error;
  const err = error instanceof Error ? error : new Error(String(error));
  // Point at the line that threw: the first frame outside Node and this package.
  const frame = (err.stack ?? '').split('\n').find((line) => /^\s+at /.test(line) && !/node:internal|[\\/]manager[\\/]dist[\\/]/.test(line));
  const wrapped = new WorkerManagerError(
    `The app module ${module} failed to load: ${err.name}: ${err.message}${frame ? `\n${frame}` : ''}`,
    'Fix the error above (the stack shows where); the module runs again in every worker.',
  );
  wrapped.stack = `${wrapped.message}\n${(err.stack ?? '').split('\n').slice(1).join('\n')}`;
  return wrapped;
}

/** The locator as env vars for a child process. */
export function locatorEnv(locator: AppLocator): Record<string, string> {
  const env: Record<string, string> = { WM_APP_MODULE: locator.module };
  if (locator.exportName) env.WM_APP_EXPORT = locator.exportName;
  if (locator.name) env.WM_APP_NAME = locator.name;
  if (locator.factory) env.WM_APP_FACTORY = '1';
  return env;
}

export function locatorFromEnv(env: NodeJS.ProcessEnv = process.env): AppLocator {
  if (!env.WM_APP_MODULE) throw new Error('WM_APP_MODULE is not set: this process was not started by the worker manager.');
  return {
    module: env.WM_APP_MODULE,
    exportName: env.WM_APP_EXPORT,
    // With an export to follow, the name is only a check; without one it is how the App is found.
    name: env.WM_APP_EXPORT ? undefined : env.WM_APP_NAME,
    factory: env.WM_APP_FACTORY === '1',
  };
}
