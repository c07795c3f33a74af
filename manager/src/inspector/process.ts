/** The inspector process (WM-12). Placeholder until the inspector lands. */
import type { App } from '../app';
import type { ManagerLink } from '../worker/link';

export async function runInspectorProcess(_app: App, _link: ManagerLink): Promise<void> {
  throw new Error('The inspector is not built yet.');
}
