// WM-15: --single-process serves in the manager's own process, with the usual listeners and no manager.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { descendants, FIXTURES, request, startWm } from '../helpers/manager-process';

describe('single-process mode', () => {
  it('serves from the process itself, runs every listener there, and stops cleanly', async () => {
    const log = join(mkdtempSync(join(tmpdir(), 'wm-')), 'listeners.log');
    const app = await startWm(join(FIXTURES, 'script-app.js'), ['--single-process'], { env: { FIXTURE_LOG: log } });
    try {
      assert.deepEqual(descendants(app.pid), [], 'no worker processes');
      const r = await request(app.url);
      assert.equal(r.status, 200);
      assert.deepEqual(JSON.parse(r.body), { name: 'WM-Main', pid: app.pid }, 'app.m knows the one process');
    } finally {
      assert.equal((await app.stop()).code, 0);
    }
    const control = await startWm(join(FIXTURES, 'control.js'), ['--single-process'], { env: { FIXTURE_LOG: log } });
    const shared = JSON.parse((await request(`${control.url}/shared`)).body);
    assert.equal(shared.counter, 0, 'sharedCtx works in one process');
    assert.equal((await control.stop()).code, 0);
    const events = readFileSync(log, 'utf8').trim().split('\n').map((l) => l.split(' '));
    assert.ok(events.every(([role, pid]) => role === 'main' && Number(pid) === control.pid));
    assert.deepEqual(
      events.map(([, , e]) => e),
      ['mainProcessStart', 'mainProcessReady', 'beforeServerStart', 'afterServerStart', 'beforeServerStop', 'afterServerStop', 'mainProcessStop'],
    );
  });
});
