'use strict';
const assert = require('node:assert');
const path = require('node:path');
const vscode = require('vscode');
const { api, isAlive, screenshot, showWorkersView, treeView, waitFor, REPO } = require('./helpers');

const CRASHY = path.join(REPO, 'test/e2e/fixtures/crashy.js');

suite('trouble shows: a crash-looping worker', () => {
  test('the worker, the app and the status bar turn to trouble colours', async function () {
    this.timeout(60_000);
    const wm = await api();
    // A plain run (noDebug) straight through the launcher, with the manager's crash policy made quick.
    await wm.launcher.resolve(vscode.workspace.workspaceFolders[0], {
      type: 'workerManager', request: 'launch', name: 'crashy', app: CRASHY, workers: 2, noDebug: true,
      args: ['--port', '0'], env: { WM_CRASH_LOOP_LIMIT: '3', WM_RESTART_BACKOFF: '0.05' },
    });
    const app = await waitFor('WM-Server-1-0 in a crash loop', () => wm.model.list().find((a) =>
      a.launch && a.launch.file === CRASHY && a.state && a.state.workers['WM-Server-1-0'] && a.state.workers['WM-Server-1-0'].crash_loop), 30_000);
    const record = app.state.workers['WM-Server-1-0'];
    assert.strictEqual(record.state, 'FAILED');

    const view = treeView(wm.tree, app.id);
    const worker = view.processes.find((p) => p.label === 'WM-Server-1-0');
    assert.strictEqual(worker.icon, 'warning');
    assert.strictEqual(worker.color, 'charts.orange');
    assert.match(worker.description, /^FAILED \(crash loop\) · pid \d+ · 3 starts · not serving$/);
    assert.match(view.app.description, /^1\/2 ready · .* · 1 failed · crash loop$/);
    assert.strictEqual(view.app.color, 'errorForeground');
    assert.strictEqual(wm.statusBar.text, '$(error) 1/2');
    assert.strictEqual(wm.statusBar.backgroundColor && wm.statusBar.backgroundColor.id, 'statusBarItem.errorBackground');

    await showWorkersView();
    await new Promise((r) => setTimeout(r, 600));
    await screenshot('crash-loop', 640);

    const pids = Object.values(wm.model.get(app.id).state.workers).filter((r) => r.state !== 'FAILED').map((r) => r.pid);
    const ended = new Promise((r) => {
      const sub = wm.launcher.onDidEnd((e) => e.appId === app.id && (sub.dispose(), r(e)));
    });
    assert.strictEqual(await wm.launcher.stop(app.id), true);
    await ended;
    for (const pid of pids) assert.ok(!isAlive(pid), `pid ${pid} outlived Stop App`);
    assert.strictEqual(wm.statusBar.backgroundColor, undefined, 'no trouble left once the app is gone');
  });
});
