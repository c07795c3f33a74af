// Serving: fresh worker processes on one shared socket, the process table, listeners where the spec puts them.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { alive, descendants, FIXTURES, parsePrintedTable, request, startScript, startWm, until } from '../helpers/manager-process';
import { waitForTable } from './workers-client';

const CONTROL = join(FIXTURES, 'control.js');

describe('wm serve', () => {
  it('runs N fresh worker processes on one socket and prints where it listens and its table', async () => {
    const app = await startWm(CONTROL, ['--workers', '4']);
    try {
      const table = parsePrintedTable(app.output());
      assert.deepEqual([...table.keys()], ['WM-Main', 'WM-Server-0-0', 'WM-Server-1-0', 'WM-Server-2-0', 'WM-Server-3-0']);
      assert.equal(table.get('WM-Main')!.pid, app.pid);
      for (const [name, row] of table) if (name !== 'WM-Main') assert.equal(row.state, 'ACKED', name);
      const workerPids = [...table.values()].slice(1).map((r) => r.pid);
      assert.equal(new Set(workerPids).size, 4, 'four distinct processes');
      assert.deepEqual(descendants(app.pid).sort(), [...workerPids].sort(), 'the workers are the manager\'s children');

      // Many fresh connections land on several workers: they all accept on the one socket.
      const served = new Set<string>();
      for (let i = 0; i < 60 && served.size < 2; i++) served.add(JSON.parse((await request(app.url)).body).name);
      assert.ok(served.size >= 2, `more than one worker served (${[...served]})`);
    } finally {
      assert.equal((await app.stop()).code, 0);
    }
  });

  it('keeps the exact record keys and ISO dates of the spec', async () => {
    const app = await startWm(CONTROL, ['--workers', '2']);
    try {
      // app.m.workers follows the manager's table over IPC: wait for the worker's copy to show the acks.
      const workers = await waitForTable(app.url, (t) => t['WM-Server-0-0']?.state === 'ACKED', 'the acks in the table');
      assert.deepEqual(Object.keys(workers['WM-Main']), ['pid']);
      const rec = workers['WM-Server-0-0'];
      assert.deepEqual(Object.keys(rec).sort(), ['pid', 'server', 'serving', 'start_at', 'starts', 'state']);
      assert.equal(rec.server, true);
      assert.equal(rec.state, 'ACKED');
      assert.equal(rec.starts, 1);
      assert.equal(rec.serving, true);
      assert.match(String(rec.start_at), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/);
      assert.ok(Math.abs(Date.parse(String(rec.start_at)) - Date.now()) < 60_000);
    } finally {
      await app.stop();
    }
  });

  it('runs each listener where and when the spec says', async () => {
    const log = join(mkdtempSync(join(tmpdir(), 'wm-')), 'listeners.log');
    const app = await startWm(CONTROL, ['--workers', '2'], { env: { FIXTURE_LOG: log } });
    const mainPid = app.pid;
    assert.equal((await app.stop()).code, 0);
    const lines = readFileSync(log, 'utf8').trim().split('\n').map((l) => l.split(' '));
    const main = lines.filter(([role]) => role === 'main').map(([, pid, event]) => [Number(pid), event]);
    assert.deepEqual(main, [
      [mainPid, 'mainProcessStart'],
      [mainPid, 'mainProcessReady'],
      [mainPid, 'mainProcessStop'],
    ]);
    for (const worker of ['WM-Server-0-0', 'WM-Server-1-0']) {
      const events = lines.filter(([role]) => role === worker).map(([, , event]) => event);
      assert.deepEqual(events, ['beforeServerStart', 'afterServerStart', 'beforeServerStop', 'afterServerStop'], worker);
    }
  });

  it('takes its settings from WM_ env vars', async () => {
    const app = await startWm(CONTROL, [], { env: { WM_WORKERS: '3' } });
    try {
      assert.equal([...parsePrintedTable(app.output()).keys()].filter((n) => n.startsWith('WM-Server')).length, 3);
    } finally {
      await app.stop();
    }
  });

  it('runs a main-guarded script the same way, finding the app again by name', async () => {
    const app = await startScript(join(FIXTURES, 'script-app.js'), [], { env: { SCRIPT_WORKERS: '2' } });
    try {
      const body = JSON.parse((await request(app.url)).body);
      assert.match(body.name, /^WM-Server-[01]-0$/);
      assert.notEqual(body.pid, app.pid);
    } finally {
      assert.equal((await app.stop()).code, 0);
    }
  });

  it('ignores an unguarded app.run() in workers and says once how to guard it', async () => {
    const app = await startScript(join(FIXTURES, 'unguarded-app.js'));
    try {
      assert.match((await request(app.url)).body, /^WM-Server-\d-0\n$/);
      await app.waitFor(/not main-guarded/);
      assert.equal(app.output().match(/not main-guarded/g)!.length, 1, 'one warning for the whole app');
      assert.match(app.output(), /if \(require\.main === module\) app\.run\(\)/);
    } finally {
      await app.stop();
    }
  });
});

describe('ack (WM-4)', () => {
  it('stops everything and exits 1 naming the worker that does not ack in time', async () => {
    const app = await startWm(CONTROL, ['--workers', '2'], {
      env: { WM_THRESHOLD: '10', FIXTURE_SLOW_START_MS: '4000' },
      waitForListening: false,
    });
    await app.waitFor(/WM-Server-\d-0 did not acknowledge within 1\.0 s/);
    const children = descendants(app.pid);
    const { code } = await app.exited;
    assert.equal(code, 1);
    assert.match(app.output(), /WorkerManager\.THRESHOLD = 600|WM_THRESHOLD=600/);
    await until(() => children.every((pid) => !alive(pid)), 'no orphaned worker', 5000);
    assert.doesNotMatch(app.output(), /Listening on/);
  });

  it('exits 1 with the worker\'s error when a worker throws while starting', async () => {
    const app = await startWm(CONTROL, ['--workers', '3'], { env: { FIXTURE_THROW_ON_START: '1' }, waitForListening: false });
    const children = new Set<number>();
    const poll = setInterval(() => descendants(app.pid).forEach((p) => children.add(p)), 20);
    const { code } = await app.exited;
    clearInterval(poll);
    assert.equal(code, 1);
    assert.match(app.output(), /WM-Server-1-0 failed while starting: fixture: cannot start/);
    assert.match(app.output(), /control\.js:\d+/, 'the worker\'s stack is shown');
    await until(() => [...children].every((pid) => !alive(pid)), 'no orphaned worker', 5000);
  });

  it('exits 1 when the module fails to load in a worker only', async () => {
    const app = await startWm(CONTROL, ['--workers', '2'], { env: { FIXTURE_THROW_AT_LOAD: '1' }, waitForListening: false });
    assert.equal((await app.exited).code, 1);
    assert.match(app.output(), /WM-Server-1-0 could not load the app: .*broken module in a worker/);
  });
});
