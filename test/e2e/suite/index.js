// The tests entry in the @vscode/test-electron contract: VS Code loads this module inside the extension
// host and awaits run(); a rejection is a failed suite. The same file serves the code-server harness
// (test/e2e/run.sh) and @vscode/test-electron (test/e2e/electron.mjs).
'use strict';
const path = require('node:path');
const { runMocha } = require('./runner');

// Order matters: later files drive the app that launch.test.js started.
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

exports.run = () => runMocha(FILES.map((f) => path.join(__dirname, f)));
