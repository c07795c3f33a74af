// WM-7 under load: a zero-downtime reload of every worker while keep-alive clients hammer the app fails nothing.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FIXTURES, startWm } from '../helpers/manager-process';
import { servers, serving, table, waitForTable } from './workers-client';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const autocannon = require('autocannon') as (opts: Record<string, unknown>) => Promise<AutocannonResult>;
interface AutocannonResult {
  requests: { total: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  resets: number;
}

describe('zero-downtime reload under keep-alive load', () => {
  it('replaces all 4 workers with zero failed requests (SIGHUP)', async () => {
    const app = await startWm(join(FIXTURES, 'control.js'), ['--workers', '4']);
    try {
      const before = await table(app.url);
      const load = autocannon({ url: app.url, connections: 32, duration: 6, pipelining: 1 });
      await new Promise((r) => setTimeout(r, 1500));
      process.kill(app.pid, 'SIGHUP');
      const result = await load;
      const after = await waitForTable(app.url, (t) => servers(t).every(([, r]) => r.starts === 2 && serving(r)), 'every worker replaced');
      for (const [name, r] of servers(after)) assert.notEqual(r.pid, before[name].pid, `${name} has a new process`);
      assert.ok(result.requests.total > 1000, `load ran (${result.requests.total} requests)`);
      assert.equal(result.errors, 0, 'socket errors');
      assert.equal(result.timeouts, 0, 'timeouts');
      assert.equal(result.non2xx, 0, 'non-2xx responses');
      assert.equal(result.resets, 0, 'connection resets');
    } finally {
      assert.equal((await app.stop()).code, 0);
    }
  });
});
