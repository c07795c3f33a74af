// The tests entry in the @vscode/test-electron contract: VS Code loads this module inside the extension
// host and awaits run(); a rejection is a failed suite. The same file serves the code-server harness
// (test/e2e/run.sh) and @vscode/test-electron (test/e2e/electron.mjs).
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const Mocha = require('mocha');

// Order matters: later files drive the app that the launch tests started.
const FILES = [
  'activation.test.js',
  'launch.test.js',
  'workersView.test.js',
  'actions.test.js',
  'diagnostics.test.js',
  'sanic.test.js',
  'shutdown.test.js',
  'trouble.test.js',
];

function run() {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 60_000, grep: process.env.E2E_GREP || undefined });
  for (const f of FILES) mocha.addFile(path.join(__dirname, f));
  const results = { startedAt: new Date().toISOString(), tests: [] };
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      results.failures = failures;
      writeOut('results.json', results);
      if (failures) reject(new Error(`${failures} test(s) failed`));
      else resolve();
    });
    runner.on('pass', (t) => results.tests.push({ title: t.fullTitle(), state: 'passed', ms: t.duration }));
    runner.on('fail', (t, err) => results.tests.push({ title: t.fullTitle(), state: 'failed', error: String(err && err.stack || err) }));
  });
}

function writeOut(name, data) {
  const dir = process.env.E2E_OUT_DIR;
  if (!dir) return;
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, name), JSON.stringify(data, null, 2));
}

module.exports = { run };
