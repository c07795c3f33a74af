// WM-9: the shared context and its cross-process primitives, hosted by the manager.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { alive, FIXTURES, request, startWm, until } from '../helpers/manager-process';
import { get, waitForTable } from './workers-client';

const COUNTER = join(FIXTURES, 'counter.js');

describe('shared context', () => {
  it('4 workers each add 1 to a shared Value 10,000 times under a Lock: exactly 40,000', async () => {
    const app = await startWm(COUNTER, ['--workers', '4'], { env: { COUNTER_AUTORUN: '10000' } });
    try {
      const t = await waitForTable(
        app.url,
        (x) => Object.values(x).filter((r) => r.server && r.added === 10000).length === 4,
        'every worker finished its 10,000',
        90_000,
      );
      assert.equal(Object.values(t).filter((r) => r.server).length, 4);
      assert.equal((await get(`${app.url}/total`)).json.total, 40_000);
    } finally {
      await app.stop();
    }
  });

  it('a Queue delivers each item once, a blocked get waits for a put, an Event wakes its waiters', async () => {
    const app = await startWm(COUNTER, ['--workers', '2']);
    try {
      const waiting = get(`${app.url}/get?timeout=5`);
      await new Promise((r) => setTimeout(r, 200));
      await get(`${app.url}/put?job=a`);
      assert.equal((await waiting).json.item.job, 'a');
      for (const job of ['b', 'c', 'd']) await get(`${app.url}/put?job=${job}`);
      const got = await Promise.all([1, 2, 3].map(() => get(`${app.url}/get?timeout=2`)));
      assert.deepEqual(got.map((g) => g.json.item.job).sort(), ['b', 'c', 'd'], 'each item once');
      const empty = await get(`${app.url}/get?timeout=0.2`);
      assert.equal(empty.status, 500);
      assert.equal(empty.json.name, 'QueueEmpty');

      const waiters = [get(`${app.url}/wait?timeout=5`), get(`${app.url}/wait?timeout=5`)];
      await new Promise((r) => setTimeout(r, 200));
      await get(`${app.url}/set`);
      for (const w of await Promise.all(waiters)) assert.equal(w.json.set, true);
    } finally {
      await app.stop();
    }
  });

  it('frees a lock held by a worker that dies', async () => {
    const app = await startWm(COUNTER, ['--workers', '2']);
    try {
      const holder = (await get(`${app.url}/hold-lock-and-die`)).json;
      assert.equal(holder.holding, true);
      // A request that lands on the dying worker would fail with it: ask only once it is gone.
      await until(() => !alive(holder.pid), 'the holder exits');
      const tried = await get(`${app.url}/try-lock?timeout=3`);
      assert.equal(tried.json.got, true);
    } finally {
      await app.stop();
    }
  });

  it('refuses writes outside mainProcessStart, naming the listener to use', async () => {
    const app = await startWm(join(FIXTURES, 'control.js'), ['--workers', '1']);
    try {
      const r = await get(`${app.url}/shared-write`);
      assert.equal(r.status, 400);
      assert.match(r.json.error, /app\.sharedCtx\.late was set in WM-Server-0-0; the shared context is filled only in the main process/);
      assert.match(r.json.hint, /app\.mainProcessStart\(\(app\) => \{ app\.sharedCtx\.late = \.\.\. \}\)/);
    } finally {
      await app.stop();
    }
  });

  it('warns about a plain value on the shared context and hands each worker a copy', async () => {
    const app = await startWm(join(FIXTURES, 'control.js'), ['--workers', '2'], { env: { FIXTURE_PLAIN_SHARED: '1' } });
    try {
      assert.match(app.output(), /Unsafe object plain with type Object was added to sharedCtx/);
      const r = JSON.parse((await request(`${app.url}/shared`)).body);
      assert.deepEqual(r.plain, { hello: 'copy' });
    } finally {
      await app.stop();
    }
  });
});
