// The `workerManager` debug type: launch.json snippets (package.json), initial configurations, and the
// resolution that turns one into a `node` (js-debug) or `debugpy` configuration through the Launcher.
import * as vscode from 'vscode';
import { DEBUG_TYPE, type Launcher, type WorkerManagerLaunchConfiguration } from './launcher';

export class WorkerManagerDebugConfigurationProvider implements vscode.DebugConfigurationProvider {
  constructor(private readonly launcher: Launcher) {}

  provideDebugConfigurations(): vscode.DebugConfiguration[] {
    return [
      { type: DEBUG_TYPE, request: 'launch', name: 'Worker Manager: Debug app', app: '${file}', workers: 2 },
    ];
  }

  resolveDebugConfiguration(folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): Promise<vscode.DebugConfiguration | undefined> {
    // F5 without a launch.json: the file in the editor.
    if (!config.type && !config.request && !config.name) {
      config = { type: DEBUG_TYPE, request: 'launch', name: 'Worker Manager: Debug current file', app: '${file}', noDebug: config.noDebug };
    }
    return this.launcher.resolve(folder, config as WorkerManagerLaunchConfiguration);
  }
}
