// The Workers view: apps at the top, their processes under them, a process's own state keys under it.
// Reads the model only; every change of an app's state refreshes that app's subtree.
import * as vscode from 'vscode';
import type { AppEntry, WorkersModel } from './model';
import { debugpyInstalled } from '../launch/launcher';
import { advertisedCommands, canAttachTo, capabilities, describeProcess, formatDuration, orderedProcesses, runtimeOf, summarize } from './present';

export type WorkersNode =
  | { kind: 'app'; appId: string }
  | { kind: 'process'; appId: string; name: string }
  | { kind: 'detail'; appId: string; process: string; key: string; value: string }
  | { kind: 'message'; appId: string; text: string };

/** Uptimes in descriptions move on; while the view is visible it is redrawn this often. */
const TICK_MS = 5000;

export class WorkersTree implements vscode.TreeDataProvider<WorkersNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<WorkersNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** VS Code keys tree elements by object identity: hand out one object per node id. */
  private readonly nodes = new Map<string, WorkersNode>();
  private readonly subscription: { dispose(): void };
  private ticker?: NodeJS.Timeout;

  constructor(private readonly model: WorkersModel, private readonly now: () => number = Date.now) {
    this.subscription = model.onDidChange((appId) => this.refresh(appId));
  }

  refresh(appId?: string): void {
    const app = appId ? this.nodes.get(`app:${appId}`) : undefined;
    if (appId && !this.model.get(appId)) this.forget(appId, new Set());
    this.changed.fire(app && this.model.get(appId!) ? app : undefined);
  }

  /** Drops the nodes of an app's processes not in `keep` (all of them, and the app's, once it is gone). */
  private forget(appId: string, keep: Set<string>): void {
    const gone = !this.model.get(appId);
    for (const [id, node] of this.nodes) {
      if (node.appId !== appId) continue;
      const processName = node.kind === 'process' ? node.name : node.kind === 'detail' ? node.process : undefined;
      if (gone || (processName !== undefined && !keep.has(processName))) this.nodes.delete(id);
    }
  }

  /** Redraws live apps every few seconds while `visible` (uptimes). */
  setVisible(visible: boolean): void {
    clearInterval(this.ticker);
    this.ticker = visible ? setInterval(() => this.model.list().filter((a) => a.status === 'live').forEach((a) => this.refresh(a.id)), TICK_MS) : undefined;
  }

  getChildren(node?: WorkersNode): WorkersNode[] {
    if (!node) return this.model.list().map((app) => this.node({ kind: 'app', appId: app.id }));
    const app = this.model.get(node.appId);
    if (!app) return [];
    if (node.kind === 'app') {
      if (app.state && app.status !== 'unreachable') {
        const names = orderedProcesses(app.state.workers).map(([name]) => name);
        this.forget(app.id, new Set(names));
        return names.map((name) => this.node({ kind: 'process', appId: app.id, name }));
      }
      return app.error && app.status === 'unreachable' ? [this.node({ kind: 'message', appId: app.id, text: app.error })] : [];
    }
    if (node.kind === 'process') {
      const record = app.state?.workers[node.name];
      if (!record) return [];
      return describeProcess(node.name, record, this.now(), false).custom.map(([key, value]) =>
        this.node({ kind: 'detail', appId: app.id, process: node.name, key, value }));
    }
    return [];
  }

  getParent(node: WorkersNode): WorkersNode | undefined {
    if (node.kind === 'app') return undefined;
    if (node.kind === 'detail') return this.nodes.get(`process:${node.appId}:${node.process}`);
    return this.nodes.get(`app:${node.appId}`);
  }

  getTreeItem(node: WorkersNode): vscode.TreeItem {
    const app = this.model.get(node.appId);
    if (!app) return new vscode.TreeItem('(gone)');
    switch (node.kind) {
      case 'app':
        return this.appItem(app);
      case 'process':
        return this.processItem(app, node.name);
      case 'detail': {
        const item = new vscode.TreeItem(node.key);
        item.id = idOf(node);
        item.description = node.value;
        item.tooltip = `${node.key} = ${node.value}`;
        item.contextValue = 'wmDetail';
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.text);
        item.id = idOf(node);
        item.iconPath = new vscode.ThemeIcon('debug-disconnect', new vscode.ThemeColor('errorForeground'));
        item.contextValue = 'wmMessage';
        return item;
      }
    }
  }

  private appItem(app: AppEntry): vscode.TreeItem {
    const item = new vscode.TreeItem(appLabel(app), vscode.TreeItemCollapsibleState.Expanded);
    item.id = `app:${app.id}`;
    item.description = appDescription(app, this.now());
    item.tooltip = appTooltip(app);
    item.iconPath = appIcon(app);
    const caps = capabilities(app.state);
    item.contextValue = ['wmApp', app.status, app.origin, caps.includes('restart') ? 'canRestart' : '',
      advertisedCommands(app.state).length ? 'hasCommands' : ''].filter(Boolean).join(' ');
    return item;
  }

  private processItem(app: AppEntry, name: string): vscode.TreeItem {
    const record = app.state?.workers[name] ?? {};
    const view = describeProcess(name, record, this.now(), capabilities(app.state).includes('restart'));
    const item = new vscode.TreeItem(name, view.custom.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = `process:${app.id}:${name}`;
    item.description = view.description;
    item.iconPath = new vscode.ThemeIcon(view.look.icon, view.look.color ? new vscode.ThemeColor(view.look.color) : undefined);
    const tooltip = new vscode.MarkdownString();
    tooltip.appendMarkdown(`**${name}**\n\n`);
    tooltip.appendCodeblock(JSON.stringify(record, null, 2), 'json');
    item.tooltip = tooltip;
    const runtime = app.launch?.runtime ?? runtimeOf(app.state) ?? 'node';
    const attachable = view.flags.includes('running') && canAttachTo(app, debugpyInstalled());
    item.contextValue = ['wmProcess', ...view.flags, runtime, app.status, attachable ? 'attachable' : ''].filter(Boolean).join(' ');
    return item;
  }

  private node<T extends WorkersNode>(fresh: T): T {
    const id = idOf(fresh);
    const existing = this.nodes.get(id) as T | undefined;
    if (existing && (existing.kind !== 'detail' || (existing as { value: string }).value === (fresh as { value?: string }).value)) return existing;
    this.nodes.set(id, fresh);
    return fresh;
  }

  dispose(): void {
    clearInterval(this.ticker);
    this.subscription.dispose();
    this.changed.dispose();
  }
}

function idOf(node: WorkersNode): string {
  switch (node.kind) {
    case 'app':
      return `app:${node.appId}`;
    case 'process':
      return `process:${node.appId}:${node.name}`;
    case 'detail':
      return `detail:${node.appId}:${node.process}:${node.key}`;
    case 'message':
      return `message:${node.appId}`;
  }
}

export function appLabel(app: AppEntry): string {
  return app.origin === 'launched' ? (app.state?.info.app || app.name) : app.name;
}

function appDescription(app: AppEntry, now: number): string {
  switch (app.status) {
    case 'connecting':
      return app.origin === 'launched' ? 'starting…' : 'connecting…';
    case 'stopped':
      return 'stopped';
    case 'unreachable': {
      const wait = app.retryAt ? Math.max(0, app.retryAt - now) : 0;
      return `unreachable · retrying${wait >= 1000 ? ` in ${formatDuration(wait)}` : ''}`;
    }
    case 'live': {
      const s = summarize(app.state!);
      const parts = [`${s.ready}/${s.total} ready`];
      if (app.state!.info.mode) parts.push(app.state!.info.mode);
      const runtime = runtimeVersion(app.state!.info);
      if (runtime) parts.push(runtime);
      if (s.failed.length) parts.push(`${s.failed.length} failed`);
      if (s.crashLoop.length) parts.push('crash loop');
      if (app.mode === 'poll') parts.push('polling');
      return parts.join(' · ');
    }
  }
}

/** Sanic reports `python`, ours `node`: shown on the app node, as a container explorer shows an image's tag. */
function runtimeVersion(info: Record<string, unknown>): string | undefined {
  if (typeof info.node === 'string') return `node ${info.node}`;
  if (typeof info.python === 'string') return `python ${info.python}`;
  return undefined;
}

function appIcon(app: AppEntry): vscode.ThemeIcon {
  if (app.status === 'unreachable') return new vscode.ThemeIcon('debug-disconnect', new vscode.ThemeColor('errorForeground'));
  if (app.status === 'connecting') return new vscode.ThemeIcon('loading~spin');
  if (app.status === 'stopped') return new vscode.ThemeIcon('debug-stop', new vscode.ThemeColor('disabledForeground'));
  const s = summarize(app.state!);
  const color = s.failed.length || s.crashLoop.length ? 'errorForeground' : s.ready < s.total ? 'charts.yellow' : 'charts.green';
  return new vscode.ThemeIcon('server-environment', new vscode.ThemeColor(color));
}

function appTooltip(app: AppEntry): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  const e = app.endpoint;
  md.appendMarkdown(`**${appLabel(app)}** — ${app.status}\n\n`);
  md.appendMarkdown(`inspector: \`${e.tls ? 'https' : 'http'}://${e.host}:${e.port}\`${app.mode ? ` (${app.mode === 'stream' ? 'change stream' : 'polling'})` : ''}\n\n`);
  if (app.launch) md.appendMarkdown(`launched: \`${app.launch.file}\` (${app.launch.runtime}${app.launch.debug ? ', debugging' : ''})\n\n`);
  if (app.error) md.appendMarkdown(`error: ${app.error}\n\n`);
  if (app.state) md.appendCodeblock(JSON.stringify(app.state.info, null, 2), 'json');
  return md;
}
