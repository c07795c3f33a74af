'use strict';
// Sanic apps: the Python debugger extension (debugpy) cannot be installed here, so Debug App takes the
// plain path: `python -m sanic module:app` as a child process in a terminal, inspector on through
// SANIC_INSPECTOR_* env vars. The workspace's `sanic` package is a stand-in that imitates Sanic's
// processes and inspector (Sanic itself is not installable here either).
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const vscode = require('vscode');
const { api, isAlive, screenshot, treeView, TreeRecorder, waitFor } = require('./helpers');

const environ = (pid) => Object.fromEntries(fs.readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));

suite('a Sanic app without the Python debugger', () => {
  let wm;
  let app;
  const file = () => path.join(vscode.workspace.workspaceFolders[0].uri.fsPath, 'server.py');

  suiteSetup(async () => {
    wm = await api();
    assert.strictEqual(vscode.extensions.getExtension('ms-python.debugpy'), undefined, 'this suite is about the path without debugpy');
  });

  test('Debug App runs `python -m sanic module:app` in a terminal with the inspector env, and the view polls it', async function () {
    this.timeout(60_000);
    assert.strictEqual(await vscode.commands.executeCommand('workerManager.debugApp', vscode.Uri.file(file())), true);
    app = await waitFor('the Sanic app live', () => wm.model.list().find((a) => a.launch && a.launch.file === file() && a.status === 'live'), 30_000);
    assert.strictEqual(app.launch.runtime, 'python');
    assert.strictEqual(app.launch.debug, false, 'no debugger without debugpy');
    assert.strictEqual(wm.launcher.session(app.id), undefined);
    const run = wm.launcher.terminal(app.id);
    assert.strictEqual(run.terminal.name, 'Debug server.py');
    const lines = run.transcript().split('\n');
    assert.match(lines[0], /^Worker Manager: running without a debugger; install the Python Debugger extension \(ms-python\.debugpy\)/, 'a one-line hint first');
    assert.match(lines[1], /^\$ \S*python3? -m sanic server:peer --workers 2$/);
    await waitFor('poll mode (a Sanic inspector has no change stream)', () => wm.model.get(app.id).mode === 'poll');

    const mainPid = app.state.workers['Sanic-Main'].pid;
    const cmdline = fs.readFileSync(`/proc/${mainPid}/cmdline`, 'latin1').split('\0').filter(Boolean);
    assert.deepStrictEqual(cmdline.slice(1), ['-m', 'sanic', 'server:peer', '--workers', '2']);
    const env = environ(mainPid);
    assert.strictEqual(env.SANIC_INSPECTOR, 'true');
    assert.strictEqual(env.SANIC_INSPECTOR_HOST, '127.0.0.1');
    assert.strictEqual(env.SANIC_INSPECTOR_PORT, String(app.endpoint.port));
    assert.strictEqual(env.SANIC_INSPECTOR_API_KEY, app.endpoint.apiKey);
    assert.ok(app.endpoint.apiKey.length >= 43);

    const view = treeView(wm.tree, app.id);
    assert.strictEqual(view.app.label, 'Peer');
    assert.match(view.app.description, /^2\/2 ready · production, w\/ 2 workers · python \d+\.\d+\.\d+ · polling$/);
    assert.match(view.app.contextValue, /^wmApp live launched$/, 'no restart capability, no advertised commands');
    assert.deepStrictEqual(view.processes.map((p) => p.label), ['Sanic-Main', 'Sanic-Server-0-0', 'Sanic-Server-1-0']);
    for (const p of view.processes.slice(1)) assert.match(p.contextValue, /^wmProcess server running python live$/);
    await vscode.commands.executeCommand('workbench.action.terminal.focus');
    await screenshot('sanic-terminal');
  });

  test('reload through the Sanic inspector; restarting one worker is refused (Sanic lacks it)', async function () {
    if (!app) this.skip();
    const rec = new TreeRecorder(wm, app.id);
    try {
      const before = wm.model.get(app.id).state.workers;
      await vscode.commands.executeCommand('workerManager.reloadApp', treeView(wm.tree, app.id).node);
      await rec.waitFor('both workers with new pids (polled)', (s) => ['Sanic-Server-0-0', 'Sanic-Server-1-0'].every((n) => s.workers[n].pid !== before[n].pid && s.workers[n].starts === 2), 10_000);
      const node = treeView(wm.tree, app.id).processes.find((p) => p.label === 'Sanic-Server-0-0').node;
      assert.strictEqual(await vscode.commands.executeCommand('workerManager.restartWorker', node), undefined);
    } finally {
      rec.dispose();
    }
  });

  test('Stop App ends the terminal run and every process', async function () {
    if (!app) this.skip();
    const pids = Object.values(wm.model.get(app.id).state.workers).map((r) => r.pid);
    const ended = new Promise((r) => {
      const sub = wm.launcher.onDidEnd((e) => e.appId === app.id && (sub.dispose(), r(e)));
    });
    assert.strictEqual(await vscode.commands.executeCommand('workerManager.stopApp', treeView(wm.tree, app.id).node), true);
    const report = await ended;
    assert.deepStrictEqual(report.stopped, [], 'the app stopped its workers itself');
    for (const pid of pids) assert.ok(!isAlive(pid), `pid ${pid} outlived Stop App`);
    assert.strictEqual(treeView(wm.tree, app.id), undefined);
  });
});
