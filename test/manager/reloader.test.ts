// WM-11: `wm serve --dev` watches the app's files and reloads: servers with zero downtime, transient processes
// restart, durable ones stay.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, startWm } from '../helpers/manager-process';
import { servers, serving, table, waitForTable } from './workers-client';

function writeApp(dir: string): void {
  const lib = JSON.stringify(join(ROOT, 'manager', 'dist', 'index.js'));
  writeFileSync(
    join(dir, 'app.js'),
    `'use strict';
const { App } = require(${lib});
const { greeting } = require('./greeting');
const app = new App('devapp', (req, res) => {
  if (req.url === '/workers') { res.setHeader('content-type', 'application/json'); return res.end(JSON.stringify(app.m.workers)); }
  res.end(greeting + '\\n');
});
app.mainProcessReady((app) => {
  app.manager.manage('Transient', require('./jobs').idle, {}, { transient: true });
  app.manager.manage('Durable', require('./jobs').idle, {});
});
module.exports = { app };
`,
  );
  writeFileSync(join(dir, 'greeting.js'), `exports.greeting = 'hello';\n`);
  writeFileSync(join(dir, 'jobs.js'), `exports.idle = () => new Promise((r) => process.on('SIGTERM', r));\n`);
}

describe('auto-reloader', () => {
  it('reloads server workers and transient processes when a file changes, and leaves the rest alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wm-dev-'));
    writeApp(dir);
    const app = await startWm(join(dir, 'app.js'), ['--workers', '2', '--dev'], { cwd: dir });
    try {
      await app.waitFor(/\[WM-Reloader-0\] INFO  Watching \. for changes/);
      const before = await table(app.url);
      assert.equal(before['WM-Reloader-0'].state, 'STARTED');
      assert.equal(before['WM-Reloader-0'].server, false);

      // Noise that must not reload: a log file, and anything under node_modules or a dot-folder.
      writeFileSync(join(dir, 'server.log'), 'x');
      mkdirSync(join(dir, 'node_modules'));
      writeFileSync(join(dir, 'node_modules', 'dep.js'), 'x');
      mkdirSync(join(dir, '.cache'));
      writeFileSync(join(dir, '.cache', 'c.js'), 'x');
      await new Promise((r) => setTimeout(r, 800));
      assert.deepEqual(servers(await table(app.url)).map(([, r]) => r.starts), [1, 1], 'no reload for ignored files');

      writeFileSync(join(dir, 'greeting.js'), `exports.greeting = 'changed';\n`);
      await app.waitFor(/Change detected in greeting\.js; reloading/);
      const after = await waitForTable(
        app.url,
        (t) => servers(t).every(([, r]) => r.starts === 2 && serving(r)) && t['WM-Transient-0'].starts === 2 && t['WM-Transient-0'].state === 'STARTED',
        'servers and the transient process restarted',
      );
      assert.equal(after['WM-Durable-0'].starts, 1, 'the durable process is left alone');
      assert.equal(after['WM-Durable-0'].pid, before['WM-Durable-0'].pid);
      assert.equal(after['WM-Reloader-0'].pid, before['WM-Reloader-0'].pid);
      const body = await (await fetch(app.url)).text();
      assert.equal(body, 'changed\n', 'the new code serves');
    } finally {
      assert.equal((await app.stop()).code, 0);
    }
  });
});
