'use strict';
const assert = require('node:assert');
const fs = require('node:fs');
const vscode = require('vscode');
const { api, isAlive, screenshot, showWorkersView, treeView, waitFor } = require('./helpers');
const shared = require('./shared');

suite('the Workers view shows the launched app', () => {
  let wm;
  suiteSetup(async function () {
    if (!shared.launched) this.skip();
    wm = await api();
  });

  test('one app node with its info and ready count', async () => {
    // The view follows the app by polling until its watch has switched to the inspector's change stream.
    await waitFor('the view to follow the change stream', () => /change stream/.test(treeView(wm.tree, shared.launched.appId)?.app.tooltip ?? ''), 5000);
    const view = treeView(wm.tree, shared.launched.appId);
    assert.ok(view, 'no app node');
    assert.strictEqual(view.app.label, 'hello');
    assert.match(view.app.description, /^4\/4 ready · production, w\/ 4 workers · node v\d+\.\d+\.\d+$/);
    assert.match(view.app.contextValue, /^wmApp live launched canRestart hasCommands$/);
    assert.strictEqual(view.app.icon, 'server-environment');
    assert.strictEqual(view.app.color, 'charts.green');
    assert.match(view.app.tooltip, /"app": "hello"/);
    assert.match(view.app.tooltip, /change stream/, 'our inspector offers the change stream and the view uses it');
  });

  test('every process with its state, icon, colour, pid, uptime, starts and serving', () => {
    const { state } = wm.model.get(shared.launched.appId);
    const view = treeView(wm.tree, shared.launched.appId);
    assert.deepStrictEqual(view.processes.map((p) => p.label), ['WM-Main', 'WM-Server-0-0', 'WM-Server-1-0', 'WM-Server-2-0', 'WM-Server-3-0', 'WM-Inspector-0']);
    const byName = Object.fromEntries(view.processes.map((p) => [p.label, p]));
    assert.strictEqual(byName['WM-Main'].description, `main · pid ${state.workers['WM-Main'].pid}`);
    assert.strictEqual(byName['WM-Main'].icon, 'server-process');
    for (const i of [0, 1, 2, 3]) {
      const name = `WM-Server-${i}-0`;
      const p = byName[name];
      assert.match(p.description, new RegExp(`^ACKED · pid ${state.workers[name].pid} · up \\d+s · 1 start · serving$`), p.description);
      assert.strictEqual(p.icon, 'pass-filled');
      assert.strictEqual(p.color, 'charts.green');
      assert.match(p.contextValue, /^wmProcess server running restartable node live$/);
      assert.match(p.tooltip, new RegExp(`"pid": ${state.workers[name].pid}`));
    }
    assert.match(byName['WM-Inspector-0'].description, /^STARTED · pid \d+/);
    assert.strictEqual(byName['WM-Inspector-0'].icon, 'circle-filled');
    for (const pid of shared.launched.pids) assert.ok(isAlive(pid), `pid ${pid} from the inspector is not a live process`);
  });

  test('the status bar counts 4/4 ready server workers, with no trouble colour', () => {
    assert.strictEqual(wm.statusBar.text, '$(server-process) 4/4');
    assert.strictEqual(wm.statusBar.backgroundColor, undefined);
  });

  test('a screenshot of the Workers view is saved', async () => {
    await showWorkersView();
    const appNode = treeView(wm.tree, shared.launched.appId).node;
    await wm.view.reveal(appNode, { expand: true, focus: false, select: false });
    await waitFor('the view to be visible', () => wm.view.visible);
    await new Promise((r) => setTimeout(r, 800)); // let the renderer draw the rows
    const file = await screenshot('workers-view', 640);
    if (file) assert.ok(fs.statSync(file).size > 10_000, 'the screenshot is suspiciously small');
  });
});
