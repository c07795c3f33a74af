// WM-11: `wm serve --dev` watches the app's files and reloads: servers with zero downtime, transient processes
// restart, durable ones stay.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as http from 'node:http';
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

  it('watches the app\'s own modules loaded from another folder; a burst of changes is one reload, with zero downtime', async () => {
    // A monorepo: the app in apps/web, a module of its own in lib/ (outside the app's folder).
    const root = mkdtempSync(join(tmpdir(), 'wm-dev-mono-'));
    const dir = join(root, 'apps', 'web');
    mkdirSync(dir, { recursive: true });
    mkdirSync(join(root, 'lib'));
    writeApp(dir);
    writeFileSync(join(root, 'lib', 'greeting.js'), `exports.greeting = 'from lib';\n`);
    writeFileSync(join(dir, 'greeting.js'), `exports.greeting = require('../../lib/greeting').greeting;\n`);
    const app = await startWm(join(dir, 'app.js'), ['--workers', '2', '--dev'], { cwd: dir, env: { WM_RELOAD_DEBOUNCE: '300' } });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    try {
      await app.waitFor(/\[WM-Reloader-0\] INFO  Watching \., \.\.\/\.\.\/lib for changes/);
      // Requests all along, on keep-alive connections: none may fail while the workers are replaced.
      let stop = false;
      const failures: string[] = [];
      const bodies = new Set<string>();
      let ok = 0;
      const client = async () => {
        while (!stop) {
          try {
            const body = await new Promise<string>((resolve, reject) => {
              http.get(app.url, { agent }, (res) => {
                let text = '';
                res.on('data', (c) => (text += c));
                res.on('end', () => (res.statusCode === 200 ? resolve(text) : reject(new Error(`status ${res.statusCode}`))));
              }).on('error', reject);
            });
            bodies.add(body.trim());
            ok += 1;
          } catch (error) {
            failures.push((error as Error).message);
          }
        }
      };
      const clients = [client(), client(), client()];
      // Five writes 50 ms apart, inside one debounce window: one reload.
      for (let i = 0; i < 5; i++) {
        writeFileSync(join(root, 'lib', 'greeting.js'), `exports.greeting = 'changed ${i}';\n`);
        await new Promise((r) => setTimeout(r, 50));
      }
      await app.waitFor(/Change detected in .*lib\/greeting\.js; reloading/);
      await waitForTable(app.url, (t) => servers(t).every(([, r]) => r.starts === 2 && serving(r)), 'both servers replaced');
      await new Promise((r) => setTimeout(r, 800)); // room for a second reload, which must not come
      stop = true;
      await Promise.all(clients);
      assert.deepEqual(failures, [], `no request failed across the reload (${ok} answered)`);
      assert.ok(bodies.has('changed 4'), `the new code serves (saw ${[...bodies].join(', ')})`);
      assert.equal(app.output().match(/Change detected/g)?.length, 1, 'one reload for the burst');
      assert.deepEqual(servers(await table(app.url)).map(([, r]) => r.starts), [2, 2]);
    } finally {
      agent.destroy();
      assert.equal((await app.stop()).code, 0);
    }
  });
});
