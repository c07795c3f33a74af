// Keeps the model's configured apps in step with the `workerManager.inspectors` setting (and the
// `workerManager.liveUpdates` choice).
import * as vscode from 'vscode';
import { configuredInspectors, liveUpdates, SECTION } from '../settings';
import type { WorkersModel } from './model';

const ID_PREFIX = 'configured:';

export function followConfiguredInspectors(model: WorkersModel): vscode.Disposable {
  let current = new Map<string, string>();
  const sync = () => {
    const updates = liveUpdates();
    const next = new Map<string, string>();
    for (const inspector of configuredInspectors()) {
      const id = `${ID_PREFIX}${inspector.name}@${inspector.host}:${inspector.port}`;
      const spec = { id, name: inspector.name, origin: 'configured' as const, endpoint: inspector, updates };
      next.set(id, JSON.stringify(spec));
      // Unchanged entries keep their connection; changed ones are replaced.
      if (current.get(id) !== next.get(id)) model.add(spec);
    }
    for (const id of current.keys()) if (!next.has(id)) model.remove(id);
    current = next;
  };
  sync();
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration(`${SECTION}.inspectors`) || e.affectsConfiguration(`${SECTION}.liveUpdates`)) sync();
  });
}
