// Start-up under the ack threshold (WM-4): a slow worker within the threshold is waited for; a worker that never
// acks (waiting forever, or spinning without ever yielding and deaf to SIGTERM), throws, or exits while starting
// makes the manager exit 1 naming it, with nothing left running and the caller's process group left alone.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { alive, request, startWm, until } from '../helpers/manager-process';
import { RELIABILITY_APP } from './lib/app';
import { childPids } from './lib/procfs';

/** Starts `wm serve` on the fixture with a bad worker; collects every process it starts until it exits. */
async function failingStart(env: Record<string, string>) {
  // A canary in the caller's process group: the manager must not signal the group.
  const canary = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  const t0 = performance.now();
  const app = await startWm(RELIABILITY_APP, ['--workers', '3'], { env, waitForListening: false });
  const seen = new Set<number>();
  let polling = true;
  const poll = (async () => {
    while (polling) {
      childPids(app.pid).forEach((p) => seen.add(p));
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  const { code } = await app.exited;
  const exitMs = performance.now() - t0;
  polling = false;
  await poll;
  // The manager waited for its processes before exiting: nothing of it may be left, not even for a moment.
  const leftBehind = [...seen].filter(alive);
  const canaryAlive = canary.exitCode === null && alive(canary.pid!);
  canary.kill();
  return { code, exitMs, output: app.output(), seen, leftBehind, canaryAlive };
}

describe('start-up failures and the ack threshold', () => {
  it('waits for a slow worker within the threshold before announcing the app', async (t) => {
    const t0 = performance.now();
    const app = await startWm(RELIABILITY_APP, ['--workers', '3'], {
      env: { REL_SLOW_WORKER: 'WM-Server-1-0', REL_SLOW_START_MS: '2000', WM_THRESHOLD: '50' },
    });
    try {
      const readyMs = performance.now() - t0;
      t.diagnostic(`announced after ${readyMs.toFixed(0)} ms with a worker that takes 2000 ms to start (threshold 5 s)`);
      assert.ok(readyMs >= 2000, 'not announced before the slow worker served');
      const printed = app.output().split('Listening on')[1];
      assert.match(printed, /WM-Server-0-0\s+ACKED/);
      assert.match(printed, /WM-Server-1-0\s+ACKED/);
      assert.match(printed, /WM-Server-2-0\s+ACKED/);
      assert.equal((await request(app.url)).status, 200);
    } finally {
      assert.equal((await app.stop()).code, 0);
    }
  });

  const cases: { mode: string; what: string; message: RegExp; maxMs: number }[] = [
    { mode: 'await', what: 'waits forever in beforeServerStart', message: /WM-Server-1-0 did not acknowledge within 1\.5 s \(THRESHOLD = 15 x 0\.1 s\)/, maxMs: 6000 },
    {
      mode: 'busy',
      what: 'spins forever without yielding and ignores SIGTERM',
      message: /WM-Server-1-0 did not acknowledge within 1\.5 s \(THRESHOLD = 15 x 0\.1 s\)/,
      maxMs: 8000,
    },
    { mode: 'throw', what: 'throws in beforeServerStart', message: /WM-Server-1-0 failed while starting: fixture: WM-Server-1-0 cannot start/, maxMs: 6000 },
    { mode: 'exit', what: 'exits while starting', message: /WM-Server-1-0 exited before it acknowledged \(exit code 5\)/, maxMs: 6000 },
  ];
  for (const c of cases) {
    it(`a worker that ${c.what}: exit 1 naming it, nothing left behind, the process group untouched`, async (t) => {
      const r = await failingStart({ REL_HANG_WORKER: 'WM-Server-1-0', REL_HANG_MODE: c.mode, WM_THRESHOLD: '15' });
      t.diagnostic(`exit ${r.code} after ${r.exitMs.toFixed(0)} ms; ${r.seen.size} processes started, ${r.leftBehind.length} left behind`);
      assert.equal(r.code, 1, r.output);
      assert.match(r.output, c.message);
      assert.match(r.output, /Not all processes started; stopping the app/);
      assert.doesNotMatch(r.output, /Listening on/, 'never announced');
      if (c.mode === 'await' || c.mode === 'busy') assert.match(r.output, /raise the threshold/, 'the fix is shown');
      if (c.mode === 'throw') assert.match(r.output, /at .*reliability\.js/, 'the error comes with its stack');
      assert.ok(r.seen.size >= 3, `saw the workers start (${r.seen.size})`);
      assert.deepEqual(r.leftBehind, [], 'no process left behind');
      assert.ok(r.canaryAlive, "the caller's process group was left alone");
      assert.ok(r.exitMs < c.maxMs, `exited in bounded time (${r.exitMs.toFixed(0)} ms)`);
    });
  }

  it('past start-up, a restarted worker that never acks is killed at the threshold and handled as a crash', async (t) => {
    // At run time a silent worker is not fatal: it is killed once the threshold passes, counts as an unstable death,
    // and the crash-loop policy takes over; the other worker serves on.
    const hangFile = join(mkdtempSync(join(tmpdir(), 'wm-rel-')), 'hang');
    const app = await startWm(RELIABILITY_APP, ['--workers', '2'], {
      env: { REL_HANG_FILE: hangFile, WM_THRESHOLD: '15', WM_CRASH_LOOP_LIMIT: '2', WM_RESTART_BACKOFF: '0.05' },
    });
    const seen = new Set(childPids(app.pid));
    const poll = setInterval(() => childPids(app.pid).forEach((p) => seen.add(p)), 10);
    try {
      const healthy = JSON.parse((await request(`${app.url}/workers`)).body)['WM-Server-0-0'].pid as number;
      writeFileSync(hangFile, 'WM-Server-1-0');
      const t0 = performance.now();
      assert.equal((await request(`${app.url}/restart?names=WM-Server-1-0`)).status, 200);
      await app.waitFor(/CRASH LOOP: WM-Server-1-0 died 2 times in a row/, 15_000);
      const gaveUpMs = performance.now() - t0;
      const silent = app.output().match(/WM-Server-1-0 did not acknowledge within 1\.5 s/g) ?? [];
      t.diagnostic(`${silent.length} silent processes killed at the threshold; crash loop declared after ${gaveUpMs.toFixed(0)} ms`);
      assert.equal(silent.length, 2, 'each silent process named');
      const kids = childPids(app.pid);
      assert.deepEqual(kids, [healthy], 'the silent processes are gone; the healthy worker serves on');
      assert.equal(JSON.parse((await request(app.url)).body).pid, healthy);

      // Fixed, and restarted by name, it comes back.
      writeFileSync(hangFile, '');
      assert.equal((await request(`${app.url}/restart?names=WM-Server-1-0`)).status, 200);
      await until(() => childPids(app.pid).length === 2, 'WM-Server-1 back', 10_000);
    } finally {
      clearInterval(poll);
      assert.equal((await app.stop()).code, 0);
    }
    await until(() => [...seen].every((p) => !alive(p)), 'nothing left behind', 2000);
  });
});
