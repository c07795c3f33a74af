import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { runtimeForFile, splitAppTarget } from 'wm-vscode-client/out/launch/appTarget';
import { findWmCli, nodeLaunchConfig, nodeRunCommand, wmServeArgs } from 'wm-vscode-client/out/launch/node';
import { freePort, inspectorEnv, launchMarkerVariable, newApiKey } from 'wm-vscode-client/out/launch/portsAndKeys';
import { hasEnvironment, isAlive, pidsWithEnvironment, stopSurvivors } from 'wm-vscode-client/out/launch/processes';
import { sanicAppVariable, sanicCommand, sanicDebugConfig, sanicTarget } from 'wm-vscode-client/out/launch/sanic';
import { substituteVariables, UnresolvedVariableError } from 'wm-vscode-client/out/launch/variables';

test('the runtime follows the file extension', () => {
  assert.equal(runtimeForFile('/a/app.js'), 'node');
  assert.equal(runtimeForFile('/a/app.MTS'), 'node');
  assert.equal(runtimeForFile('/a/server.py'), 'python');
  assert.equal(runtimeForFile('/a/README.md'), undefined);
});

test('app targets split on an export name but keep drive letters', () => {
  assert.deepEqual(splitAppTarget('/srv/app.js:api'), { file: '/srv/app.js', exportName: 'api' });
  assert.deepEqual(splitAppTarget('/srv/app.js'), { file: '/srv/app.js' });
  assert.deepEqual(splitAppTarget('C:\\srv\\app.js'), { file: 'C:\\srv\\app.js' });
  assert.deepEqual(splitAppTarget('C:\\srv\\app.js:$app'), { file: 'C:\\srv\\app.js', exportName: '$app' });
});

test('the node launch runs `wm serve` under js-debug with child auto-attach and the inspector env', () => {
  const env = inspectorEnv('node', { host: '127.0.0.1', port: 41000, apiKey: 'key' });
  assert.deepEqual(env, { WM_INSPECTOR: 'true', WM_INSPECTOR_HOST: '127.0.0.1', WM_INSPECTOR_PORT: '41000', WM_INSPECTOR_API_KEY: 'key' });
  const config = nodeLaunchConfig({ name: 'n', target: '/w/app.js:app', workers: 4, dev: true, cwd: '/w', cli: '/w/node_modules/worker-manager/bin/wm.js', env });
  assert.equal(config.type, 'node');
  assert.equal(config.request, 'launch');
  assert.equal(config.program, '/w/node_modules/worker-manager/bin/wm.js');
  assert.deepEqual(config.args, ['serve', '/w/app.js:app', '--workers', '4', '--dev']);
  assert.equal(config.autoAttachChildProcesses, true);
  assert.equal(config.env, env);
  assert.deepEqual(wmServeArgs({ target: 'a.js', workers: 1, dev: false, extraArgs: ['--port', '0'] }), ['serve', 'a.js', '--workers', '1', '--port', '0']);
  assert.equal('runtimeExecutable' in config, false);
  assert.equal(nodeLaunchConfig({ name: 'n', target: 'a', workers: 1, dev: false, cwd: '/', cli: 'c', env: {}, runtimeExecutable: '/opt/node' }).runtimeExecutable, '/opt/node');
  assert.deepEqual(nodeRunCommand({ name: 'n', target: '/w/app.js', workers: 2, dev: false, cwd: '/w', cli: '/w/wm.js', env, runtimeArgs: ['--enable-source-maps'] }),
    { command: 'node', args: ['--enable-source-maps', '/w/wm.js', 'serve', '/w/app.js', '--workers', '2'], cwd: '/w', env });
});

test("the manager CLI comes from the app's own node_modules, else the bundled copy", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'wm-cli-'));
  try {
    const app = path.join(root, 'proj', 'src', 'deep');
    fs.mkdirSync(app, { recursive: true });
    const bundled = '/ext/dist/wm.js';
    assert.deepEqual(findWmCli([app], bundled), { path: bundled, source: 'bundled' });
    const pkg = path.join(root, 'proj', 'node_modules', 'worker-manager');
    fs.mkdirSync(path.join(pkg, 'bin'), { recursive: true });
    fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: 'worker-manager', bin: { wm: 'bin/wm.js' } }));
    assert.deepEqual(findWmCli([app], bundled), { path: bundled, source: 'bundled' }, 'a bin that does not exist is not used');
    fs.writeFileSync(path.join(pkg, 'bin', 'wm.js'), '');
    assert.deepEqual(findWmCli([app], bundled), { path: path.join(pkg, 'bin', 'wm.js'), source: 'workspace' });
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('Sanic: the app variable and module target come from the file', () => {
  assert.equal(sanicAppVariable('from sanic import Sanic\napi = Sanic("Api")\n'), 'api');
  assert.equal(sanicAppVariable('import sanic\nserver: Sanic = sanic.Sanic("S")\n'), 'server');
  assert.equal(sanicAppVariable('print("no app here")\n'), 'app');
  assert.deepEqual(sanicTarget('/w/pkg/server.py', '/w', 'app'), { target: 'pkg.server:app', cwd: '/w' });
  assert.deepEqual(sanicTarget('/w/pkg/__init__.py', '/w', 'app'), { target: 'pkg:app', cwd: '/w' });
  assert.deepEqual(sanicTarget('/elsewhere/main.py', '/w', 'api'), { target: 'main:api', cwd: '/elsewhere' });
});

test('Sanic: plain command and debugpy configuration carry the same arguments and env', () => {
  const env = inspectorEnv('python', { host: '127.0.0.1', port: 42000, apiKey: 'k2' });
  assert.deepEqual(env, { SANIC_INSPECTOR: 'true', SANIC_INSPECTOR_HOST: '127.0.0.1', SANIC_INSPECTOR_PORT: '42000', SANIC_INSPECTOR_API_KEY: 'k2' });
  const o = { name: 's', target: 'pkg.server:app', workers: 3, dev: true, cwd: '/w', python: '/usr/bin/python3', env };
  assert.deepEqual(sanicCommand(o), { command: '/usr/bin/python3', args: ['-m', 'sanic', 'pkg.server:app', '--workers', '3', '--dev'], cwd: '/w', env });
  const d = sanicDebugConfig(o);
  assert.equal(d.type, 'debugpy');
  assert.equal(d.module, 'sanic');
  assert.deepEqual(d.args, ['pkg.server:app', '--workers', '3', '--dev']);
  assert.equal(d.subProcess, true);
  assert.equal(d.env, env);
  assert.equal(d.python, '/usr/bin/python3');
});

test('free ports are free and API keys are fresh and long', async () => {
  const port = await freePort();
  await new Promise<void>((resolve, reject) => {
    const s = net.createServer().once('error', reject).listen(port, '127.0.0.1', () => s.close(() => resolve()));
  });
  const keys = new Set(Array.from({ length: 50 }, newApiKey));
  assert.equal(keys.size, 50);
  for (const k of keys) assert.match(k, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(launchMarkerVariable('node'), 'WM_INSPECTOR_API_KEY');
  assert.equal(launchMarkerVariable('python'), 'SANIC_INSPECTOR_API_KEY');
});

test('variables in app and cwd are substituted; unknown ones are refused', () => {
  const ctx = { file: '/w/src/app.js', workspaceFolder: '/w', env: { PORT: '8000' } };
  assert.equal(substituteVariables('${file}:app', ctx), '/w/src/app.js:app');
  assert.equal(substituteVariables('${workspaceFolder}/x/${relativeFile}', ctx), '/w/x/src/app.js');
  assert.equal(substituteVariables('${fileDirname}|${fileBasename}|${env:PORT}|${env:NOPE}', ctx), '/w/src|app.js|8000|');
  assert.throws(() => substituteVariables('${command:pick}', ctx), UnresolvedVariableError);
  assert.throws(() => substituteVariables('${file}', { env: {} }), /needs an open file/);
});

test('processes of a launch are found by their marker variable and stopped when they linger', { skip: process.platform !== 'linux' }, async () => {
  const key = newApiKey();
  // A child that ignores SIGTERM, so stopping it needs the SIGKILL step.
  const child = spawn(process.execPath, ['-e', 'process.on("SIGTERM", () => {}); setInterval(() => {}, 1000)'], {
    env: { ...process.env, WM_INSPECTOR_API_KEY: key }, stdio: 'ignore',
  });
  try {
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(pidsWithEnvironment('WM_INSPECTOR_API_KEY', key), [child.pid]);
    assert.deepEqual(pidsWithEnvironment('WM_INSPECTOR_API_KEY', `${key}x`), [], 'a key that merely starts the same does not match');
    assert.equal(hasEnvironment(child.pid!, 'WM_INSPECTOR_API_KEY', key), true);
    assert.equal(hasEnvironment(process.pid, 'WM_INSPECTOR_API_KEY', key), false, 'a pid without the marker is not ours to kill');
    const exited = new Promise((r) => child.once('exit', (_code, signal) => r(signal)));
    const stopped = await stopSurvivors([child.pid!], 200);
    assert.deepEqual(stopped, [child.pid]);
    assert.equal(await exited, 'SIGKILL');
    assert.equal(isAlive(child.pid!), false);
  } finally {
    child.kill('SIGKILL');
  }
});

test('stopSurvivors leaves alone processes that exit within the grace period', async () => {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 100)'], { stdio: 'ignore' });
  assert.deepEqual(await stopSurvivors([child.pid!], 3000), []);
});
