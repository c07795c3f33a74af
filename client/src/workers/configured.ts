// Keeps the model's configured apps in step with the `workerManager.inspectors` setting (and the
// `workerManager.liveUpdates` choice), with API keys from secret storage for entries that carry none.
import * as vscode from 'vscode';
import { configuredInspectors, liveUpdates, SECTION } from '../settings';
import type { InspectorKeys } from './inspectorKeys';
import type { WorkersModel } from './model';

const ID_PREFIX = 'configured:';

export function followConfiguredInspectors(model: WorkersModel, keys: InspectorKeys): vscode.Disposable {
  let current = new Map<string, string>();
  let generation = 0;
  const sync = async () => {
    const mine = ++generation;
    const updates = liveUpdates();
    const inspectors = await Promise.all(
      configuredInspectors().map(async (inspector) => ({ ...inspector, apiKey: inspector.apiKey ?? (await keys.get(inspector.host, inspector.port)) })),
    );
    if (mine !== generation) return; // a later change is being applied
    const next = new Map<string, string>();
    for (const inspector of inspectors) {
      const id = `${ID_PREFIX}${inspector.name}@${inspector.host}:${inspector.port}`;
      const spec = { id, name: inspector.name, origin: 'configured' as const, endpoint: inspector, updates };
      next.set(id, JSON.stringify(spec));
      // Unchanged entries keep their connection; changed ones are replaced.
      if (current.get(id) !== next.get(id)) model.add(spec);
    }
    for (const id of current.keys()) if (!next.has(id)) model.remove(id);
    current = next;
  };
  void sync();
  const settings = vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration(`${SECTION}.inspectors`) || e.affectsConfiguration(`${SECTION}.liveUpdates`)) void sync();
  });
  return vscode.Disposable.from(settings, keys.onDidChange(() => void sync()));
}
