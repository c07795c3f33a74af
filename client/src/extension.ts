// Wires the extension's parts together; each part lives in its own module.
import * as vscode from 'vscode';
import { attachToLanguageServer, startLanguageServer, type RunningLanguageServer } from './languageClient';
import { WorkerManagerDebugConfigurationProvider } from './launch/debugConfigProvider';
import { registerLaunchCommands } from './launch/launchCommands';
import { DEBUG_TYPE, Launcher } from './launch/launcher';
import { WorkerCommands } from './workers/commands';
import { followConfiguredInspectors } from './workers/configured';
import { trackContextKeys } from './workers/contextKeys';
import { createInspector } from './workers/inspectorClient';
import { InspectorKeys } from './workers/inspectorKeys';
import { WorkersModel } from './workers/model';
import { WorkersStatusBar } from './workers/statusBar';
import { WorkersTree } from './workers/tree';

/** What activate() returns: the parts, for other extensions and the end-to-end tests. */
export interface WorkerManagerApi {
  model: WorkersModel;
  tree: WorkersTree;
  view: vscode.TreeView<unknown>;
  statusBar: WorkersStatusBar;
  launcher: Launcher;
  languageServer: Promise<RunningLanguageServer | undefined>;
  activationMs: number;
}

let languageServerStarted: Promise<RunningLanguageServer | undefined> | undefined;

export function activate(context: vscode.ExtensionContext): WorkerManagerApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Worker Manager', { log: true });
  const model = new WorkersModel(createInspector);
  const tree = new WorkersTree(model);
  const view = vscode.window.createTreeView('workerManager.workers', { treeDataProvider: tree, showCollapseAll: true });
  tree.setVisible(view.visible);
  const statusBar = new WorkersStatusBar(model);
  const launcher = new Launcher(model, log, context.extensionPath);
  const keys = new InspectorKeys(context.secrets);
  const languageServer = (languageServerStarted = startLanguageServer(context, log));

  context.subscriptions.push(
    log, { dispose: () => model.dispose() }, tree, view, statusBar, launcher,
    view.onDidChangeVisibility((e) => tree.setVisible(e.visible)),
    trackContextKeys(model),
    followConfiguredInspectors(model, keys),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new WorkerManagerDebugConfigurationProvider(launcher)),
    ...registerLaunchCommands(launcher),
    ...new WorkerCommands(model, launcher, log, keys).register(),
    vscode.commands.registerCommand('workerManager.showLog', () => log.show()),
    vscode.commands.registerCommand('workerManager.attachLanguageServer', async () => attachToLanguageServer(await languageServer)),
  );
  void vscode.commands.executeCommand('setContext', 'workerManager.development', context.extensionMode !== vscode.ExtensionMode.Production);
  const activationMs = performance.now() - started;
  log.info(`activated in ${activationMs.toFixed(1)} ms`);
  return { model, tree, view, statusBar, launcher, languageServer, activationMs };
}

/** The language client is stopped here, awaited, so the server exits cleanly; the rest is disposed through context.subscriptions. */
export async function deactivate(): Promise<void> {
  const server = await languageServerStarted;
  languageServerStarted = undefined;
  await server?.client.stop();
}
