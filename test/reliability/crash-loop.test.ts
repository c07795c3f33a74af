// Crash loop under load: a worker whose every new process dies at once (before it serves) trips the crash-loop
// limit; the manager says so loudly, stops replacing it, and the healthy workers keep serving the load. The only
// failed requests are those in flight on the worker when it first died (counted exactly, see freezeCountKill):
// its crash-looping replacements never accept a connection, so they cannot fail one.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { alive, startWm } from '../helpers/manager-process';
import { allGone, freezeCountKill, RELIABILITY_APP, servers, serving, sleep, table, waitForTable } from './lib/app';
import { KeepAliveLoad } from './lib/load-client';
import { childPids } from './lib/procfs';

const LIMIT = 4;

describe('crash loop under load', () => {
  it(`gives up on a worker after ${LIMIT} unstable deaths in a row, says so, and keeps the others serving`, async (t) => {
    const crashFile = join(mkdtempSync(join(tmpdir(), 'wm-rel-')), 'crash');
    const app = await startWm(RELIABILITY_APP, ['--workers', '3'], {
      env: { REL_CRASH_FILE: crashFile, WM_CRASH_LOOP_LIMIT: String(LIMIT), WM_RESTART_BACKOFF: '0.05' },
    });
    const seen = new Set<number>(childPids(app.pid));
    let load: KeepAliveLoad | undefined;
    try {
      const before = await table(app.url);
      load = new KeepAliveLoad({ port: app.port, connections: 12, path: () => '/?ms=5', timeoutMs: 10_000 }).start();
      await sleep(1200); // past MIN_UPTIME: the first death is a production crash, not yet a loop

      // From now on every new WM-Server-2 process dies at module load.
      writeFileSync(crashFile, 'WM-Server-2-0');
      const kill = freezeCountKill(before['WM-Server-2-0'].pid, app.port, load, 0);
      const t0 = Date.now();
      const poll = setInterval(() => childPids(app.pid).forEach((p) => seen.add(p)), 5);
      await app.waitFor(new RegExp(`CRASH LOOP: WM-Server-2-0 died ${LIMIT} times in a row`), 30_000);
      const gaveUpMs = Date.now() - t0;
      clearInterval(poll);

      const x = await waitForTable(app.url, (tb) => tb['WM-Server-2-0']?.crash_loop === true, 'crash loop recorded');
      assert.equal(x['WM-Server-2-0'].state, 'FAILED');
      // The first death came after it had served a while (a stable one): replaced at once; then LIMIT unstable ones.
      assert.equal(x['WM-Server-2-0'].starts, LIMIT + 1, 'the first process, and one replacement per death until the limit');
      for (const name of ['WM-Server-0-0', 'WM-Server-1-0']) {
        assert.equal(x[name].pid, before[name].pid, `${name} untouched`);
        assert.ok(serving(x[name]), `${name} serving`);
      }
      const output = app.output();
      assert.match(output, /WM-Server-2-0 \(pid \d+\) died unexpectedly \(killed by SIGKILL\); replacing it now/);
      assert.match(output, /It will not be replaced again; 2 server worker\(s\) keep serving/);

      // Nothing more is started for it, and the load goes on without a failure.
      const failedAtGiveUp = load.failed().length;
      const okAtGiveUp = load.ok().length;
      await sleep(1000);
      assert.equal((await table(app.url))['WM-Server-2-0'].starts, LIMIT + 1, 'no start after giving up');
      assert.ok(alive(app.pid), 'the manager is up');
      await load.stop();

      const failed = load.failed();
      const unexplained = failed.filter((r) => r.inflightAtKill === undefined);
      const servedBy = new Set(load.ok().filter((r) => r.sentAt > kill.at).map((r) => r.pid));
      t.diagnostic(
        `gave up ${gaveUpMs} ms after the first death; in flight on the killed worker ${kill.inflight}; failed ${failed.length}; ` +
          `answered ${load.ok().length} (${load.ok().length - okAtGiveUp} in the second after giving up)`,
      );
      assert.deepEqual(unexplained.map((r) => ({ id: r.id, error: r.error, status: r.status })), [], 'only requests in flight on the killed worker failed');
      assert.ok(failed.length <= kill.inflight);
      assert.equal(load.failed().length, failedAtGiveUp, 'no failure after the give-up');
      assert.ok(load.ok().length - okAtGiveUp > 100, 'the others kept serving');
      assert.deepEqual(
        [...servedBy].sort(),
        [before['WM-Server-0-0'].pid, before['WM-Server-1-0'].pid].sort(),
        'requests sent after the death were answered by the healthy workers only',
      );
      for (const [, r] of servers(x)) seen.add(r.pid);
    } finally {
      await load?.stop(2000);
      assert.equal((await app.stop()).code, 0);
    }
    await allGone([app.pid, ...seen], 2000, 'after the shutdown');
  });
});
