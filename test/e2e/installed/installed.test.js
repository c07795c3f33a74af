'use strict';
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const vscode = require('vscode');
const { recordFigure } = require('../suite/helpers');

const ID = 'worker-manager.worker-manager-vscode';
const EXPECTED_FILES = ['dist/extension.js', 'dist/server.js', 'dist/wm.js', 'dist/wm-worker.js', 'dist/tree-sitter-python.wasm', 'package.json', 'media/icon.png'];

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
});
