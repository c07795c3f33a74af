'use strict';
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const vscode = require('vscode');
const { isAlive, recordFigure, treeView, waitFor } = require('../suite/helpers');

const ID = 'worker-manager.worker-manager-vscode';
const EXPECTED_FILES = [
  'dist/extension.js', 'dist/server.js', 'dist/wm.js', 'dist/worker-manager.js', 'dist/wm-resolve.mjs',
  'dist/tree-sitter.wasm', 'dist/tree-sitter-python.wasm', 'package.json', 'media/icon.png',
];

// Apps in a folder with no node_modules anywhere above it (the system's temp folder): `require` and `import` of
// 'worker-manager' can only be answered by the copy the extension ships next to its CLI.
const APPS = {
  'app.cjs': `const { App } = require('worker-manager');
exports.app = new App('bundled-cjs', (req, res) => res.end(app.m.name));
const app = exports.app;
`,
  'app.mjs': `import { App } from 'worker-manager';
export const app = new App('bundled-esm', (req, res) => res.end(app.m.name));
`,
};

suite('the installed .vsix', () => {
  let ext;
  suiteSetup(() => {
    ext = vscode.extensions.getExtension(ID);
  });

  test('is installed in the extensions folder (not a development copy) with every file it needs', () => {
    assert.ok(ext, `${ID} is not installed`);
    assert.ok(ext.extensionPath.startsWith(process.env.E2E_EXTENSIONS_DIR), `loaded from ${ext.extensionPath}`);
    const missing = EXPECTED_FILES.filter((f) => !fs.existsSync(path.join(ext.extensionPath, f)));
    assert.deepStrictEqual(missing, []);
    assert.strictEqual(fs.existsSync(path.join(ext.extensionPath, 'node_modules')), false, 'bundled: no node_modules');
  });

  test('activates in production mode; its language server runs without a debugger port', async () => {
    const started = Date.now();
    const api = await ext.activate();
    recordFigure('activationMs', { activate: Number(api.activationMs.toFixed(1)), loadAndActivate: Date.now() - started });
    assert.ok(api.activationMs < 1000);
    const server = await api.languageServer;
    assert.ok(server && server.client.isRunning(), 'the bundled language server did not start');
    assert.strictEqual(server.inspectPort, undefined);
  });

  test('the bundled language server checks Python (tree-sitter wasm) and JavaScript', async () => {
    const folder = vscode.workspace.workspaceFolders[0].uri.fsPath;
    for (const [file, code] of [['shared_ctx.py', 'WM-D4'], ['unguarded.js', 'WM-D1']]) {
      const uri = vscode.Uri.file(path.join(folder, file));
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
      const end = Date.now() + 20_000;
      const found = () => vscode.languages.getDiagnostics(uri).some((d) => (typeof d.code === 'object' ? d.code.value : d.code) === code);
      while (!found() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
      assert.ok(found(), `no ${code} diagnostic in ${file}`);
    }
  });

  test('Run App serves apps that have no worker-manager of their own with the bundled CLI (CommonJS and ES module)', async function () {
    this.timeout(120_000);
    const api = await ext.activate();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wm-installed-'));
    await vscode.workspace.getConfiguration('workerManager').update('launch.args', ['--port', '0'], vscode.ConfigurationTarget.Global);
    try {
      for (const [name, source] of Object.entries(APPS)) {
        const file = path.join(dir, name);
        fs.writeFileSync(file, source);
        assert.strictEqual(await vscode.commands.executeCommand('workerManager.runApp', vscode.Uri.file(file)), true, `Run App ${name}`);
        const app = await waitFor(`${name} live with its workers acked`, () => api.model.list().find((a) =>
          a.origin === 'launched' && a.launch.file === file && a.status === 'live' &&
          Object.values(a.state.workers).filter((r) => r.server).length === 2 &&
          Object.values(a.state.workers).filter((r) => r.server).every((r) => r.state === 'ACKED')), 60_000);
        const mainPid = app.state.workers[Object.keys(app.state.workers).find((n) => n.endsWith('-Main'))].pid;
        const cmdline = fs.readFileSync(`/proc/${mainPid}/cmdline`, 'utf8').split('\0');
        assert.ok(cmdline.includes(path.join(ext.extensionPath, 'dist', 'wm.js')), `the bundled CLI runs it: ${cmdline.join(' ')}`);
        assert.strictEqual(app.state.info.app, name === 'app.cjs' ? 'bundled-cjs' : 'bundled-esm');
        const pids = Object.values(app.state.workers).map((r) => r.pid).filter((p) => typeof p === 'number');
        assert.strictEqual(await vscode.commands.executeCommand('workerManager.stopApp', treeView(api.tree, app.id).node), true);
        await waitFor(`every process of ${name} gone`, () => pids.every((p) => !isAlive(p)), 20_000);
      }
    } finally {
      await vscode.workspace.getConfiguration('workerManager').update('launch.args', undefined, vscode.ConfigurationTarget.Global);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
