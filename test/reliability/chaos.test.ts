// Chaos: under keep-alive load, SIGKILL a random server worker every few hundred ms for a bounded time.
// Asserts: the manager stays up; every death is replaced at once and the worker count returns to N; the only failed
// requests are those in flight on the killed workers at the moment they died (counted exactly, see
// freezeCountKill); no crash loop is declared; nothing is left running after the shutdown.
//
// The crash-loop policy counts a death within MIN_UPTIME (1 s) of the worker's ack as unstable, and gives up on a
// slot after CRASH_LOOP_LIMIT of those in a row. Chaos here models crashes in production, not a broken build, so
// by design it only kills workers that have been serving for at least STABLE_MS (1.5 s, seen from outside, so
// really longer): every death is a stable one, replaced at once with no backoff, and the crash-loop count never
// grows. The policy itself is under test in crash-loop.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alive, startWm } from '../helpers/manager-process';
import { allGone, freezeCountKill, LONG, RELIABILITY_APP, servers, serving, sleep, table, waitForTable, type Kill } from './lib/app';
import { KeepAliveLoad } from './lib/load-client';
import { childPids } from './lib/procfs';

const WORKERS = 4;
const CHAOS_MS = LONG ? 60_000 : 6_000;
const STABLE_MS = 1_500;
const CONNECTIONS = 16;

describe('chaos: SIGKILL random server workers under load', () => {
  it(`keeps ${WORKERS} workers serving; only requests in flight on killed workers fail; no orphans`, async (t) => {
    const app = await startWm(RELIABILITY_APP, ['--workers', String(WORKERS)]);
    const everSeen = new Set<number>();
    const kills: Kill[] = [];
    let load: KeepAliveLoad | undefined;
    let polling = true;
    try {
      // Who serves, and since when (first seen ACKED and serving), from the table the manager keeps.
      const servingSince = new Map<number, number>();
      const poller = (async () => {
        while (polling) {
          try {
            const now = Date.now();
            for (const [, r] of servers(await table(app.url, 2000))) {
              everSeen.add(r.pid);
              if (serving(r) && !servingSince.has(r.pid) && !kills.some((k) => k.pid === r.pid)) servingSince.set(r.pid, now);
            }
          } catch {
            // a worker died under the request: ask again
          }
          await sleep(100);
        }
      })();
      for (const pid of childPids(app.pid)) everSeen.add(pid);

      load = new KeepAliveLoad({ port: app.port, connections: CONNECTIONS, path: () => '/?ms=5', timeoutMs: 10_000 }).start();
      await sleep(STABLE_MS + 200);

      const chaosEnd = Date.now() + CHAOS_MS;
      let skipped = 0;
      while (Date.now() < chaosEnd) {
        await sleep(250 + Math.random() * 200);
        const children = new Set(childPids(app.pid));
        for (const pid of children) everSeen.add(pid);
        const now = Date.now();
        const eligible = [...servingSince].filter(([pid, since]) => now - since >= STABLE_MS && children.has(pid)).map(([pid]) => pid);
        if (eligible.length === 0) {
          skipped += 1;
          continue;
        }
        const victim = eligible[Math.floor(Math.random() * eligible.length)];
        servingSince.delete(victim);
        kills.push(freezeCountKill(victim, app.port, load, kills.length));
        assert.ok(alive(app.pid), `the manager is up after kill #${kills.length}`);
      }
      const chaosOver = Date.now();

      // Back to N: every worker serving, none of them a killed one.
      const killed = new Set(kills.map((k) => k.pid));
      const after = await waitForTable(
        app.url,
        (x) => servers(x).length === WORKERS && servers(x).every(([, r]) => serving(r) && !killed.has(r.pid) && alive(r.pid)),
        `${WORKERS} workers serving again`,
        15_000,
      );
      const recoveredMs = Date.now() - chaosOver;
      for (const [, r] of servers(after)) everSeen.add(r.pid);
      await sleep(300);
      await load.stop();
      polling = false;
      await poller;

      const ok = load.ok();
      const failed = load.failed();
      const inflight = kills.reduce((s, k) => s + k.inflight, 0);
      const unexplained = failed.filter((r) => r.inflightAtKill === undefined);
      t.diagnostic(
        `kills ${kills.length} (${skipped} turns without an eligible worker) in ${CHAOS_MS / 1000} s; requests ok ${ok.length}; ` +
          `in flight on killed workers ${inflight}; failed ${failed.length} (${[...new Set(failed.map((r) => r.error))].join(', ') || 'none'}); ` +
          `unexplained ${unexplained.length}; back to ${WORKERS} serving ${recoveredMs} ms after the last kill`,
      );

      assert.ok(kills.length >= (LONG ? 40 : 4), `chaos happened: ${kills.length} kills`);
      assert.ok(ok.length > 1000, `load ran: ${ok.length} answered`);
      assert.deepEqual(
        unexplained.map((r) => ({ id: r.id, error: r.error, status: r.status, localPort: r.localPort })),
        [],
        'every failed request was on a connection held by a worker at the moment it was killed',
      );
      assert.ok(failed.length <= inflight, `failed ${failed.length} <= in flight on the killed workers ${inflight}`);
      assert.ok(failed.every((r) => r.error !== 'timeout'), 'no request hung');
      assert.ok(alive(app.pid), 'the manager is up');
      const output = app.output();
      assert.doesNotMatch(output, /CRASH LOOP/, 'no crash loop declared');
      const replaced = output.match(/died unexpectedly \(killed by SIGKILL\); replacing it now/g) ?? [];
      assert.equal(replaced.length, kills.length, 'every death replaced at once (no backoff)');
    } finally {
      polling = false;
      await load?.stop(2000);
      const { code } = await app.stop();
      assert.equal(code, 0, 'graceful exit after chaos');
    }
    for (const pid of childPids(app.pid)) everSeen.add(pid);
    await allGone([app.pid, ...everSeen], 2000, 'after the shutdown');
  });
});
