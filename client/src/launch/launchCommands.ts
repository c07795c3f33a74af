// "Run App" and "Debug App": for the file they were invoked on (explorer, editor title), else the
// active editor's file, else one the user picks.
import * as vscode from 'vscode';
import { runtimeForFile } from './appTarget';
import type { Launcher } from './launcher';

export function registerLaunchCommands(launcher: Launcher): vscode.Disposable[] {
  const launch = async (uri: vscode.Uri | undefined, debug: boolean) => {
    const file = await appFile(uri);
    return file ? launcher.start(file, debug) : false;
  };
  return [
    vscode.commands.registerCommand('workerManager.runApp', (uri?: vscode.Uri) => launch(uri, false)),
    vscode.commands.registerCommand('workerManager.debugApp', (uri?: vscode.Uri) => launch(uri, true)),
  ];
}

async function appFile(uri: vscode.Uri | undefined): Promise<string | undefined> {
  if (uri instanceof vscode.Uri && uri.scheme === 'file') return uri.fsPath;
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active?.scheme === 'file' && runtimeForFile(active.fsPath)) return active.fsPath;
  const picked = await vscode.window.showOpenDialog({
    title: 'Run which app?',
    canSelectMany: false,
    filters: { 'Node.js or Sanic app': ['js', 'mjs', 'cjs', 'ts', 'mts', 'cts', 'py'] },
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
  });
  return picked?.[0]?.fsPath;
}
