// Crash recovery: a server worker that dies is marked FAILED and replaced; one that keeps dying at start trips the
// crash-loop limit and is left alone while the others keep serving.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FIXTURES, request, startWm } from '../helpers/manager-process';
import { get, servers, serving, table, waitForTable } from './workers-client';

const CONTROL = join(FIXTURES, 'control.js');

describe('crash recovery', () => {
  it('replaces a worker killed with SIGKILL: FAILED, then a new process with starts + 1', async () => {
    const app = await startWm(CONTROL, ['--workers', '2']);
    try {
      const before = await table(app.url);
      const victim = before['WM-Server-0-0'].pid;
      // Past MIN_UPTIME (1 s) a death is not part of a crash loop: the replacement starts at once.
      await new Promise((r) => setTimeout(r, 1200));
      process.kill(victim, 'SIGKILL');
      await app.waitFor(/WM-Server-0-0 \(pid \d+\) died unexpectedly \(killed by SIGKILL\); replacing it now/);
      const after = await waitForTable(app.url, (t) => t['WM-Server-0-0'].pid !== victim && serving(t['WM-Server-0-0']), 'replaced');
      assert.equal(after['WM-Server-0-0'].starts, 2);
      assert.ok(after['WM-Server-0-0'].restart_at);
    } finally {
      await app.stop();
    }
  });

  it('gives up on a worker that dies at once on every start, says so loudly, and keeps serving with the rest', async () => {
    const crashFile = join(mkdtempSync(join(tmpdir(), 'wm-')), 'crash');
    const app = await startWm(CONTROL, ['--workers', '3'], {
      env: { FIXTURE_CRASH_FILE: crashFile, WM_CRASH_LOOP_LIMIT: '4', WM_RESTART_BACKOFF: '0.05' },
    });
    try {
      const before = await table(app.url);
      writeFileSync(crashFile, 'WM-Server-2-0');
      process.kill(before['WM-Server-2-0'].pid, 'SIGKILL');
      await app.waitFor(/CRASH LOOP: WM-Server-2-0 died 4 times in a row/);
      const t = await waitForTable(app.url, (x) => x['WM-Server-2-0'].crash_loop === true, 'crash loop recorded');
      assert.equal(t['WM-Server-2-0'].state, 'FAILED');
      assert.equal(t['WM-Server-2-0'].starts, 4, 'the first start and three replacements');
      assert.match(app.output(), /replacing it in 0\.1 s/, 'the delay doubles');
      assert.match(app.output(), /replacing it in 0\.2 s/);
      // The healthy workers serve on, untouched.
      for (const name of ['WM-Server-0-0', 'WM-Server-1-0']) {
        assert.equal(t[name].pid, before[name].pid);
        assert.ok(serving(t[name]));
      }
      for (let i = 0; i < 20; i++) assert.equal((await request(app.url)).status, 200);
      // Nothing is respawned after the give-up.
      const starts = t['WM-Server-2-0'].starts;
      await new Promise((r) => setTimeout(r, 500));
      assert.equal((await table(app.url))['WM-Server-2-0'].starts, starts);

      // Fixed and restarted by name, it comes back.
      writeFileSync(crashFile, 'nobody');
      assert.deepEqual((await get(`${app.url}/restart?names=WM-Server-2-0`)).json, ['WM-Server-2-0']);
      const back = await waitForTable(app.url, (x) => serving(x['WM-Server-2-0']), 'revived');
      assert.equal(back['WM-Server-2-0'].crash_loop, undefined);
      assert.equal(servers(back).filter(([, r]) => serving(r)).length, 3);
    } finally {
      await app.stop();
    }
  });

  it('stops the app with status 1 when no server worker is left', async () => {
    const crashFile = join(mkdtempSync(join(tmpdir(), 'wm-')), 'crash');
    const app = await startWm(CONTROL, ['--workers', '1'], {
      env: { FIXTURE_CRASH_FILE: crashFile, WM_CRASH_LOOP_LIMIT: '2', WM_RESTART_BACKOFF: '0.05' },
    });
    const pid = (await table(app.url))['WM-Server-0-0'].pid;
    writeFileSync(crashFile, '');
    process.kill(pid, 'SIGKILL');
    const { code } = await app.exited;
    assert.equal(code, 1);
    assert.match(app.output(), /No server worker is left to serve: stopping the app/);
  });
});

describe('a worker told to stop by someone else', () => {
  it('drains on SIGTERM while its replacement starts at once, and no request fails', async () => {
    const app = await startWm(CONTROL, ['--workers', '1']);
    try {
      const before = await table(app.url);
      const old = before['WM-Server-0-0'].pid;
      const slow = request(`${app.url}/slow?ms=800`);
      await new Promise((r) => setTimeout(r, 100));
      process.kill(old, 'SIGTERM');
      await app.waitFor(/WM-Server-0-0 \(pid \d+\) is stopping on its own \(SIGTERM\?\); starting its replacement/);
      const after = await waitForTable(app.url, (t) => t['WM-Server-0-0'].pid !== old && serving(t['WM-Server-0-0']), 'replaced');
      assert.equal(after['WM-Server-0-0'].starts, 2);
      const r = await slow;
      assert.equal(r.status, 200, 'the in-flight request on the old worker finished');
      assert.equal(JSON.parse(r.body).pid, old);
      assert.doesNotMatch(app.output(), /died unexpectedly/);
    } finally {
      await app.stop();
    }
  });
});

describe('a replacement waiting out its backoff', () => {
  it('gives way at once to a restart asked for by name', async () => {
    const app = await startWm(CONTROL, ['--workers', '2'], { env: { WM_RESTART_BACKOFF: '30', WM_RESTART_BACKOFF_MAX: '30', WM_MIN_UPTIME: '60' } });
    try {
      const before = await table(app.url);
      process.kill(before['WM-Server-1-0'].pid, 'SIGKILL');
      await app.waitFor(/WM-Server-1-0 \(pid \d+\) died unexpectedly \(killed by SIGKILL\); replacing it in 30\.0 s/);
      await waitForTable(app.url, (t) => t['WM-Server-1-0'].state === 'IDLE', 'waiting out its backoff');
      const t0 = Date.now();
      assert.deepEqual((await get(`${app.url}/restart?names=WM-Server-1-0`)).json, ['WM-Server-1-0']);
      await waitForTable(app.url, (t) => serving(t['WM-Server-1-0']), 'restarted now', 10_000);
      assert.ok(Date.now() - t0 < 10_000, 'did not wait for the 30 s backoff');
    } finally {
      await app.stop();
    }
  });
});
