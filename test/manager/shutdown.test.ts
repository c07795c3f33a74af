// Stopping: SIGTERM/SIGINT drain in-flight requests and exit 0; a second signal forces; a manager killed with
// SIGKILL leaves no worker behind.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { alive, descendants, FIXTURES, request, startWm, until } from '../helpers/manager-process';
import { table } from './workers-client';

const CONTROL = join(FIXTURES, 'control.js');

describe('shutdown', () => {
  it('SIGTERM lets every in-flight request finish, then exits 0 with no process left', async () => {
    const app = await startWm(CONTROL, ['--workers', '2']);
    const children = descendants(app.pid);
    const inFlight = Array.from({ length: 6 }, () => request(`${app.url}/slow?ms=1500`));
    await new Promise((r) => setTimeout(r, 300));
    const t0 = Date.now();
    process.kill(app.pid, 'SIGTERM');
    // While they finish, a new client is refused at once rather than left waiting for nobody.
    await new Promise((r) => setTimeout(r, 300));
    const t1 = Date.now();
    await assert.rejects(request(app.url), /ECONNREFUSED/);
    assert.ok(Date.now() - t1 < 500, 'refused without waiting');
    const results = await Promise.all(inFlight);
    for (const r of results) {
      assert.equal(r.status, 200);
      assert.equal(JSON.parse(r.body).slept, 1500);
    }
    const { code } = await app.exited;
    assert.equal(code, 0);
    assert.ok(Date.now() - t0 < 5000, 'no waiting on idle connections at shutdown');
    await until(() => children.every((pid) => !alive(pid)), 'workers gone', 3000);
    // New connections are refused once it has stopped.
    await assert.rejects(request(app.url), /ECONNREFUSED/);
  });

  it('cuts requests longer than GRACEFUL_SHUTDOWN_TIMEOUT', async () => {
    const app = await startWm(CONTROL, ['--workers', '1'], { env: { WM_GRACEFUL_SHUTDOWN_TIMEOUT: '1' } });
    const long = request(`${app.url}/slow?ms=10000`).then(
      () => 'answered',
      () => 'cut',
    );
    await new Promise((r) => setTimeout(r, 200));
    const t0 = Date.now();
    process.kill(app.pid, 'SIGTERM');
    assert.equal(await long, 'cut');
    assert.equal((await app.exited).code, 0);
    assert.ok(Date.now() - t0 < 4000, `stopped within the timeout (${Date.now() - t0} ms)`);
    assert.match(app.output(), /1 connection\(s\) still open after 1 s \(GRACEFUL_SHUTDOWN_TIMEOUT\)/);
  });

  it('a second signal kills everything at once', async () => {
    const app = await startWm(CONTROL, ['--workers', '2']);
    const children = descendants(app.pid);
    void request(`${app.url}/slow?ms=20000`).catch(() => {});
    await new Promise((r) => setTimeout(r, 200));
    process.kill(app.pid, 'SIGINT');
    await app.waitFor(/stopping gracefully/);
    process.kill(app.pid, 'SIGINT');
    const { code } = await app.exited;
    assert.equal(code, 1);
    await until(() => children.every((pid) => !alive(pid)), 'workers killed', 3000);
  });

  it('workers exit within about a second when the manager is killed with SIGKILL', async () => {
    const app = await startWm(CONTROL, ['--workers', '3']);
    const workers = Object.entries(await table(app.url))
      .filter(([name]) => name !== 'WM-Main')
      .map(([, r]) => r.pid);
    assert.equal(workers.length, 3);
    process.kill(app.pid, 'SIGKILL');
    const t0 = Date.now();
    await until(() => workers.every((pid) => !alive(pid)), 'every worker gone', 3000, 10);
    const took = Date.now() - t0;
    assert.ok(took < 1500, `workers exited in ${took} ms`);
  });

  // What a service manager (systemd's KillMode=control-group) or a closing terminal does: signal every process.
  it('SIGTERM to the whole process group stops gracefully, starting no replacement for the draining workers', async () => {
    const app = await startWm(CONTROL, ['--workers', '2'], { detached: true });
    const inFlight = Array.from({ length: 4 }, () => request(`${app.url}/slow?ms=800`));
    await new Promise((r) => setTimeout(r, 200));
    process.kill(-app.pid, 'SIGTERM');
    for (const r of await Promise.all(inFlight)) assert.equal(r.status, 200);
    assert.equal((await app.exited).code, 0);
    assert.doesNotMatch(app.output(), /starting its replacement/);
  });

  it('SIGHUP to the whole process group reloads every worker with zero downtime; requests in flight finish', async () => {
    const app = await startWm(CONTROL, ['--workers', '2'], { detached: true });
    try {
      const before = await table(app.url);
      const inFlight = Array.from({ length: 4 }, () => request(`${app.url}/slow?ms=800`));
      await new Promise((r) => setTimeout(r, 200));
      process.kill(-app.pid, 'SIGHUP');
      for (const r of await Promise.all(inFlight)) assert.equal(r.status, 200);
      await until(async () => {
        const t = await table(app.url);
        return ['WM-Server-0-0', 'WM-Server-1-0'].every((n) => t[n].starts === 2 && t[n].state === 'ACKED' && t[n].pid !== before[n].pid);
      }, 'both workers replaced', 10_000);
      assert.ok(alive(app.pid), 'the manager stays');
    } finally {
      await app.stop();
    }
  });
});
