// WM-10: app.m in a worker: its name, pid and record, custom state keys, and the keys it may not set.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FIXTURES, startWm } from '../helpers/manager-process';
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
});
