// WM-10: app.m in a worker: its name, pid and record, custom state keys, and the keys it may not set; restart's
// forms; terminate(); the app.multiplexer alias.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

  it('with wait, restart() and scale() answer once done and reject with the start error of a process that does not come up', async () => {
    const crashFile = join(mkdtempSync(join(tmpdir(), 'wm-wait-')), 'crash');
    const app = await startWm(join(FIXTURES, 'control.js'), ['--workers', '2'], { env: { FIXTURE_CRASH_FILE: crashFile } });
    try {
      const restartOthers = (options: unknown) => get(`${app.url}/restart-others?options=${encodeURIComponent(JSON.stringify(options))}`);
      const tableNow = async () => (await get(`${app.url}/workers`)).json;
      // Done when answered: the other worker is already replaced and serving.
      const done = await restartOthers({ wait: true });
      assert.equal(done.status, 200);
      const [other] = done.json as string[];
      const after = await waitForTable(app.url, () => true, 'the table');
      assert.equal(after[other].starts, 2, `${other} restarted before the answer`);
      assert.equal(after[other].state, 'ACKED');

      // Replacements that die at once (an empty crash file: every new server worker exits 3): the caller hears why;
      // the previous process (zero downtime) keeps serving.
      writeFileSync(crashFile, '');
      const failed = await restartOthers({ wait: true, zeroDowntime: true });
      assert.equal(failed.status, 400);
      assert.match(failed.json.error, /WM-Server-[01]-0 exited before it acknowledged \(exit code 3\)/);
      const servers = ['WM-Server-0-0', 'WM-Server-1-0'];
      const kept = await waitForTable(app.url, (t) => servers.every((n) => t[n].state === 'ACKED'), 'the previous process back in its place');
      assert.deepEqual(servers.map((n) => kept[n].pid), servers.map((n) => after[n].pid));

      // A restart that replaces the caller cannot wait for itself: refused before anything restarts.
      const self = await get(`${app.url}/restart-with?options=${encodeURIComponent(JSON.stringify({ allWorkers: true, wait: true }))}`);
      assert.equal(self.status, 400);
      assert.match(self.json.error, /cannot wait for its own restart/);

      // Scale: answered once the new worker serves, or with its start error.
      rmSync(crashFile);
      assert.equal((await get(`${app.url}/scale?n=3&wait=1`)).json, 'Scaled to 3');
      assert.equal((await tableNow())['WM-Server-2-0'].state, 'ACKED');
      writeFileSync(crashFile, 'WM-Server-3-0');
      const scaleFailed = await get(`${app.url}/scale?n=4&wait=1`);
      assert.equal(scaleFailed.status, 400);
      assert.match(scaleFailed.json.error, /WM-Server-3-0 exited before it acknowledged/);
      // Nothing else moved: the refused self-restart restarted nothing.
      const t = await tableNow();
      assert.deepEqual(servers.map((n) => [t[n].state, t[n].pid]), servers.map((n) => ['ACKED', after[n].pid]));
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
