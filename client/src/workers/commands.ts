// The Workers view's actions. Each takes the tree node it was invoked on; from the command palette
// (no node) it asks which app, and which process, with quick picks. Extra arguments let other code
// (and tests) skip the prompts: scale(node, replicas), shutdown(node, { confirmed: true }),
// runCommand(node, name, argumentText).
import * as vscode from 'vscode';
import { debugpyInstalled, type Launcher } from '../launch/launcher';
import { isLoopbackHost, openInspectorByPid } from '../launch/nodeInspect';
import { SECTION } from '../settings';
import { parseAddress, parseCommandArguments, validateReplicas } from './commandInput';
import type { InspectorKeys } from './inspectorKeys';
import type { AppEntry, WorkersModel } from './model';
import { advertisedCommands, canAttachTo, capabilities, formatValue, isMainProcess, orderedProcesses, runtimeOf } from './present';
import { appLabel, type WorkersNode } from './tree';

type AppNode = Extract<WorkersNode, { kind: 'app' }>;
type ProcessNode = Extract<WorkersNode, { kind: 'process' }>;

export class WorkerCommands {
  constructor(
    private readonly model: WorkersModel,
    private readonly launcher: Launcher,
    private readonly log: vscode.LogOutputChannel,
    private readonly keys: InspectorKeys,
  ) {}

  register(): vscode.Disposable[] {
    const r = (id: string, fn: (...args: any[]) => unknown) => vscode.commands.registerCommand(`workerManager.${id}`, fn);
    return [
      r('refresh', (node?: WorkersNode) => this.model.refresh(node?.appId)),
      r('reloadApp', (node?: AppNode) => this.reload(node, false)),
      r('reloadAppZeroDowntime', (node?: AppNode) => this.reload(node, true)),
      r('scaleApp', (node?: AppNode, replicas?: number) => this.scale(node, replicas)),
      r('shutdownApp', (node?: AppNode, opts?: { confirmed?: boolean }) => this.shutdown(node, opts?.confirmed === true)),
      r('stopApp', (node?: AppNode) => this.stop(node)),
      r('runCommand', (node?: AppNode, name?: string, argumentText?: string) => this.runCommand(node, name, argumentText)),
      r('copyAppInfo', (node?: AppNode) => this.copyInfo(node)),
      r('restartWorker', (node?: ProcessNode) => this.restart(node, false)),
      r('restartWorkerZeroDowntime', (node?: ProcessNode) => this.restart(node, true)),
      r('attachDebugger', (node?: ProcessNode) => this.attach(node)),
      r('addInspector', (given?: Parameters<WorkerCommands['addInspector']>[0]) => this.addInspector(given)),
      r('removeInspector', (node?: AppNode) => this.removeInspector(node)),
    ];
  }

  private async reload(node: AppNode | undefined, zeroDowntime: boolean): Promise<unknown> {
    const app = await this.app(node);
    if (!app) return undefined;
    return this.act(app, zeroDowntime ? 'Zero-downtime reload' : 'Reload', (i) => i.reload({ zeroDowntime }));
  }

  private async scale(node: AppNode | undefined, replicas?: number): Promise<unknown> {
    const app = await this.app(node);
    if (!app) return undefined;
    if (replicas === undefined) {
      const servers = Object.values(app.state?.workers ?? {}).filter((r) => r.server && r.state !== 'TERMINATED' && r.state !== 'COMPLETED').length;
      const text = await vscode.window.showInputBox({
        title: `Scale ${appLabel(app)}`,
        prompt: 'Number of server workers',
        value: String(servers || 1),
        validateInput: validateReplicas,
      });
      if (text === undefined) return undefined;
      replicas = Number(text.trim());
    } else {
      const problem = validateReplicas(String(replicas));
      if (problem) throw new Error(problem);
    }
    return this.act(app, `Scale to ${replicas}`, (i) => i.scale(replicas!));
  }

  private async shutdown(node: AppNode | undefined, confirmed: boolean): Promise<unknown> {
    const app = await this.app(node);
    if (!app) return undefined;
    if (!confirmed) {
      const answer = await vscode.window.showWarningMessage(`Shut down ${appLabel(app)}? Every process of the app stops.`, { modal: true }, 'Shut Down');
      if (answer !== 'Shut Down') return undefined;
    }
    return this.act(app, 'Shutdown', (i) => i.shutdown());
  }

  private async stop(node: AppNode | undefined): Promise<boolean> {
    const app = await this.app(node, (a) => this.launcher.isLaunched(a.id));
    return app ? this.launcher.stop(app.id) : false;
  }

  private async runCommand(node: AppNode | undefined, name?: string, argumentText?: string): Promise<unknown> {
    const app = await this.app(node);
    if (!app) return undefined;
    if (!name) {
      const other = '$(edit) Other command…';
      const picked = await vscode.window.showQuickPick([...advertisedCommands(app.state), other], {
        title: `Run a command on ${appLabel(app)}`,
        placeHolder: advertisedCommands(app.state).length ? 'Commands the inspector offers' : 'This inspector does not list its commands',
      });
      if (!picked) return undefined;
      name = picked === other ? await vscode.window.showInputBox({ prompt: 'Command name', validateInput: (v) => (/^[A-Za-z_][\w-]*$/.test(v) ? undefined : 'A command name: letters, digits, _ and -') }) : picked;
      if (!name) return undefined;
    }
    if (argumentText === undefined) {
      argumentText = await vscode.window.showInputBox({ title: `${name}: arguments`, prompt: 'Positional words, --key=value, --flag, --no-flag (empty for none)', value: '' });
      if (argumentText === undefined) return undefined;
    }
    const { args, kwargs } = parseCommandArguments(argumentText);
    const result = await this.act(app, `Command ${name}`, (i) => i.command(name!, args, kwargs));
    if (result !== undefined) void vscode.window.showInformationMessage(`${name}: ${formatValue(result).slice(0, 300)}`);
    return result;
  }

  private async copyInfo(node: AppNode | undefined): Promise<string | undefined> {
    const app = await this.app(node);
    if (!app?.state) return undefined;
    const json = JSON.stringify(app.state, null, 2);
    await vscode.env.clipboard.writeText(json);
    vscode.window.setStatusBarMessage(`Copied ${appLabel(app)}'s state`, 3000);
    return json;
  }

  private async restart(node: ProcessNode | undefined, zeroDowntime: boolean): Promise<unknown> {
    const target = await this.process(node, (name) => !isMainProcess(name), (a) => a.status === 'live' && capabilities(a.state).includes('restart'));
    if (!target) return undefined;
    return this.act(target.app, `${zeroDowntime ? 'Zero-downtime restart' : 'Restart'} of ${target.name}`,
      (i) => i.restart([target.name], { zeroDowntime }));
  }

  private async attach(node: ProcessNode | undefined): Promise<boolean> {
    const target = await this.process(node, (_, pid) => pid !== undefined, (a) => canAttachTo(a, debugpyInstalled()));
    if (!target) return false;
    const { app, name } = target;
    const record = app.state?.workers[name];
    const pid = record?.pid;
    if (pid === undefined) return false;
    if (app.launch?.debug) {
      void vscode.window.showInformationMessage(`${name} already runs under the debugger: it is a child session of the app's debug session.`);
      return false;
    }
    const runtime = app.launch?.runtime ?? runtimeOf(app.state);
    let config: vscode.DebugConfiguration;
    if (runtime === 'python') {
      if (!vscode.extensions.getExtension('ms-python.debugpy')) {
        void vscode.window.showErrorMessage('Attaching to a Python worker needs the Python Debugger extension (ms-python.debugpy).');
        return false;
      }
      config = { type: 'debugpy', request: 'attach', name: `Attach ${name}`, processId: pid, justMyCode: true };
    } else {
      // A worker that reports its inspector port is attached there; otherwise its inspector is turned
      // on by pid (SIGUSR1, Node's default port).
      let port = [record?.inspect_port, record?.inspectPort].find((p): p is number => typeof p === 'number');
      let host = app.endpoint.host;
      if (port === undefined) {
        if (!isLoopbackHost(app.endpoint.host)) {
          void vscode.window.showErrorMessage(`Cannot attach to ${name}: its pid is on another machine (${app.endpoint.host}) and the worker reports no inspect_port.`);
          return false;
        }
        try {
          port = await openInspectorByPid(pid);
          host = '127.0.0.1';
        } catch (e) {
          this.log.error(`attach to ${name}: ${(e as Error).message}`);
          void vscode.window.showErrorMessage(`Cannot attach to ${name}: ${(e as Error).message}`);
          return false;
        }
      }
      config = { type: 'node', request: 'attach', name: `Attach ${name} (pid ${pid})`, address: host, port, skipFiles: ['<node_internals>/**'] };
    }
    const folder = app.launch ? vscode.workspace.getWorkspaceFolder(vscode.Uri.file(app.launch.file)) : undefined;
    return vscode.debug.startDebugging(folder, config);
  }

  /**
   * "Connect to Inspector…": host:port, API key, transport (asked, or given as arguments by a script). The entry
   * goes into the user's settings; its key into secret storage (the OS keychain), never into settings.json.
   */
  private async addInspector(given?: { address?: string; apiKey?: string; transport?: 'http' | 'https' | 'https-self-signed' }): Promise<void> {
    const address = given?.address ?? await vscode.window.showInputBox({
      title: 'Connect to an inspector (1/3)',
      prompt: 'host:port of the inspector',
      placeHolder: '127.0.0.1:6457',
      validateInput: (v) => (parseAddress(v) ? undefined : 'host:port, e.g. 127.0.0.1:6457 or [::1]:6457'),
    });
    const parsed = address === undefined ? undefined : parseAddress(address);
    if (!parsed) return;
    const apiKey = given?.address !== undefined ? (given.apiKey ?? '') : await vscode.window.showInputBox({
      title: 'Connect to an inspector (2/3)',
      prompt: 'API key (empty for none); kept in VS Code\'s secret storage, not in settings',
      password: true,
    });
    if (apiKey === undefined) return;
    const transports = [
      { id: 'http', label: 'HTTP', description: 'plain (loopback, or behind a tunnel)', tls: false, strict: true },
      { id: 'https', label: 'HTTPS', description: 'the inspector has INSPECTOR_TLS_CERT/KEY; its certificate is verified', tls: true, strict: true },
      { id: 'https-self-signed', label: 'HTTPS, self-signed certificate', description: 'encrypted, but the certificate is not verified', tls: true, strict: false },
    ];
    const transport = given?.address !== undefined
      ? transports.find((t) => t.id === (given.transport ?? 'http'))
      : await vscode.window.showQuickPick(transports, { title: 'Connect to an inspector (3/3)', placeHolder: 'How to reach it' });
    if (!transport) return;
    const { host, port } = parsed;
    await this.keys.set(host, port, apiKey);
    const config = vscode.workspace.getConfiguration(SECTION);
    const list = [...(config.inspect<unknown[]>('inspectors')?.globalValue ?? [])];
    list.push({ name: `${host}:${port}`, host, port, ...(transport.tls ? { tls: true } : {}), ...(transport.strict ? {} : { rejectUnauthorized: false }) });
    await config.update('inspectors', list, vscode.ConfigurationTarget.Global);
  }

  /** Removes the app's entries from every settings scope that lists it (user, workspace, folders) and its stored key. */
  private async removeInspector(node: AppNode | undefined): Promise<void> {
    const app = await this.app(node, (a) => a.origin === 'configured');
    if (!app) return;
    // This entry only: another one may list the same inspector under another name.
    const matches = (item: unknown) => {
      const o = item as { name?: string; host?: string; port?: number };
      const host = o.host || '127.0.0.1';
      return host === app.endpoint.host && Number(o.port) === app.endpoint.port && (o.name || `${host}:${o.port}`) === app.name;
    };
    const scopes: Array<[vscode.WorkspaceFolder | undefined, vscode.ConfigurationTarget, 'globalValue' | 'workspaceValue' | 'workspaceFolderValue']> = [
      [undefined, vscode.ConfigurationTarget.Global, 'globalValue'],
      [undefined, vscode.ConfigurationTarget.Workspace, 'workspaceValue'],
      ...(vscode.workspace.workspaceFolders ?? []).map((f) => [f, vscode.ConfigurationTarget.WorkspaceFolder, 'workspaceFolderValue'] as [vscode.WorkspaceFolder, vscode.ConfigurationTarget, 'workspaceFolderValue']),
    ];
    for (const [folder, target, key] of scopes) {
      const config = vscode.workspace.getConfiguration(SECTION, folder);
      const value = config.inspect<unknown[]>('inspectors')?.[key];
      if (Array.isArray(value) && value.some(matches)) await config.update('inspectors', value.filter((i) => !matches(i)), target);
    }
    await this.keys.set(app.endpoint.host, app.endpoint.port, undefined);
  }

  /** Runs an inspector action; failures are reported (the user asked for it) and logged. */
  private async act<T>(app: AppEntry, what: string, fn: (i: NonNullable<ReturnType<WorkersModel['inspector']>>) => Promise<T>): Promise<T | undefined> {
    const inspector = this.model.inspector(app.id);
    if (!inspector) return undefined;
    this.log.info(`${appLabel(app)}: ${what}`);
    try {
      const pending = fn(inspector);
      vscode.window.setStatusBarMessage(`$(sync~spin) ${appLabel(app)}: ${what}…`, pending);
      return await pending;
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.log.error(`${appLabel(app)}: ${what} failed: ${message}`);
      void vscode.window.showErrorMessage(`${appLabel(app)}: ${what} failed: ${message}`);
      return undefined;
    }
  }

  private async app(node: AppNode | ProcessNode | undefined, filter: (a: AppEntry) => boolean = (a) => a.status === 'live'): Promise<AppEntry | undefined> {
    if (node) return this.model.get(node.appId);
    const apps = this.model.list().filter(filter);
    if (apps.length <= 1) {
      if (!apps.length) void vscode.window.showInformationMessage('Worker Manager: no app to act on. Run one, or add an inspector in the Workers view.');
      return apps[0];
    }
    const picked = await vscode.window.showQuickPick(apps.map((a) => ({ label: appLabel(a), description: `${a.endpoint.host}:${a.endpoint.port}`, app: a })), { placeHolder: 'Which app?' });
    return picked?.app;
  }

  /** The process a command acts on: the node it was invoked on, or one picked among the apps `appFilter` keeps. */
  private async process(node: ProcessNode | undefined, filter: (name: string, pid?: number) => boolean,
    appFilter?: (a: AppEntry) => boolean): Promise<{ app: AppEntry; name: string } | undefined> {
    if (node) {
      const app = this.model.get(node.appId);
      return app ? { app, name: node.name } : undefined;
    }
    const app = await this.app(undefined, appFilter);
    if (!app?.state) return undefined;
    const items = orderedProcesses(app.state.workers)
      .filter(([name, r]) => filter(name, r.pid))
      .map(([name, r]) => ({ label: name, description: `${r.state ?? ''} pid ${r.pid ?? '?'}` }));
    const picked = await vscode.window.showQuickPick(items, { placeHolder: 'Which process?' });
    return picked ? { app, name: picked.label } : undefined;
  }
}
