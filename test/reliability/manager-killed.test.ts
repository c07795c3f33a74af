// The manager killed with SIGKILL (no chance to clean up): every process it ran — server workers under load, the
// inspector, a custom process — notices (its IPC channel closes) and exits within about a second. Requests that
// had reached a worker still finish: a worker that loses its manager drains for up to 500 ms.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { alive, startWm, until } from '../helpers/manager-process';
import { RELIABILITY_APP, sleep } from './lib/app';
import { KeepAliveLoad } from './lib/load-client';
import { childPids, processName } from './lib/procfs';

const BOUND_MS = 1500;

describe('manager killed with SIGKILL', () => {
  it(`every worker, the inspector and a custom process exit within ${BOUND_MS} ms; requests that reached a worker finish`, async (t) => {
    const log = join(mkdtempSync(join(tmpdir(), 'wm-rel-')), 'requests.log');
    const app = await startWm(RELIABILITY_APP, ['--workers', '4'], {
      env: { REL_LOG: log, REL_CUSTOM: '1', WM_INSPECTOR: 'true', WM_INSPECTOR_HOST: '127.0.0.1', WM_INSPECTOR_PORT: '0' },
    });
    await app.waitFor(/Inspector listening on/);
    await until(() => childPids(app.pid).length === 6, '4 server workers, the inspector and the custom process', 10_000);
    const children = childPids(app.pid);
    const names = new Map(children.map((p) => [p, processName(p)]));
    const load = new KeepAliveLoad({ port: app.port, connections: 12, path: (id) => `/?ms=20&id=${id}`, timeoutMs: 10_000 }).start();
    await sleep(1000);

    const t0 = performance.now();
    process.kill(app.pid, 'SIGKILL');
    const goneAt = new Map<number, number>();
    await until(
      () => {
        for (const p of children) if (!goneAt.has(p) && !alive(p)) goneAt.set(p, performance.now() - t0);
        return goneAt.size === children.length;
      },
      'every child of the killed manager gone',
      5000,
      5,
    ).catch((error: Error) => {
      for (const p of children) if (alive(p)) process.kill(p, 'SIGKILL');
      throw new Error(`${error.message}: still running ${children.filter(alive).map((p) => names.get(p)).join(', ')}`);
    });
    await load.stop(3000);

    const times = [...goneAt.values()];
    const recv = new Set<string>();
    const done = new Set<string>();
    for (const line of readFileSync(log, 'utf8').split('\n')) {
      const [event, id] = line.split(' ');
      if (event === 'recv') recv.add(id);
      if (event === 'done') done.add(id);
    }
    const cut = [...recv].filter((id) => !done.has(id));
    t.diagnostic(
      `gone after (ms): ${children.map((p) => `${names.get(p)} ${goneAt.get(p)!.toFixed(0)}`).join(', ')}; max ${Math.max(...times).toFixed(0)} ms; ` +
        `requests that reached a worker ${recv.size}, not finished ${cut.length}; failed at the client ${load.failed().length} (after the manager died, new connections have nobody to serve them)`,
    );
    assert.ok(Math.max(...times) <= BOUND_MS, `all gone within ${BOUND_MS} ms: ${times.map((ms) => ms.toFixed(0)).join(', ')}`);
    assert.deepEqual(cut, [], 'every request that reached a worker was finished');
  });

  it('while its workers are still starting, none of them goes on to serve as an orphan', async (t) => {
    // WM-Server-1-0 takes 3 s in beforeServerStart; the manager dies after WM-Server-0-0 serves.
    const app = await startWm(RELIABILITY_APP, ['--workers', '2'], {
      env: { REL_SLOW_WORKER: 'WM-Server-1-0', REL_SLOW_START_MS: '3000' },
      waitForListening: false,
    });
    await until(() => childPids(app.pid).length === 2, 'two workers forked', 10_000);
    await sleep(800);
    const children = childPids(app.pid);
    process.kill(app.pid, 'SIGKILL');
    const t0 = performance.now();
    await until(() => children.every((p) => !alive(p)), 'both workers gone, the one still starting too', BOUND_MS, 5).catch((error: Error) => {
      for (const p of children) if (alive(p)) process.kill(p, 'SIGKILL');
      throw error;
    });
    t.diagnostic(`gone ${(performance.now() - t0).toFixed(0)} ms after the manager`);
  });
});
