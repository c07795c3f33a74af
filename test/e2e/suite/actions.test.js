'use strict';
const assert = require('node:assert');
const vscode = require('vscode');
const { api, isAlive, recordFigure, stats, treeView, TreeRecorder, waitFor } = require('./helpers');
const shared = require('./shared');

const serversOf = (workers) => Object.entries(workers).filter(([, r]) => r.server);
const acked = (workers) => serversOf(workers).filter(([, r]) => r.state === 'ACKED');

suite('actions on the running app move the states in the tree', () => {
  let wm;
  let appId;
  /** The same app followed twice: launched (change stream) and as a configured inspector (polling). */
  let stream;
  let poll;
  let polledId;

  suiteSetup(async function () {
    if (!shared.launched) this.skip();
    this.timeout(60_000);
    wm = await api();
    appId = shared.launched.appId;
    stream = new TreeRecorder(wm, appId);
    const { host, port, apiKey } = wm.model.get(appId).endpoint;
    const config = vscode.workspace.getConfiguration('workerManager');
    await config.update('liveUpdates', 'poll', vscode.ConfigurationTarget.Workspace);
    await config.update('inspectors', [{ name: 'hello (polled)', host, port, apiKey }], vscode.ConfigurationTarget.Workspace);
    const polled = await waitFor('the configured inspector live and polling', () => wm.model.list().find((a) => a.origin === 'configured' && a.status === 'live' && a.mode === 'poll'));
    polledId = polled.id;
    shared.polledId = polledId;
    poll = new TreeRecorder(wm, polledId);
  });

  suiteTeardown(() => {
    stream && stream.dispose();
    poll && poll.dispose();
  });

  const appNode = () => treeView(wm.tree, appId).node;
  const processNode = (name) => treeView(wm.tree, appId).processes.find((p) => p.label === name).node;
  const workers = () => wm.model.get(appId).state.workers;

  /** Restarts one worker through the tree's command and checks it went down and came back with a new pid. */
  async function restartOne(command, name) {
    const since = Date.now();
    const before = workers()[name];
    const others = Object.fromEntries(serversOf(workers()).filter(([n]) => n !== name).map(([n, r]) => [n, r.pid]));
    const result = await vscode.commands.executeCommand(command, processNode(name));
    assert.deepStrictEqual(result, [name]);
    const snap = await stream.waitFor(`${name} acked again with a new pid`, (s) => s.workers[name].state === 'ACKED' && s.workers[name].pid !== before.pid);
    const after = snap.workers[name];
    assert.strictEqual(after.starts, before.starts + 1);
    assert.ok(after.restart_at, 'restart_at is set');
    const states = stream.statesOf(name, since);
    assert.ok(states.some((s) => s !== 'ACKED'), `the tree never showed ${name} restarting: ${states}`);
    assert.strictEqual(states[states.length - 1], 'ACKED');
    const item = snap.view.processes.find((p) => p.label === name);
    assert.match(item.description, new RegExp(`^ACKED · pid ${after.pid} · up \\d+s · ${after.starts} starts · serving$`));
    for (const [n, pid] of Object.entries(others)) assert.strictEqual(snap.workers[n].pid, pid, `${n} was restarted too`);
    await waitFor(`old pid ${before.pid} to exit`, () => !isAlive(before.pid), 10_000);
    return states;
  }

  test('restart one worker', async () => {
    const states = await restartOne('workerManager.restartWorker', 'WM-Server-0-0');
    console.log(`[wm-e2e] restart WM-Server-0-0: ${states.join(' -> ')}`);
  });

  test('restart one worker with zero downtime', async () => {
    const states = await restartOne('workerManager.restartWorkerZeroDowntime', 'WM-Server-1-0');
    console.log(`[wm-e2e] zero-downtime restart WM-Server-1-0: ${states.join(' -> ')}`);
  });

  test('zero-downtime reload of every server worker; the main process stays', async () => {
    const since = Date.now();
    const before = workers();
    await vscode.commands.executeCommand('workerManager.reloadAppZeroDowntime', appNode());
    const snap = await stream.waitFor('every server worker acked with a new pid', (s) =>
      serversOf(before).every(([n, r]) => s.workers[n].state === 'ACKED' && s.workers[n].pid !== r.pid));
    for (const [n, r] of serversOf(before)) {
      assert.strictEqual(snap.workers[n].starts, r.starts + 1, n);
      assert.ok(stream.statesOf(n, since).includes('STARTING'), `${n} never showed STARTING`);
    }
    assert.strictEqual(snap.workers['WM-Main'].pid, before['WM-Main'].pid);
    assert.match(snap.view.app.description, /^4\/4 ready/);
    assert.strictEqual(wm.statusBar.text, '$(server-process) 4/4');
  });

  test('plain reload of every server worker', async () => {
    const before = workers();
    await vscode.commands.executeCommand('workerManager.reloadApp', appNode());
    await stream.waitFor('every server worker acked with a new pid', (s) =>
      serversOf(before).every(([n, r]) => s.workers[n].state === 'ACKED' && s.workers[n].pid !== r.pid));
  });

  test('scale up to 6 and down to 2; the tree and the status bar follow', async () => {
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('workerManager.scaleApp', appNode(), 0)), /At least 1/);
    assert.strictEqual(await vscode.commands.executeCommand('workerManager.scaleApp', appNode(), 6), 'Scaling to 6');
    const up = await stream.waitFor('6 acked server workers', (s) => acked(s.workers).length === 6);
    assert.match(up.view.app.description, /^6\/6 ready/);
    assert.strictEqual(up.view.processes.filter((p) => p.icon === 'pass-filled').length, 6);
    await waitFor('the status bar to say 6/6', () => wm.statusBar.text === '$(server-process) 6/6');

    const beforeDown = workers();
    assert.strictEqual(await vscode.commands.executeCommand('workerManager.scaleApp', appNode(), 2), 'Scaling to 2');
    const down = await stream.waitFor('2 acked server workers', (s) => acked(s.workers).length === 2 && serversOf(s.workers).every(([, r]) => r.state === 'ACKED' || r.state === 'TERMINATED'));
    assert.match(down.view.app.description, /^2\/2 ready/);
    const gone = serversOf(down.workers).filter(([, r]) => r.state === 'TERMINATED');
    assert.strictEqual(gone.length, 4);
    for (const [n] of gone) {
      const item = down.view.processes.find((p) => p.label === n);
      assert.strictEqual(item.icon, 'circle-slash', `${n} is shown as ended`);
      await waitFor(`${n} (pid ${beforeDown[n].pid}) to exit`, () => !isAlive(beforeDown[n].pid), 10_000);
    }
    await waitFor('the status bar to say 2/2', () => wm.statusBar.text === '$(server-process) 2/2');
  });

  test('run a custom command the inspector advertises', async () => {
    assert.deepStrictEqual(wm.model.get(appId).state.info.extra.commands, ['greet']);
    assert.strictEqual(await vscode.commands.executeCommand('workerManager.runCommand', appNode(), 'greet', '--name=e2e'), 'Hello, e2e!');
  });

  test('copy the app info as JSON', async () => {
    const json = await vscode.commands.executeCommand('workerManager.copyAppInfo', appNode());
    assert.strictEqual(await vscode.env.clipboard.readText(), json);
    const copied = JSON.parse(json);
    assert.strictEqual(copied.info.app, 'hello');
    assert.deepStrictEqual(Object.keys(copied.workers).sort(), Object.keys(workers()).sort());
  });

  test('state changes reach the tree fast: change stream vs polling', () => {
    const measure = (rec) => {
      const samples = [];
      for (const name of Object.keys(rec.snapshots[rec.snapshots.length - 1].workers)) {
        samples.push(...rec.latencies(name, 'start_at', rec.snapshots[0].t), ...rec.latencies(name, 'restart_at', rec.snapshots[0].t));
      }
      return stats(samples);
    };
    const s = measure(stream);
    const p = measure(poll);
    recordFigure('stateChangeToTreeMs', { stream: s, poll: p });
    assert.ok(s.n >= 10, `too few stream samples: ${s.n}`);
    assert.ok(s.max < 200, `with the change stream every change must show within 200 ms (max ${s.max} ms, p90 ${s.p90} ms)`);
    assert.ok(p.n >= 5, `too few poll samples: ${p.n}`);
    assert.ok(p.max < 2000, `polling once a second shows a change within a poll period plus a request (max ${p.max} ms)`);
  });

  test('Connect to Inspector keeps the API key in secret storage, not in settings; Remove Inspector forgets both', async function () {
    this.timeout(30_000);
    const { host, port, apiKey } = wm.model.get(appId).endpoint;
    const config = () => vscode.workspace.getConfiguration('workerManager');
    const isOurs = (a) => a.origin === 'configured' && a.endpoint.host === host && a.endpoint.port === port && a.name === `${host}:${port}`;
    await vscode.commands.executeCommand('workerManager.addInspector', { address: `${host}:${port}`, apiKey, transport: 'http' });
    const added = await waitFor('the connected inspector live with its key', () => wm.model.list().find((a) => isOurs(a) && a.status === 'live'));
    assert.strictEqual(added.endpoint.apiKey, apiKey, 'the key came from secret storage');
    const stored = config().inspect('inspectors').globalValue.find((i) => i.port === port && i.name === `${host}:${port}`);
    assert.deepStrictEqual(stored, { name: `${host}:${port}`, host, port }, 'settings hold the address only');
    assert.ok(!JSON.stringify(config().inspect('inspectors').globalValue).includes(apiKey), 'the key is nowhere in the user settings');

    await vscode.commands.executeCommand('workerManager.removeInspector', treeView(wm.tree, added.id).node);
    await waitFor('the connected inspector to leave the view', () => !wm.model.list().some(isOurs));
    assert.ok(!(config().inspect('inspectors').globalValue || []).some((i) => i.port === port && i.name === `${host}:${port}`));
    // Listed again by hand without a key: nothing is stored for it any more, so the inspector refuses it.
    await config().update('inspectors', [{ name: `${host}:${port}`, host, port }], vscode.ConfigurationTarget.Global);
    const refused = await waitFor('the key-less entry refused', () => wm.model.list().find((a) => isOurs(a) && a.status === 'unreachable'));
    assert.match(refused.error, /API key|401/);
    await config().update('inspectors', undefined, vscode.ConfigurationTarget.Global);
    await waitFor('the entry gone', () => !wm.model.list().some(isOurs));
  });
});
