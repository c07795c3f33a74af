/**
 * The auto-reloader (WM-11), `wm serve --dev`: a process of its own (WM-Reloader-0) that watches the app's files
 * (its folder, and the folders of its own modules loaded from elsewhere) and, after a quiet moment, asks the
 * manager to reload: server workers are replaced with zero downtime, transient
 * processes restart, durable ones are left alone.
 */
import { existsSync } from 'node:fs';
import { dirname, extname, isAbsolute, join, relative, resolve } from 'node:path';
import type { App } from './app';
import { locatorFromEnv } from './loader';
import { log } from './log';
import type { ManagerLink } from './worker/link';

/** In the app's own folder only code counts: a log file written next to the app must not reload it. */
const CODE_EXTENSIONS = new Set(['.js', '.cjs', '.mjs', '.ts', '.cts', '.mts', '.jsx', '.tsx', '.json']);

/** Folders never watched: dependencies and dot-folders (.git, .cache, ...). */
export function isIgnoredPath(path: string): boolean {
  return /(^|[\\/])(node_modules|\.[^\\/]+)([\\/]|$)/.test(path);
}

/**
 * Folders of the app's own modules outside `appDir`: those it loaded with require() (`../lib` in a monorepo, say),
 * as Sanic watches the file of every loaded module. Dependencies and this package's own files are left out.
 */
export function loadedModuleDirs(appDir: string, loaded: Iterable<string>, ownRoot: string): string[] {
  const inside = (dir: string, root: string) => dir === root || !relative(root, dir).startsWith('..');
  const dirs = new Set<string>();
  for (const file of loaded) {
    if (!isAbsolute(file) || isIgnoredPath(file) || inside(file, ownRoot)) continue;
    const dir = dirname(file);
    if (!inside(dir, appDir)) dirs.add(dir);
  }
  // A folder inside another one already watched adds nothing.
  return [...dirs].filter((dir) => ![...dirs].some((other) => other !== dir && inside(dir, other))).sort();
}

/** The folder of the package this file belongs to (worker-manager, or the extension that bundles it). */
function packageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return from;
  }
}

export async function runReloaderProcess(app: App, link: ManagerLink): Promise<void> {
  const { watch } = require('chokidar') as typeof import('chokidar');
  const appDir = dirname(locatorFromEnv().module);
  const extraDirs = String(app.config.RELOAD_DIRS ?? '')
    .split(',')
    .map((d) => d.trim())
    .filter(Boolean)
    .map((d) => resolve(d));
  const moduleDirs = loadedModuleDirs(appDir, Object.keys(require.cache), packageRoot(__dirname));
  const roots = [appDir, ...moduleDirs, ...extraDirs];
  const rootOf = (path: string) => roots.find((root) => path === root || !relative(root, path).startsWith('..')) ?? appDir;
  const relevant = (path: string) => {
    if (extraDirs.some((dir) => !relative(dir, path).startsWith('..'))) return true;
    return CODE_EXTENSIONS.has(extname(path));
  };

  const watcher = watch(roots, {
    ignored: (path: string) => isIgnoredPath(relative(rootOf(path), path)),
    ignoreInitial: true,
    persistent: true,
  });
  // A watcher error (a folder it may not read, the system's limit of watches) costs only what it could not watch:
  // the app still runs, and the reloader says what is not watched and how to fix it.
  watcher.on('error', (error: unknown) => log.warn(watcherProblem(error)));
  await new Promise<void>((resolveReady) => watcher.once('ready', resolveReady));

  const changed = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const debounceMs = Number(app.config.RELOAD_DEBOUNCE);
  const flush = async () => {
    timer = undefined;
    const files = [...changed].map((f) => relative(process.cwd(), f));
    changed.clear();
    log.info(`Change detected in ${files.slice(0, 3).join(', ')}${files.length > 3 ? ` and ${files.length - 3} more` : ''}; reloading.`);
    try {
      const names = await link.call('reload', { zeroDowntime: true });
      log.debug(`Reloading ${names.join(', ')}.`);
    } catch (error) {
      log.error(`Reload failed: ${(error as Error).message}`);
    }
  };
  watcher.on('all', (_event: string, path: string) => {
    if (!relevant(path)) return;
    changed.add(path);
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void flush(), debounceMs);
  });
  link.whenManagerLost(() => process.exit(0));
  process.on('SIGTERM', () => {
    void watcher.close().finally(() => process.exit(0));
  });
  log.info(`Watching ${roots.map((d) => relative(process.cwd(), d) || '.').join(', ')} for changes.`);
}

function watcherProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'ENOSPC' || code === 'EMFILE') {
    return (
      `File watcher: the system's limit of file watches is reached (${code}); some files are not watched for changes. ` +
      'Raise it (Linux: sudo sysctl fs.inotify.max_user_watches=524288) or watch fewer folders.'
    );
  }
  return `File watcher: ${error instanceof Error ? error.message : String(error)}; the other files are still watched.`;
}
