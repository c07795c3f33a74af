'use strict';
const assert = require('node:assert');
const net = require('node:net');
const path = require('node:path');
const vscode = require('vscode');
const { api, screenshot, waitFor } = require('./helpers');

const workspaceFile = (name) => vscode.Uri.file(path.join(vscode.workspace.workspaceFolders[0].uri.fsPath, name));
const codeOf = (d) => (typeof d.code === 'object' ? d.code.value : d.code);
const ours = (uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'worker-manager');
const byCode = (uri, code) => ours(uri).filter((d) => codeOf(d) === code);

function listening(port) {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' }, () => (s.destroy(), resolve(true)));
    s.on('error', () => resolve(false));
  });
}

suite('language server: diagnostics and quick fixes in the editor', () => {
  test('the server runs as a child over IPC, debuggable on its inspect port in development mode', async () => {
    const { languageServer } = await api();
    const server = await languageServer;
    assert.ok(server, 'the language server did not start');
    assert.strictEqual(server.client.isRunning(), true);
    assert.ok(server.inspectPort > 0, 'no inspect port in development mode');
    assert.strictEqual(await listening(server.inspectPort), true, `nothing listens on the server's inspect port ${server.inspectPort}`);
  });

  test('an unguarded app.run() is flagged (WM-D1) and the quick fix adds the main guard', async () => {
    const uri = workspaceFile('unguarded.js');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const [diag] = await waitFor('a WM-D1 diagnostic', () => byCode(uri, 'WM-D1').length && byCode(uri, 'WM-D1'));
    assert.strictEqual(diag.severity, vscode.DiagnosticSeverity.Error);
    assert.strictEqual(diag.range.start.line, 5, 'the app.run() line is flagged');
    assert.match(doc.getText(diag.range), /^app\.run/);

    const actions = await vscode.commands.executeCommand('vscode.executeCodeActionProvider', uri, diag.range, vscode.CodeActionKind.QuickFix.value, 10);
    const fix = actions.find((a) => /main.guard/i.test(a.title));
    assert.ok(fix, `no main-guard fix for WM-D1 among: ${actions.map((a) => a.title).join(', ')}`);
    assert.ok(fix.kind && vscode.CodeActionKind.QuickFix.contains(fix.kind), `"${fix.title}" is not a quick fix`);
    assert.ok(fix.edit, 'the quick fix carries no edit');
    assert.strictEqual(await vscode.workspace.applyEdit(fix.edit), true);
    if (fix.command) await vscode.commands.executeCommand(fix.command.command, ...(fix.command.arguments || []));
    assert.match(doc.getText(), /if \(require\.main === module\) \{\n\s+app\.run\(\{ workers: 2 \}\);\n\}/);
    await waitFor('WM-D1 to go away after the fix', () => byCode(uri, 'WM-D1').length === 0);
  });

  test('a Sanic file: shared_ctx outside main_process_start (WM-D2) and a module-level Queue (WM-D4)', async () => {
    const uri = workspaceFile('shared_ctx.py');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    await waitFor('WM-D2 and WM-D4', () => byCode(uri, 'WM-D2').length === 1 && byCode(uri, 'WM-D4').length === 1);
    assert.strictEqual(byCode(uri, 'WM-D2')[0].range.start.line, 5);
    await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar');
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    await new Promise((r) => setTimeout(r, 500));
    await screenshot('problems');
  });

  test('workerManager.diagnostics.severity changes severities and turns rules off', async () => {
    const uri = workspaceFile('shared_ctx.py');
    const config = vscode.workspace.getConfiguration('workerManager');
    await config.update('diagnostics.severity', { 'WM-D2': 'hint', 'WM-D4': 'off' }, vscode.ConfigurationTarget.Workspace);
    await waitFor('WM-D2 as a hint and WM-D4 off', () => byCode(uri, 'WM-D4').length === 0 &&
      byCode(uri, 'WM-D2').length === 1 && byCode(uri, 'WM-D2')[0].severity === vscode.DiagnosticSeverity.Hint);
    await config.update('diagnostics.severity', undefined, vscode.ConfigurationTarget.Workspace);
    await waitFor('the defaults back', () => byCode(uri, 'WM-D4').length === 1 && byCode(uri, 'WM-D2')[0].severity === vscode.DiagnosticSeverity.Error);
  });
});
