'use strict';
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const vscode = require('vscode');
const { api, isAlive, treeView, waitFor, REPO } = require('./helpers');
const shared = require('./shared');

const APP = path.join(REPO, 'examples/hello/app.js');

/** Linux: every process whose environment carries this launch's inspector key (children inherit it). */
function processesWithKey(key) {
  const needle = `WM_INSPECTOR_API_KEY=${key}\0`;
  return fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).filter((d) => {
    try {
      return fs.readFileSync(`/proc/${d}/environ`, 'latin1').includes(needle);
    } catch {
      return false;
    }
  }).map(Number);
}

function runningPids(state) {
  return Object.values(state.workers).filter((r) => typeof r.pid === 'number' && !['TERMINATED', 'FAILED', 'COMPLETED', 'JOINED'].includes(r.state)).map((r) => r.pid);
}

/** Resolves with the launcher's report once `appId`'s processes are all gone. */
function ended(wm, appId) {
  return new Promise((resolve) => {
    const sub = wm.launcher.onDidEnd((e) => {
      if (e.appId !== appId) return;
      sub.dispose();
      resolve(e);
    });
  });
}

async function launchedApp(wm, predicate) {
  return waitFor('the launched app live with acked server workers', () => wm.model.list().find((a) =>
    a.origin === 'launched' && a.status === 'live' && predicate(a) &&
    Object.values(a.state.workers).filter((r) => r.server).every((r) => r.state === 'ACKED')), 60_000);
}

suite('stopping apps leaves no process behind', () => {
  let wm;
  suiteSetup(async () => {
    wm = await api();
    await vscode.workspace.getConfiguration('workerManager').update('launch.args', ['--port', '0'], vscode.ConfigurationTarget.Workspace);
  });

  test('Shut Down (inspector) ends the debug session and every process of the app', async function () {
    if (!shared.launched) this.skip();
    this.timeout(60_000);
    const { appId, topSession } = shared.launched;
    const app = wm.model.get(appId);
    const pids = runningPids(app.state);
    const key = app.endpoint.apiKey;
    assert.ok(processesWithKey(key).length >= pids.length, 'the app runs with its launch key');
    const sessionEnded = new Promise((r) => {
      const sub = vscode.debug.onDidTerminateDebugSession((s) => s.id === topSession.id && (sub.dispose(), r()));
    });
    const end = ended(wm, appId);
    await vscode.commands.executeCommand('workerManager.shutdownApp', treeView(wm.tree, appId).node, { confirmed: true });
    await sessionEnded;
    const report = await end;
    assert.deepStrictEqual(report.stopped, [], 'the app exited by itself; nothing had to be killed');
    for (const pid of pids) assert.ok(!isAlive(pid), `pid ${pid} outlived the shutdown`);
    assert.deepStrictEqual(processesWithKey(key), []);
    assert.strictEqual(treeView(wm.tree, appId), undefined, 'the app left the Workers view');
  });

  test('an inspector that goes away shows as unreachable in place, and retries', async function () {
    if (!shared.polledId) this.skip();
    const view = await waitFor('the configured app to say unreachable', () => {
      const v = treeView(wm.tree, shared.polledId);
      return v && /^unreachable · retrying/.test(v.app.description) && v;
    });
    assert.strictEqual(view.app.icon, 'debug-disconnect');
    assert.strictEqual(view.processes.length, 1);
    assert.match(view.processes[0].label, /Cannot reach the inspector/);
    const first = wm.model.get(shared.polledId).retryAt;
    await waitFor('a second, later retry', () => wm.model.get(shared.polledId).retryAt > first, 10_000);
    const config = vscode.workspace.getConfiguration('workerManager');
    await config.update('inspectors', undefined, vscode.ConfigurationTarget.Workspace);
    await config.update('liveUpdates', undefined, vscode.ConfigurationTarget.Workspace);
    await waitFor('the configured app to leave the view', () => !treeView(wm.tree, shared.polledId));
  });

  test('Run App (a terminal), attach the debugger to one worker, detach; Stop App ends every process', async function () {
    this.timeout(90_000);
    const started = await vscode.commands.executeCommand('workerManager.runApp', vscode.Uri.file(APP));
    assert.strictEqual(started, true);
    const app = await launchedApp(wm, (a) => a.launch.file === APP && !a.launch.debug);
    assert.strictEqual(wm.launcher.session(app.id), undefined, 'Run App starts no debug session');
    const run = wm.launcher.terminal(app.id);
    assert.ok(run && vscode.window.terminals.includes(run.terminal), 'Run App shows the app in a terminal');
    assert.strictEqual(run.terminal.name, 'Run app.js');
    await waitFor('the app\'s own output in the terminal', () => /hello is ready: 2 server worker/.test(run.transcript()));
    const pids = runningPids(app.state);
    const name = 'WM-Server-1-0';
    const pid = app.state.workers[name].pid;

    const attached = new Promise((r) => {
      const sub = vscode.debug.onDidStartDebugSession((s) => !s.parentSession && s.name.includes(`pid ${pid}`) && (sub.dispose(), r(s)));
    });
    const node = treeView(wm.tree, app.id).processes.find((p) => p.label === name).node;
    assert.strictEqual(await vscode.commands.executeCommand('workerManager.attachDebugger', node), true);
    const session = await attached;
    assert.strictEqual(session.configuration.request, 'attach');
    assert.strictEqual(session.configuration.port, 9229, 'the worker opened its inspector on Node\'s default port');
    await vscode.debug.stopDebugging(session);
    await new Promise((r) => setTimeout(r, 500));
    assert.ok(isAlive(pid), 'detaching leaves the worker running');
    // Node keeps the worker's inspector open after a detach: attaching again reuses it.
    const again = new Promise((r) => {
      const sub = vscode.debug.onDidStartDebugSession((s) => !s.parentSession && s.name.includes(`pid ${pid}`) && (sub.dispose(), r(s)));
    });
    assert.strictEqual(await vscode.commands.executeCommand('workerManager.attachDebugger', node), true, 'a second attach to the same worker');
    const second = await again;
    assert.strictEqual(second.configuration.port, 9229);
    await vscode.debug.stopDebugging(second);
    await new Promise((r) => setTimeout(r, 300));

    const end = ended(wm, app.id);
    assert.strictEqual(await vscode.commands.executeCommand('workerManager.stopApp', treeView(wm.tree, app.id).node), true);
    const report = await end;
    for (const p of pids) assert.ok(!isAlive(p), `pid ${p} outlived Stop App`);
    assert.deepStrictEqual(processesWithKey(app.endpoint.apiKey), []);
    console.log(`[wm-e2e] Stop App: ${report.stopped.length} process(es) needed the sweep`);
  });

  test('a configuration takes its app and cwd from ${input:...}, ${command:...} and ${workspaceFolder:name}; a dismissed one cancels quietly', async function () {
    this.timeout(90_000);
    const folder = vscode.workspace.workspaceFolders[0];
    const commands = [
      vscode.commands.registerCommand('wmE2e.appDir', () => path.dirname(APP)),
      vscode.commands.registerCommand('wmE2e.appFile', async () => path.basename(APP)),
      vscode.commands.registerCommand('wmE2e.dismissed', () => undefined),
    ];
    const launch = vscode.workspace.getConfiguration('launch', folder);
    await launch.update('inputs', [{ id: 'appDir', type: 'command', command: 'wmE2e.appDir' }], vscode.ConfigurationTarget.WorkspaceFolder);
    try {
      const before = wm.model.list().length;
      await vscode.debug.startDebugging(folder, {
        type: 'workerManager', request: 'launch', name: 'dismissed', app: '${command:wmE2e.dismissed}', noDebug: true,
      });
      await new Promise((r) => setTimeout(r, 300));
      assert.strictEqual(wm.model.list().length, before, 'a dismissed variable launches nothing');

      await vscode.debug.startDebugging(folder, {
        type: 'workerManager', request: 'launch', name: 'variables', noDebug: true, workers: 1,
        app: '${input:appDir}/${command:wmE2e.appFile}', cwd: `\${workspaceFolder:${folder.name}}`,
      });
      const app = await launchedApp(wm, (a) => a.launch.file === APP && !a.launch.debug);
      const run = wm.launcher.terminal(app.id);
      assert.ok(run, 'the app runs in a terminal');
      assert.strictEqual(fs.readlinkSync(`/proc/${app.state.workers['WM-Main'].pid}/cwd`), folder.uri.fsPath, 'cwd from ${workspaceFolder:name}');
      const end = ended(wm, app.id);
      assert.strictEqual(await vscode.commands.executeCommand('workerManager.stopApp', treeView(wm.tree, app.id).node), true);
      await end;
    } finally {
      for (const c of commands) c.dispose();
      await launch.update('inputs', undefined, vscode.ConfigurationTarget.WorkspaceFolder);
    }
  });

  test('stopping a Debug App session (workers attached as child sessions) ends every process', async function () {
    this.timeout(90_000);
    assert.strictEqual(await vscode.commands.executeCommand('workerManager.debugApp', vscode.Uri.file(APP)), true);
    const app = await launchedApp(wm, (a) => a.launch.file === APP && a.launch.debug);
    const pids = runningPids(app.state);
    const end = ended(wm, app.id);
    await vscode.debug.stopDebugging(wm.launcher.session(app.id));
    const report = await end;
    for (const p of pids) assert.ok(!isAlive(p), `pid ${p} outlived the debug session`);
    assert.deepStrictEqual(processesWithKey(app.endpoint.apiKey), []);
    console.log(`[wm-e2e] stop debugging: ${report.stopped.length} process(es) needed the sweep`);
    await vscode.workspace.getConfiguration('workerManager').update('launch.args', undefined, vscode.ConfigurationTarget.Workspace);
  });
});
