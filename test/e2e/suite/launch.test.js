'use strict';
const assert = require('node:assert');
const path = require('node:path');
const vscode = require('vscode');
const { api, waitFor, REPO } = require('./helpers');
const shared = require('./shared');

const APP = path.join(REPO, 'examples/hello/app.js');

suite('launching the example app through the debug API', () => {
  const sessions = [];
  let listener;
  suiteSetup(() => {
    listener = vscode.debug.onDidStartDebugSession((s) => sessions.push(s));
  });
  suiteTeardown(() => listener.dispose());

  test('a workerManager configuration starts `wm serve` under js-debug with every process as a child session', async function () {
    this.timeout(90_000);
    const { model } = await api();
    const started = await vscode.debug.startDebugging(vscode.workspace.workspaceFolders[0], {
      type: 'workerManager', request: 'launch', name: 'hello (e2e)', app: APP, workers: 4, args: ['--port', '0'],
    });
    assert.strictEqual(started, true, 'startDebugging refused the configuration');
    const app = await waitFor('the launched app in the model', () => model.list().find((a) => a.launch && a.launch.file === APP));
    assert.strictEqual(app.origin, 'launched');
    const top = sessions.find((s) => s.configuration.__workerManagerLaunchId === app.id);
    assert.ok(top, 'no debug session carries the launch id');
    assert.ok(['node', 'pwa-node'].includes(top.type), top.type);
    assert.strictEqual(top.configuration.autoAttachChildProcesses, true);
    assert.deepStrictEqual(top.configuration.args.slice(0, 4), ['serve', APP, '--workers', '4']);
    assert.strictEqual(top.configuration.env.WM_INSPECTOR, 'true');
    assert.strictEqual(top.configuration.env.WM_INSPECTOR_PORT, String(app.endpoint.port));
    assert.strictEqual(top.configuration.env.WM_INSPECTOR_API_KEY, app.endpoint.apiKey);

    const live = await waitFor('four acked server workers', () => {
      const a = model.get(app.id);
      const servers = a && a.state ? Object.values(a.state.workers).filter((r) => r.server && r.state === 'ACKED') : [];
      return servers.length === 4 && a;
    }, 60_000);
    const pids = Object.values(live.state.workers).map((r) => r.pid).filter((p) => typeof p === 'number');
    shared.launched = { appId: app.id, topSession: top, pids };

    // Every process of the app (main, 4 server workers, inspector) is attached: one child session each.
    const descendants = () => sessions.filter((s) => { for (let p = s.parentSession; p; p = p.parentSession) if (p.id === top.id) return true; return false; });
    await waitFor(`a child session per process (${pids.length})`, () => descendants().length >= pids.length, 30_000);
    console.log('[wm-e2e] sessions:', JSON.stringify(descendants().map((s) => ({ name: s.name, type: s.type, parent: s.parentSession && s.parentSession.name }))));
    for (const pid of pids) assert.ok(descendants().some((s) => s.name.includes(String(pid))), `no child session for pid ${pid}`);
  });
});
