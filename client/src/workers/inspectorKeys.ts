// API keys for inspectors added with "Connect to Inspector…": kept in VS Code's secret storage (the OS
// keychain), never in settings.json. A `workerManager.inspectors` entry without an `apiKey` of its own uses
// the key stored for its host:port, if any.
import type * as vscode from 'vscode';

const PREFIX = 'workerManager.inspectorKey:';

export class InspectorKeys {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  get(host: string, port: number): Thenable<string | undefined> {
    return this.secrets.get(`${PREFIX}${host}:${port}`);
  }

  async set(host: string, port: number, key: string | undefined): Promise<void> {
    if (key) await this.secrets.store(`${PREFIX}${host}:${port}`, key);
    else await this.secrets.delete(`${PREFIX}${host}:${port}`);
  }

  /** Fires when a stored key changes (here or in another window). */
  onDidChange(listener: () => void): vscode.Disposable {
    return this.secrets.onDidChange((e) => {
      if (e.key.startsWith(PREFIX)) listener();
    });
  }
}
