// WM-10: app.m in a worker: its name, pid and record, custom state keys, and the keys it may not set; restart's
// forms; terminate(); the app.multiplexer alias.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { alive, FIXTURES, startWm, until } from '../helpers/manager-process';
import { get, waitForTable } from './workers-client';

describe('multiplexer', () => {
  it('knows itself, shows every process, and publishes custom state keys to the table', async () => {
    const app = await startWm(join(FIXTURES, 'control.js'), ['--workers', '1']);
    try {
      // The worker's copy of the table follows the manager's over IPC; the manager sends the acks before it
      // announces the app, so a worker that serves already knows it is ACKED.
      const me = (await get(app.url)).json;
      assert.equal(me.name, 'WM-Server-0-0');
      const state = (await get(`${app.url}/state?queue_depth=3`)).json;
      assert.equal(state.queue_depth, '3');
      assert.equal(state.pid, me.pid);
      assert.equal(state.state, 'ACKED');
      const t = await waitForTable(app.url, (x) => x['WM-Server-0-0'].queue_depth === '3', 'custom key in the table');
      assert.equal(t['WM-Main'].pid, app.pid);
    } finally {
      await app.stop();
    }
  });

  it('refuses the keys the manager keeps, with the list', async () => {
    const app = await startWm(join(FIXTURES, 'control.js'), ['--workers', '1']);
    try {
      for (const key of ['pid', 'state', 'starts', 'server', 'health', 'requests', 'restart_at', 'start_at']) {
        const r = await get(`${app.url}/state?${key}=1`);
        assert.equal(r.status, 400, key);
        assert.match(r.json.error, new RegExp(`"${key}" is kept by the manager`));
      }
    } finally {
      await app.stop();
    }
  });

  it("restart() takes { names }, Sanic's { name } (comma-separated), and refuses an option it does not know", async () => {
    const app = await startWm(join(FIXTURES, 'control.js'), ['--workers', '3']);
    try {
      const restartWith = (options: unknown) => get(`${app.url}/restart-with?options=${encodeURIComponent(JSON.stringify(options))}`);
      assert.deepEqual((await restartWith({ names: ['WM-Server-1-0'] })).json, ['WM-Server-1-0']);
      assert.deepEqual((await restartWith({ name: 'WM-Server-0-0, WM-Server-2-0', zeroDowntime: true })).json, ['WM-Server-0-0', 'WM-Server-2-0']);
      await waitForTable(app.url, (t) => ['WM-Server-0-0', 'WM-Server-1-0', 'WM-Server-2-0'].every((n) => t[n].starts === 2 && t[n].state === 'ACKED'), 'each named worker restarted once');

      const typo = await restartWith({ nmaes: ['WM-Server-1-0'] });
      assert.equal(typo.status, 400);
      assert.match(typo.json.error, /app\.m\.restart\(\) does not take "nmaes"/);
      assert.match(typo.json.hint, /Its options: names, name, allWorkers, zeroDowntime/);
      const t = await waitForTable(app.url, () => true, 'the table');
      assert.ok(['WM-Server-0-0', 'WM-Server-1-0', 'WM-Server-2-0'].every((n) => t[n].starts === 2), 'a refused restart restarts nothing');
    } finally {
      await app.stop();
    }
  });

  it('app.multiplexer is app.m; terminate() stops the whole app with status 0', async () => {
    const app = await startWm(join(FIXTURES, 'control.js'), ['--workers', '2']);
    const t = await waitForTable(app.url, (x) => x['WM-Server-1-0']?.state === 'ACKED', 'both workers up');
    assert.deepEqual((await get(`${app.url}/alias`)).json, { same: true });
    assert.equal((await get(`${app.url}/terminate`)).json, null);
    assert.equal((await app.exited).code, 0);
    await until(() => [t['WM-Server-0-0'].pid, t['WM-Server-1-0'].pid].every((pid) => !alive(pid)), 'every worker gone', 5000);
  });
});
