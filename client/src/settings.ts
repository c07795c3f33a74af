// The extension's settings (contributes.configuration in package.json), read in one place.
import * as vscode from 'vscode';
import type { InspectorEndpoint } from './workers/inspector';

export const SECTION = 'workerManager';

export interface ConfiguredInspector extends InspectorEndpoint {
  name: string;
}

function config(scope?: vscode.ConfigurationScope): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SECTION, scope);
}

/**
 * `workerManager.inspectors` from every scope together (user, workspace, each folder): a list of places to
 * look, where a workspace's own entries add to the user's rather than hide them (VS Code's plain `get` would
 * return only the most specific list). Items that lack a port are dropped (the schema already warns about them).
 */
export function configuredInspectors(): ConfiguredInspector[] {
  const inspected = config().inspect<unknown[]>('inspectors');
  const values = [inspected?.globalValue, inspected?.workspaceValue];
  for (const folder of vscode.workspace.workspaceFolders ?? []) values.push(config(folder).inspect<unknown[]>('inspectors')?.workspaceFolderValue);
  const lists = values.flatMap((value) => (Array.isArray(value) ? value : []));
  const seen = new Set<string>();
  return parseInspectors(lists).filter((i) => {
    const key = `${i.name}@${i.host}:${i.port}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function parseInspectors(raw: unknown[]): ConfiguredInspector[] {
  return raw.flatMap((item) => {
    const o = (item ?? {}) as Record<string, unknown>;
    const port = Number(o.port);
    if (!Number.isInteger(port) || port <= 0) return [];
    const host = typeof o.host === 'string' && o.host ? o.host : '127.0.0.1';
    return [{
      name: typeof o.name === 'string' && o.name ? o.name : `${host}:${port}`,
      host,
      port,
      apiKey: typeof o.apiKey === 'string' && o.apiKey ? o.apiKey : undefined,
      tls: o.tls === true,
      ca: typeof o.ca === 'string' && o.ca ? o.ca : undefined,
      rejectUnauthorized: o.rejectUnauthorized === false ? false : undefined,
    }];
  });
}

export function liveUpdates(): 'auto' | 'poll' {
  return config().get<string>('liveUpdates') === 'poll' ? 'poll' : 'auto';
}

export function launchDefaults(scope?: vscode.ConfigurationScope): { workers: number; dev: boolean; args: string[] } {
  const c = config(scope);
  const workers = c.get<number>('launch.workers', 2);
  const args = c.get<unknown[]>('launch.args', []);
  return {
    workers: Number.isInteger(workers) && workers > 0 ? workers : 2,
    dev: c.get<boolean>('launch.dev', false),
    args: Array.isArray(args) ? args.map(String) : [],
  };
}

/** workerManager.pythonPath, else the Python extension's default interpreter setting, else python3. */
export function pythonPath(scope?: vscode.ConfigurationScope): string {
  const own = config(scope).get<string>('pythonPath');
  if (own) return own;
  const fromPythonExtension = vscode.workspace.getConfiguration('python', scope).get<string>('defaultInterpreterPath');
  return fromPythonExtension && fromPythonExtension !== 'python' ? fromPythonExtension : 'python3';
}
