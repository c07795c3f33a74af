// Restarts (WM-6, WM-7) through the multiplexer of a real worker, and zero-downtime reload under load.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FIXTURES, startWm } from '../helpers/manager-process';
import { get, servers, serving, table, waitForTable } from './workers-client';

const CONTROL = join(FIXTURES, 'control.js');

describe('restart', () => {
  it('restarts one named worker shutdown-first: RESTARTING, then a new pid, starts + 1, restart_at set', async () => {
    const app = await startWm(CONTROL, ['--workers', '2']);
    try {
      const before = await table(app.url);
      const target = 'WM-Server-1-0';
      const { json } = await get(`${app.url}/restart?names=${target}`);
      assert.deepEqual(json, [target]);
      const after = await waitForTable(app.url, (t) => t[target].pid !== before[target].pid && serving(t[target]), 'the worker restarted');
      assert.equal(after[target].starts, 2);
      assert.match(String(after[target].restart_at), /\+00:00$/);
      assert.equal(after[target].start_at, before[target].start_at, 'start_at stays the first start');
      assert.equal(after['WM-Server-0-0'].pid, before['WM-Server-0-0'].pid, 'the other worker is untouched');
      assert.equal(after['WM-Server-0-0'].starts, 1);
    } finally {
      await app.stop();
    }
  });

  it('restarts several named workers, and all of them, and refuses unknown names with the known ones', async () => {
    const app = await startWm(CONTROL, ['--workers', '3']);
    try {
      const before = await table(app.url);
      const { json } = await get(`${app.url}/restart?names=WM-Server-0-0,WM-Server-2-0`);
      assert.deepEqual(json, ['WM-Server-0-0', 'WM-Server-2-0']);
      await waitForTable(
        app.url,
        (t) => t['WM-Server-0-0'].starts === 2 && t['WM-Server-2-0'].starts === 2 && servers(t).every(([, r]) => serving(r)),
        'two workers restarted',
      );
      const all = await get(`${app.url}/restart?all=1`);
      assert.deepEqual(all.json.sort(), ['WM-Server-0-0', 'WM-Server-1-0', 'WM-Server-2-0']);
      const after = await waitForTable(app.url, (t) => servers(t).every(([name, r]) => r.starts === (name === 'WM-Server-1-0' ? 2 : 3) && serving(r)), 'all restarted');
      for (const [name, r] of servers(after)) assert.notEqual(r.pid, before[name].pid, name);

      const unknown = await get(`${app.url}/restart?names=WM-Server-9-0`);
      assert.equal(unknown.status, 400);
      assert.match(unknown.json.error, /No process named "WM-Server-9-0"/);
      assert.match(unknown.json.hint, /Known processes: .*WM-Server-0-0/);
    } finally {
      await app.stop();
    }
  });

  it('restarts a worker that asks for it itself (app.m.restart() with no name)', async () => {
    const app = await startWm(CONTROL, ['--workers', '1']);
    try {
      const before = await table(app.url);
      // Zero-downtime so the asking worker is still alive to receive the answer.
      const { json } = await get(`${app.url}/restart?zd=1`);
      assert.deepEqual(json, ['WM-Server-0-0']);
      const after = await waitForTable(app.url, (t) => t['WM-Server-0-0'].pid !== before['WM-Server-0-0'].pid && serving(t['WM-Server-0-0']), 'self restart');
      assert.equal(after['WM-Server-0-0'].starts, 2);
    } finally {
      await app.stop();
    }
  });

  it('keeps the old worker serving when its zero-downtime replacement cannot start', async () => {
    const crashFile = join(mkdtempSync(join(tmpdir(), 'wm-')), 'crash');
    const app = await startWm(CONTROL, ['--workers', '2'], { env: { FIXTURE_CRASH_FILE: crashFile } });
    try {
      const before = await table(app.url);
      writeFileSync(crashFile, 'WM-Server-1-0'); // from now on a new WM-Server-1-0 dies while loading
      await get(`${app.url}/restart?names=WM-Server-1-0&zd=1`);
      await app.waitFor(/The replacement for WM-Server-1-0 failed \(exit code 3\); the previous process \(pid \d+\) keeps serving/);
      await waitForTable(
        app.url,
        (t) => t['WM-Server-1-0'].pid === before['WM-Server-1-0'].pid && serving(t['WM-Server-1-0']),
        'the old process is back in the table, serving',
      );
      // ... and it really serves: both pids answer.
      const seen = new Set<number>();
      for (let i = 0; i < 80 && seen.size < 2; i++) seen.add((await get(app.url)).json.pid);
      assert.ok(seen.has(before['WM-Server-1-0'].pid), 'the old process still answers');
    } finally {
      await app.stop();
    }
  });
});
