// Soak: many restarts and reloads in a row; the manager's open file descriptors and RSS stay flat.
// Operations cycle through: zero-downtime restart of one worker, shutdown-first restart of one worker, and a
// zero-downtime reload of every worker (SIGHUP). Short form: 100 operations; `npm run soak`: 1,000.
// Bounds (measured on the manager, /proc/<pid>/fd and VmRSS, with the app quiet after each operation):
// - file descriptors: back to the baseline (+-1) after every operation, and exactly the baseline at the end;
// - RSS: after a warm-up of WARMUP operations, the end is at most RSS_BOUND_MB above the baseline, and the
//   least-squares slope over the run is at most SLOPE_BOUND_KB per operation (a leak of a few KB per restart
//   would show over 1,000 operations).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alive, request, startWm, until } from '../helpers/manager-process';
import { allGone, LONG, RELIABILITY_APP, servers, serving, sleep, table } from './lib/app';
import { childPids, fdCount, rssBytes } from './lib/procfs';

const OPERATIONS = LONG ? 1000 : 100;
const WARMUP = 10;
const WORKERS = 2;
const RSS_BOUND_MB = LONG ? 12 : 8;
const SLOPE_BOUND_KB = LONG ? 8 : 40;

function slope(ys: number[]): number {
  const n = ys.length;
  const mx = (n - 1) / 2;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  ys.forEach((y, x) => {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  });
  return num / den;
}

describe('soak: restarts and reloads', { timeout: LONG ? 3_600_000 : 300_000 }, () => {
  it(`${OPERATIONS} restarts and reloads: the manager's fds and RSS stay flat`, async (t) => {
    const app = await startWm(RELIABILITY_APP, ['--workers', String(WORKERS)]);
    const seen = new Set<number>(childPids(app.pid));
    try {
      const names = servers(await table(app.url)).map(([name]) => name);
      let expectedStarts = Object.fromEntries(names.map((n) => [n, 1]));
      const quiet = async (what: string) => {
        // Every worker serving with the expected start count, and no process but the current workers left.
        await until(
          async () => {
            const x = await table(app.url, 2000).catch(() => undefined);
            if (!x) return false;
            const ok = names.every((n) => serving(x[n]) && x[n].starts === expectedStarts[n]);
            const current = new Set(names.map((n) => x[n].pid));
            const kids = childPids(app.pid);
            kids.forEach((p) => seen.add(p));
            return ok && kids.length === WORKERS && kids.every((p) => current.has(p));
          },
          what,
          20_000,
          10,
        );
      };
      const fds: number[] = [];
      const rss: number[] = [];
      let fdBaseline = 0;
      let rssBaseline = 0;
      const t0 = Date.now();
      for (let op = 0; op < OPERATIONS; op++) {
        const kind = op % 3;
        const target = names[op % WORKERS];
        if (kind === 2) {
          process.kill(app.pid, 'SIGHUP');
          expectedStarts = Object.fromEntries(names.map((n) => [n, expectedStarts[n] + 1]));
        } else {
          const r = await request(`${app.url}/restart?names=${target}${kind === 0 ? '&zd=1' : ''}`);
          assert.equal(r.status, 200, r.body);
          expectedStarts = { ...expectedStarts, [target]: expectedStarts[target] + 1 };
        }
        await quiet(`operation ${op + 1} (${['zero-downtime restart', 'restart', 'reload'][kind]}) done`);
        await sleep(20);
        fds.push(fdCount(app.pid));
        rss.push(rssBytes(app.pid));
        if (op + 1 === WARMUP) {
          fdBaseline = fds[op];
          rssBaseline = rss[op];
        }
        if (op + 1 > WARMUP) assert.ok(Math.abs(fds[op] - fdBaseline) <= 1, `after operation ${op + 1}: ${fds[op]} fds, baseline ${fdBaseline}`);
      }
      const seconds = (Date.now() - t0) / 1000;
      await sleep(300);
      const fdEnd = fdCount(app.pid);
      const rssEnd = rssBytes(app.pid);
      const after = rss.slice(WARMUP).map((b) => b / 1024);
      const kbPerOp = slope(after);
      const mb = (b: number) => (b / 2 ** 20).toFixed(1);
      t.diagnostic(
        `${OPERATIONS} operations in ${seconds.toFixed(0)} s; fds: baseline ${fdBaseline}, max ${Math.max(...fds.slice(WARMUP))}, end ${fdEnd}; ` +
          `RSS MB: baseline ${mb(rssBaseline)}, min ${mb(Math.min(...rss.slice(WARMUP)))}, max ${mb(Math.max(...rss.slice(WARMUP)))}, end ${mb(rssEnd)}; ` +
          `slope ${kbPerOp.toFixed(1)} KB/operation`,
      );
      assert.equal(fdEnd, fdBaseline, 'file descriptors back to the baseline');
      assert.ok(rssEnd - rssBaseline <= RSS_BOUND_MB * 2 ** 20, `RSS grew ${mb(rssEnd - rssBaseline)} MB (bound ${RSS_BOUND_MB} MB)`);
      assert.ok(kbPerOp <= SLOPE_BOUND_KB, `RSS slope ${kbPerOp.toFixed(1)} KB per operation (bound ${SLOPE_BOUND_KB})`);
      const x = await table(app.url);
      assert.equal(Object.keys(x).length, 1 + WORKERS, 'the table holds the main process and the workers, nothing more');
      assert.ok(alive(app.pid));
    } finally {
      assert.equal((await app.stop()).code, 0);
    }
    await allGone([app.pid, ...seen], 2000, 'after the shutdown');
  });
});
