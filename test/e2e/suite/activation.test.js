'use strict';
const assert = require('node:assert');
const vscode = require('vscode');
const { EXTENSION_ID, recordFigure } = require('./helpers');

suite('activation', () => {
  test('the extension activates and returns its API', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, 'extension not found');
    const started = Date.now();
    const api = await ext.activate();
    const wallMs = Date.now() - started;
    assert.strictEqual(ext.isActive, true);
    for (const part of ['model', 'tree', 'view', 'statusBar', 'launcher']) assert.ok(api[part], `API lacks ${part}`);
    assert.ok(api.activationMs > 0 && api.activationMs < 1000, `activate() took ${api.activationMs} ms`);
    recordFigure('activationMs', { activate: Number(api.activationMs.toFixed(1)), loadAndActivate: ext.isActive && wallMs });
  });

  test('every contributed command is registered', async () => {
    const contributed = vscode.extensions.getExtension(EXTENSION_ID).packageJSON.contributes.commands.map((c) => c.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepStrictEqual(contributed.filter((c) => !registered.has(c)), []);
  });

  test('the Workers view opens in its own view container', async () => {
    const { view } = await vscode.extensions.getExtension(EXTENSION_ID).exports;
    await vscode.commands.executeCommand('workbench.view.extension.workerManager');
    await vscode.commands.executeCommand('workerManager.workers.focus');
    assert.strictEqual(view.visible, true);
  });
});
