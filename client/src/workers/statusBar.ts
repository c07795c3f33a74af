// The status bar item: ready/total server workers over the live apps, red when a worker FAILED or
// crash-loops. Clicking it opens the Workers view.
import * as vscode from 'vscode';
import type { AppEntry, WorkersModel } from './model';
import { statusSummary } from './present';
import { appLabel } from './tree';

export class WorkersStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('workerManager.status', vscode.StatusBarAlignment.Left, 20);
  private readonly subscription: { dispose(): void };

  constructor(private readonly model: WorkersModel) {
    this.item.name = 'Worker Manager';
    this.item.command = 'workerManager.workers.focus';
    this.subscription = model.onDidChange(() => this.update());
    this.update();
  }

  /** The item's current reading (for tests and the README's figures). */
  get text(): string {
    return this.item.text;
  }

  get backgroundColor(): vscode.ThemeColor | undefined {
    return this.item.backgroundColor;
  }

  private update(): void {
    const apps = this.model.list();
    // One inspector listed twice (launched here and also in the settings) counts once, by its freshest state.
    const byEndpoint = new Map<string, AppEntry>();
    for (const a of apps.filter((x) => x.status === 'live')) {
      const key = `${a.endpoint.host}:${a.endpoint.port}`;
      const seen = byEndpoint.get(key);
      if (!seen || (a.updatedAt ?? 0) > (seen.updatedAt ?? 0)) byEndpoint.set(key, a);
    }
    const live = [...byEndpoint.values()];
    if (!apps.length) {
      this.item.hide();
      return;
    }
    const summary = statusSummary(live.map((a) => ({ label: appLabel(a), state: a.state })));
    const down = apps.filter((a) => a.status === 'unreachable').map((a) => `${appLabel(a)}: unreachable`);
    const icon = summary.trouble ? 'error' : live.length ? 'server-process' : 'debug-disconnect';
    this.item.text = `$(${icon}) ${live.length ? summary.text : '–'}`;
    this.item.backgroundColor = summary.trouble ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.tooltip = ['Worker Manager: ready/total server workers', ...summary.lines, ...down].join('\n');
    this.item.show();
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
