// Soak: many restarts and reloads in a row; the manager's open file descriptors and RSS stay flat.
// Operations cycle through: zero-downtime restart of one worker, shutdown-first restart of one worker, and a
// zero-downtime reload of every worker (SIGHUP). Short form: 100 operations; `npm run soak`: 1,000.
// Measured on the manager with the app quiet after each operation: open fds from /proc/<pid>/fd; memory from the
// manager itself (the fixture's main process answers SIGUSR2 with process.memoryUsage() after a full garbage
// collection: node runs with --expose-gc), so that garbage not yet collected does not pass for a leak. Bounds, after
// a warm-up of WARMUP operations:
// - file descriptors: back to the baseline (+-1) after every operation, exactly the baseline at the end;
// - live JS heap (heapUsed after GC): at most HEAP_BOUND_KB above the baseline at the end, and a least-squares
//   slope of at most HEAP_SLOPE_KB per operation (short form: 512 KB, 3 KB/op; long form: 1 MB, 0.5 KB/op — one
//   Incarnation kept per restart, with its ChildProcess and listeners, is several KB);
// - RSS (after GC): at most RSS_BOUND_MB (8 MB) above the baseline at the end, slope at most RSS_SLOPE_KB per
//   operation (short form 40 KB/op: the first hundred operations still settle; long form 4 KB/op).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alive, request, startProcess, until, WM_BIN } from '../helpers/manager-process';
import { allGone, LONG, RELIABILITY_APP, servers, serving, sleep, table } from './lib/app';
import { childPids, fdCount } from './lib/procfs';

interface Memory {
  rss: number;
  heapUsed: number;
}

const OPERATIONS = LONG ? 1000 : 100;
const WARMUP = LONG ? 100 : 20;
const WORKERS = 2;
const SAMPLE_EVERY = 5;
const HEAP_BOUND_KB = LONG ? 1024 : 512;
const HEAP_SLOPE_KB = LONG ? 0.5 : 3;
const RSS_BOUND_MB = 8;
const RSS_SLOPE_KB = LONG ? 4 : 40;

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
    const memlog = join(mkdtempSync(join(tmpdir(), 'wm-rel-')), 'memory.jsonl');
    writeFileSync(memlog, '');
    const app = await startProcess(['--expose-gc', WM_BIN, 'serve', RELIABILITY_APP, '--port', '0', '--workers', String(WORKERS)], { env: { REL_MEMLOG: memlog } });
    const seen = new Set<number>(childPids(app.pid));
    const lines = () => readFileSync(memlog, 'utf8').split('\n').filter(Boolean);
    const memory = async (): Promise<Memory> => {
      const n = lines().length;
      process.kill(app.pid, 'SIGUSR2');
      await until(() => lines().length > n, 'a memory sample', 5000, 5);
      return JSON.parse(lines().at(-1)!) as Memory;
    };
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
      const samples: Memory[] = [];
      let fdBaseline = 0;
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
        if (op + 1 >= WARMUP && (op + 1) % SAMPLE_EVERY === 0) samples.push(await memory());
        if (op + 1 === WARMUP) fdBaseline = fds[op];
        if (op + 1 > WARMUP) assert.ok(Math.abs(fds[op] - fdBaseline) <= 1, `after operation ${op + 1}: ${fds[op]} fds, baseline ${fdBaseline}`);
      }
      const seconds = (Date.now() - t0) / 1000;
      await sleep(300);
      const fdEnd = fdCount(app.pid);
      const end = await memory();
      const [base] = samples;
      // Slopes per operation: samples are SAMPLE_EVERY operations apart.
      const heapSlope = slope(samples.map((m) => m.heapUsed / 1024)) / SAMPLE_EVERY;
      const rssSlope = slope(samples.map((m) => m.rss / 1024)) / SAMPLE_EVERY;
      const mb = (b: number) => (b / 2 ** 20).toFixed(2);
      const range = (key: keyof Memory) => `${mb(Math.min(...samples.map((m) => m[key])))}–${mb(Math.max(...samples.map((m) => m[key])))}`;
      t.diagnostic(
        `${OPERATIONS} operations in ${seconds.toFixed(0)} s; fds: baseline ${fdBaseline}, max ${Math.max(...fds.slice(WARMUP))}, end ${fdEnd}; ` +
          `live heap MB: baseline ${mb(base.heapUsed)}, range ${range('heapUsed')}, end ${mb(end.heapUsed)}, slope ${heapSlope.toFixed(2)} KB/op (bounds ${HEAP_BOUND_KB} KB, ${HEAP_SLOPE_KB} KB/op); ` +
          `RSS MB: baseline ${mb(base.rss)}, range ${range('rss')}, end ${mb(end.rss)}, slope ${rssSlope.toFixed(2)} KB/op (bounds ${RSS_BOUND_MB} MB, ${RSS_SLOPE_KB} KB/op)`,
      );
      assert.equal(fdEnd, fdBaseline, 'file descriptors back to the baseline');
      assert.ok(end.heapUsed - base.heapUsed <= HEAP_BOUND_KB * 1024, `live heap grew ${mb(end.heapUsed - base.heapUsed)} MB`);
      assert.ok(heapSlope <= HEAP_SLOPE_KB, `live heap slope ${heapSlope.toFixed(2)} KB per operation`);
      assert.ok(end.rss - base.rss <= RSS_BOUND_MB * 2 ** 20, `RSS grew ${mb(end.rss - base.rss)} MB`);
      assert.ok(rssSlope <= RSS_SLOPE_KB, `RSS slope ${rssSlope.toFixed(2)} KB per operation`);
      const x = await table(app.url);
      assert.equal(Object.keys(x).length, 1 + WORKERS, 'the table holds the main process and the workers, nothing more');
      assert.ok(alive(app.pid));
    } finally {
      assert.equal((await app.stop()).code, 0);
    }
    await allGone([app.pid, ...seen], 2000, 'after the shutdown');
  });
});
