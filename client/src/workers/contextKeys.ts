// Context keys for the `when` clauses in package.json (which palette commands make sense now).
import * as vscode from 'vscode';
import type { WorkersModel } from './model';
import { debugpyInstalled } from '../launch/launcher';
import { canAttachTo, capabilities } from './present';

export function trackContextKeys(model: WorkersModel): { dispose(): void } {
  let last = '';
  const update = () => {
    const apps = model.list();
    const live = apps.filter((a) => a.status === 'live');
    const keys: Record<string, boolean> = {
      'workerManager.hasApps': apps.length > 0,
      'workerManager.hasLiveApps': live.length > 0,
      'workerManager.canRestart': live.some((a) => capabilities(a.state).includes('restart')),
      'workerManager.canAttach': live.some((a) => canAttachTo(a, debugpyInstalled())),
      'workerManager.hasLaunchedApps': apps.some((a) => a.origin === 'launched'),
      'workerManager.hasConfiguredApps': apps.some((a) => a.origin === 'configured'),
    };
    const key = JSON.stringify(keys);
    if (key === last) return;
    last = key;
    for (const [name, value] of Object.entries(keys)) void vscode.commands.executeCommand('setContext', name, value);
  };
  update();
  return model.onDidChange(update);
}
