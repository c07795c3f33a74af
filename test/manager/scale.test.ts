// WM-8: scale up and down at run time; new workers get new indexes, scale-down drains the newest first.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { alive, descendants, FIXTURES, startWm, until } from '../helpers/manager-process';
import { get, servers, serving, table, waitForTable } from './workers-client';

describe('scale', () => {
  it('scales up with new indexes and down from the newest, listing removed workers as TERMINATED', async () => {
    const app = await startWm(join(FIXTURES, 'control.js'), ['--workers', '2']);
    try {
      assert.equal((await get(`${app.url}/scale?n=4`)).json, 'Scaling to 4');
      const up = await waitForTable(app.url, (t) => servers(t).filter(([, r]) => serving(r)).length === 4, 'four serving');
      assert.deepEqual(servers(up).map(([n]) => n), ['WM-Server-0-0', 'WM-Server-1-0', 'WM-Server-2-0', 'WM-Server-3-0']);

      const doomed = [up['WM-Server-2-0'].pid, up['WM-Server-3-0'].pid];
      await get(`${app.url}/scale?n=2`);
      const down = await waitForTable(app.url, (t) => t['WM-Server-3-0']?.state === 'TERMINATED' && t['WM-Server-2-0']?.state === 'TERMINATED', 'newest two removed');
      assert.equal(down['WM-Server-3-0'].serving, false);
      assert.ok(serving(down['WM-Server-0-0']) && serving(down['WM-Server-1-0']), 'the oldest two stay');
      await until(() => doomed.every((pid) => !alive(pid)), 'removed workers exit');

      await get(`${app.url}/scale?n=3`);
      const again = await waitForTable(app.url, (t) => t['WM-Server-4-0'] !== undefined && serving(t['WM-Server-4-0']), 'a new index, never reused');
      assert.equal(again['WM-Server-2-0'].state, 'TERMINATED');
      assert.equal(servers(again).filter(([, r]) => serving(r)).length, 3);
    } finally {
      await app.stop();
    }
  });

  it('refuses a scale that is not a whole number of at least 1', async () => {
    const app = await startWm(join(FIXTURES, 'control.js'), ['--workers', '1']);
    try {
      // The manager's refusal reaches the caller of app.m.scale() (Sanic only logs it).
      const before = await table(app.url);
      for (const bad of ['0', '-1', '2.5']) {
        const { status, json } = await get(`${app.url}/scale?n=${bad}`);
        assert.equal(status, 400, bad);
        assert.match(json.error, new RegExp(`Cannot scale to ${bad.replace('.', '\\.')}: give a whole number of server workers of at least 1`));
      }
      assert.deepEqual(Object.keys(await table(app.url)), Object.keys(before), 'nothing changed');
    } finally {
      await app.stop();
    }
  });

  it('a scale-down that removes a worker in the middle of its restart leaves no process outside the table', async () => {
    // Every start takes 1.5 s, so the restart is still under way when the scale-down comes.
    const app = await startWm(join(FIXTURES, 'control.js'), ['--workers', '2'], { env: { FIXTURE_SLOW_START_MS: '1500' } });
    const restart = (options: unknown) => get(`${app.url}/restart-with?options=${encodeURIComponent(JSON.stringify(options))}`);
    /** The manager's children are exactly the live processes of its table, and only `names` serve. */
    const settled = async (names: string[], what: string) => {
      const t = await waitForTable(app.url, (x) => servers(x).filter(([, r]) => serving(r)).map(([n]) => n).join() === names.join(), what, 10_000);
      await until(() => {
        const live = servers(t).filter(([, r]) => r.state !== 'TERMINATED').map(([, r]) => r.pid);
        return descendants(app.pid).sort().join() === live.sort().join();
      }, `${what}: no process but the table's`, 5000);
      return t;
    };
    try {
      // Zero downtime: the new process is starting, the old one still serves; both must go.
      assert.equal((await restart({ names: ['WM-Server-1-0'], zeroDowntime: true })).status, 200);
      assert.equal((await get(`${app.url}/scale?n=1`)).json, 'Scaling to 1');
      let t = await settled(['WM-Server-0-0'], 'zero-downtime restart cut by a scale-down');
      assert.equal(t['WM-Server-1-0'].state, 'TERMINATED');
      await new Promise((r) => setTimeout(r, 2000)); // past when the cut restart would have started its process
      t = await settled(['WM-Server-0-0'], 'still one worker');

      // Shutdown-first: the old process is stopping; no new one may start in the removed slot afterwards.
      assert.equal((await get(`${app.url}/scale?n=2&wait=1`)).json, 'Scaled to 2');
      assert.equal((await restart({ names: ['WM-Server-2-0'] })).status, 200);
      await get(`${app.url}/scale?n=1`);
      await new Promise((r) => setTimeout(r, 2000));
      t = await settled(['WM-Server-0-0'], 'shutdown-first restart cut by a scale-down');
      assert.equal(t['WM-Server-2-0'].state, 'TERMINATED');
    } finally {
      await app.stop();
    }
  });
});
