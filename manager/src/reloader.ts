/** The auto-reloader process (WM-11). Placeholder until the reloader lands. */
import type { App } from './app';
import type { ManagerLink } from './worker/link';

export async function runReloaderProcess(_app: App, _link: ManagerLink): Promise<void> {
  throw new Error('The reloader is not built yet.');
}
