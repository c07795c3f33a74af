/**
 * State that must be one per process even when two copies of this package are loaded (an app's own
 * node_modules/worker-manager next to the `wm` that runs it, or the extension's bundled CLI): kept on globalThis
 * under a registered symbol, like the app registry.
 */
const STORE = Symbol.for('worker-manager.globals');

interface Globals {
  [key: string]: unknown;
}

function store(): Globals {
  const g = globalThis as unknown as Record<symbol, Globals | undefined>;
  g[STORE] ??= {};
  return g[STORE]!;
}

/** The process-wide value under `key`, made by `init` on first use. */
export function processGlobal<T>(key: string, init: () => T): T {
  const s = store();
  if (!(key in s)) s[key] = init();
  return s[key] as T;
}

export function setProcessGlobal<T>(key: string, value: T): void {
  store()[key] = value;
}

export function getProcessGlobal<T>(key: string): T | undefined {
  return store()[key] as T | undefined;
}
