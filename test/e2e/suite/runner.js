// Runs mocha files inside the extension host and writes results.json next to the other artefacts.
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const Mocha = require('mocha');

function runMocha(files) {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 60_000, grep: process.env.E2E_GREP || undefined });
  for (const f of files) mocha.addFile(f);
  const results = { startedAt: new Date().toISOString(), tests: [] };
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      results.failures = failures;
      writeOut(`results-${process.env.E2E_SUITE || 'development'}.json`, results);
      if (failures) reject(new Error(`${failures} test(s) failed`));
      else resolve();
    });
    runner.on('pass', (t) => results.tests.push({ title: t.fullTitle(), state: 'passed', ms: t.duration }));
    runner.on('fail', (t, err) => results.tests.push({ title: t.fullTitle(), state: 'failed', error: String((err && err.stack) || err) }));
  });
}

function writeOut(name, data) {
  const dir = process.env.E2E_OUT_DIR;
  if (!dir) return;
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, name), JSON.stringify(data, null, 2));
}

module.exports = { runMocha };
