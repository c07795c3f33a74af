// Starts the language server (dist/server.js) as a child over Node IPC for Python and TS/JS files. In
// development (and test) mode it runs with --inspect on a free loopback port, and "Attach to Language Server"
// attaches the JavaScript debugger there. Rule severities (workerManager.diagnostics.severity) are
// read by the server through workspace/configuration; changes are pushed to it.
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { freePort } from './launch/portsAndKeys';
import { SECTION } from './settings';

export const LANGUAGES = ['python', 'typescript', 'javascript', 'typescriptreact', 'javascriptreact'];

export interface RunningLanguageServer {
  client: LanguageClient;
  /** The server's debug port (development mode only). */
  inspectPort?: number;
}

export async function startLanguageServer(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): Promise<RunningLanguageServer | undefined> {
  const module = context.asAbsolutePath('dist/server.js');
  // Development and Test modes are both an extension developer's: the server is debuggable in either.
  const development = context.extensionMode !== vscode.ExtensionMode.Production;
  const inspectPort = development ? await freePort() : undefined;
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', `--inspect=127.0.0.1:${inspectPort ?? 0}`] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: LANGUAGES.flatMap((language) => [{ scheme: 'file', language }, { scheme: 'untitled', language }]),
    synchronize: { configurationSection: SECTION },
    diagnosticCollectionName: 'workerManager',
  };
  // forceDebug (last argument) picks the debug options whenever the extension runs in development mode.
  const client = new LanguageClient('workerManager', 'Worker Manager Language Server', serverOptions, clientOptions, development);
  try {
    await client.start();
  } catch (e) {
    log.error(`the language server did not start: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
  if (inspectPort) log.info(`language server: debugger on 127.0.0.1:${inspectPort} (command "Attach to Language Server")`);
  return { client, inspectPort };
}

export function attachToLanguageServer(server: RunningLanguageServer | undefined): Thenable<boolean> {
  if (!server?.inspectPort) {
    void vscode.window.showInformationMessage('The language server runs with a debugger port only in development mode.');
    return Promise.resolve(false);
  }
  return vscode.debug.startDebugging(undefined, {
    type: 'node', request: 'attach', name: 'Attach to Language Server', address: '127.0.0.1', port: server.inspectPort,
  });
}
