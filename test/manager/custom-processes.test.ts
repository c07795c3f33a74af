// WM-13, WM-14: custom processes with Sanic's rules (durable/transient, tracked, restartable, workers).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { alive, FIXTURES, startWm, until } from '../helpers/manager-process';
import { get, waitForTable, type Table } from './workers-client';

const CUSTOM = join(FIXTURES, 'custom.js');

function tempOut(): string {
  return join(mkdtempSync(join(tmpdir(), 'wm-')), 'jobs.log');
}

describe('custom processes', () => {
  it('runs each with its kwargs, tracks its state, drops untracked ones when done, and stops them on shutdown', async () => {
    const out = tempOut();
    const app = await startWm(CUSTOM, ['--workers', '1'], { env: { JOBS_OUT: out } });
    let t: Table;
    try {
      t = await waitForTable(
        app.url,
        (x) => x['WM-OnceTracked-0']?.state === 'COMPLETED' && x['WM-Failing-0']?.state === 'FAILED' && !('WM-OnceUntracked-0' in x),
        'one-shot processes finished',
      );
      for (const name of ['WM-Durable-0', 'WM-Pair-0', 'WM-Pair-1']) {
        assert.equal(t[name].state, 'STARTED', name);
        assert.equal(t[name].server, false);
        assert.ok(alive(t[name].pid), name);
      }
      assert.match(app.output(), /job failed on purpose/);
      const log = readFileSync(out, 'utf8');
      assert.match(log, /^once WM-OnceTracked-0 \d+$/m);
      assert.match(log, /^once WM-OnceUntracked-0 \d+$/m, 'the untracked one ran');
    } finally {
      assert.equal((await app.stop()).code, 0);
    }
    const log = readFileSync(out, 'utf8');
    for (const name of ['WM-Durable-0', 'WM-Pair-0', 'WM-Pair-1']) {
      assert.match(log, new RegExp(`^stop ${name} ${t['WM-Durable-0'] && t[name].pid}$`, 'm'), `${name} got SIGTERM`);
    }
  });

  it('restarts a durable restartable process only from a final state, and never a non-restartable one', async () => {
    const app = await startWm(CUSTOM, ['--workers', '1'], { env: { JOBS_OUT: tempOut() } });
    try {
      await waitForTable(app.url, (x) => x['WM-Durable-0']?.state === 'STARTED', 'durable running');
      const running = await get(`${app.url}/restart?names=WM-Durable-0`);
      assert.equal(running.status, 400);
      assert.match(running.json.error, /Cannot restart WM-Durable-0: it is a durable process in state STARTED/);
      const notRestartable = await get(`${app.url}/restart?names=WM-Pair-0`);
      assert.match(notRestartable.json.error, /WM-Pair-0 is not restartable/);
      assert.match(notRestartable.json.hint, /restartable: true/);

      const t = await waitForTable(app.url, (x) => x['WM-Durable-0']?.state === 'STARTED', 'durable running');
      process.kill(t['WM-Durable-0'].pid, 'SIGKILL');
      await waitForTable(app.url, (x) => x['WM-Durable-0'].state === 'FAILED', 'killed: FAILED, not replaced');
      assert.deepEqual((await get(`${app.url}/restart?names=WM-Durable-0`)).json, ['WM-Durable-0']);
      const back = await waitForTable(app.url, (x) => x['WM-Durable-0'].state === 'STARTED' && x['WM-Durable-0'].starts === 2, 'restarted');
      assert.notEqual(back['WM-Durable-0'].pid, t['WM-Durable-0'].pid);
    } finally {
      await app.stop();
    }
  });

  it('starts processes on the fly from a worker (app.m.manage)', async () => {
    const out = tempOut();
    const app = await startWm(CUSTOM, ['--workers', '1'], { env: { JOBS_OUT: out } });
    try {
      const r = await get(`${app.url}/manage?name=Fly&fn=forever&workers=2`);
      assert.deepEqual(r.json, ['WM-Fly-0', 'WM-Fly-1']);
      await waitForTable(app.url, (x) => x['WM-Fly-0']?.state === 'STARTED' && x['WM-Fly-1']?.state === 'STARTED', 'on-the-fly processes up');
      await until(() => /^start WM-Fly-0 /m.test(readFileSync(out, 'utf8')) && /^start WM-Fly-1 /m.test(readFileSync(out, 'utf8')), 'their function runs');
      const dup = await get(`${app.url}/manage?name=Fly&fn=forever`);
      assert.equal(dup.status, 400);
      assert.match(dup.json.error, /A process named WM-Fly-0 already exists/);
      // Failures reach the caller (Sanic only logs): a function its fresh process cannot find, a bad name.
      const missing = await get(`${app.url}/manage-target?name=Missing&export=nosuch`);
      assert.equal(missing.status, 400);
      assert.match(missing.json.error, /WM-Missing-0 .*nosuch/);
      await waitForTable(app.url, (x) => x['WM-Missing-0']?.state === 'FAILED', 'the process that could not start shows FAILED');
      const badName = await get(`${app.url}/manage?name=${encodeURIComponent('Bad Name')}&fn=forever`);
      assert.equal(badName.status, 400);
      assert.match(badName.json.error, /manage\("Bad Name"\): a process name is letters, digits/);
      // A name that would make a built-in name (WM-Server-<i>-<n>, WM-Inspector-0, ...) is refused: a later
      // scale-up would otherwise take the table entry of the custom process and leave it unmanaged.
      for (const builtIn of ['Server-1', 'inspector', 'Reloader']) {
        const taken = await get(`${app.url}/manage?name=${builtIn}&fn=forever`);
        assert.equal(taken.status, 400, builtIn);
        assert.match(taken.json.error, /names the manager's own processes/, builtIn);
      }
      const anon = await get(`${app.url}/manage-anonymous`);
      assert.match(anon.json.error, /got an anonymous function, which a fresh process cannot find again/);
      assert.match(anon.json.hint, /Export it from its module/);
    } finally {
      await app.stop();
    }
    await until(() => /^stop WM-Fly-1 /m.test(readFileSync(out, 'utf8')), 'on-the-fly processes stopped with the app', 2000).catch((e) => {
      throw new Error(`${e.message}\njobs log:\n${readFileSync(out, 'utf8')}\noutput:\n${app.output()}`);
    });
  });

  for (const [bad, message] of [
    ['contradiction', /a transient process is always restartable; transient: true with restartable: false is a contradiction/],
    ['duplicate', /A process named WM-Durable-0 already exists/],
    ['anonymous', /manage\("Anon", \.\.\.\) got an anonymous function/],
  ] as const) {
    it(`refuses to start with a clear error: ${bad}`, async () => {
      const app = await startWm(CUSTOM, ['--workers', '1'], { env: { CUSTOM_BAD: bad }, waitForListening: false });
      assert.equal((await app.exited).code, 1);
      assert.match(app.output(), message);
      assert.match(app.output(), /A main-process listener failed/);
    });
  }
});
