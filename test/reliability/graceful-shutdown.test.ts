// Graceful shutdown under load: SIGTERM lets every request that reached the app finish (long ones included, up
// to GRACEFUL_SHUTDOWN_TIMEOUT), loses none of them, and exits 0 with nothing left running. Past the timeout the
// stragglers are cut and the manager says so, so a shutdown is bounded.
// The app logs every request id it receives and answers (REL_LOG), so "reached the app" is known exactly; requests
// sent after the SIGTERM (the load keeps going) may be refused, but none may hang.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { alive, request, startWm, type HttpResult } from '../helpers/manager-process';
import { allGone, RELIABILITY_APP, sleep } from './lib/app';
import { KeepAliveLoad } from './lib/load-client';
import { childPids } from './lib/procfs';

const now = () => performance.timeOrigin + performance.now();

function received(logFile: string): { recv: Set<string>; done: Set<string> } {
  const recv = new Set<string>();
  const done = new Set<string>();
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    const [event, id] = line.split(' ');
    if (event === 'recv') recv.add(id);
    if (event === 'done') done.add(id);
  }
  return { recv, done };
}

async function timed(url: string): Promise<{ result?: HttpResult; error?: string; ms: number }> {
  const t0 = now();
  try {
    const result = await request(url);
    return { result, ms: now() - t0 };
  } catch (error) {
    return { error: (error as Error).message, ms: now() - t0 };
  }
}

describe('graceful shutdown under load', () => {
  it('SIGTERM finishes every request that reached the app, long ones included, and exits 0', async (t) => {
    const log = join(mkdtempSync(join(tmpdir(), 'wm-rel-')), 'requests.log');
    const app = await startWm(RELIABILITY_APP, ['--workers', '2'], { env: { REL_LOG: log, WM_GRACEFUL_SHUTDOWN_TIMEOUT: '10' } });
    const workers = childPids(app.pid);
    const load = new KeepAliveLoad({ port: app.port, connections: 12, path: (id) => `/?ms=50&id=${id}`, timeoutMs: 15_000 }).start();
    await sleep(800);
    const long = [1, 2, 3, 4].map((i) => timed(`${app.url}/slow?ms=3000&id=long${i}`));
    await sleep(500);

    const sigterm = now();
    process.kill(app.pid, 'SIGTERM');
    const { code } = await app.exited;
    const exitMs = now() - sigterm;
    await load.stop(5000);
    const longResults = await Promise.all(long);
    await allGone(workers, 1000, 'workers after the manager exited');

    const { recv, done } = received(log);
    const byId = new Map(load.records.map((r) => [String(r.id), r]));
    const reachedButLost = [...recv].filter((id) => !id.startsWith('long')).filter((id) => byId.get(id)?.status !== 200);
    const sentBefore = load.records.filter((r) => r.sentAt < sigterm);
    const failedSentBefore = sentBefore.filter((r) => r.status !== 200);
    const afterSigterm = load.records.filter((r) => r.sentAt >= sigterm);
    t.diagnostic(
      `exit ${code} after ${exitMs.toFixed(0)} ms; requests that reached the app: ${recv.size} (answered ${done.size}); lost of those: ${reachedButLost.length}; ` +
        `sent before SIGTERM ${sentBefore.length}, failed of those ${failedSentBefore.length} (never reached the app: ${failedSentBefore.filter((r) => !recv.has(String(r.id))).length}); ` +
        `sent after SIGTERM ${afterSigterm.length}, answered ${afterSigterm.filter((r) => r.status === 200).length}; long requests: ${longResults.map((r) => (r.result ? `${r.result.status} in ${r.ms.toFixed(0)} ms` : r.error)).join(', ')}`,
    );

    assert.equal(code, 0);
    assert.ok(exitMs >= 2000 && exitMs < 10_000, `waited for the long requests, within the timeout (${exitMs.toFixed(0)} ms)`);
    for (const r of longResults) {
      assert.equal(r.result?.status, 200, `long request: ${r.error ?? r.result?.status}`);
      assert.ok(r.ms >= 3000);
    }
    assert.ok(recv.size > 100, 'the load reached the app');
    assert.deepEqual(reachedButLost, [], 'every request that reached the app was answered with 200');
    assert.equal(done.size, recv.size, 'the app finished every request it received');
    assert.ok(load.records.every((r) => r.error !== 'timeout'), 'no request hung');
    assert.ok(!alive(app.pid));
  });

  it('cuts requests longer than GRACEFUL_SHUTDOWN_TIMEOUT, says so, and still exits in bounded time', async (t) => {
    const app = await startWm(RELIABILITY_APP, ['--workers', '2'], { env: { WM_GRACEFUL_SHUTDOWN_TIMEOUT: '1.5' } });
    const workers = childPids(app.pid);
    const tooLong = timed(`${app.url}/slow?ms=8000`);
    const fits = timed(`${app.url}/slow?ms=800`);
    await sleep(300);
    const sigterm = now();
    process.kill(app.pid, 'SIGTERM');
    const { code } = await app.exited;
    const exitMs = now() - sigterm;
    const [cut, ok] = await Promise.all([tooLong, fits]);
    await allGone(workers, 1000, 'workers after the manager exited');
    t.diagnostic(`exit ${code} after ${exitMs.toFixed(0)} ms; the 800 ms request: ${ok.result?.status}; the 8 s request: ${cut.error ?? cut.result?.status} after ${cut.ms.toFixed(0)} ms`);
    assert.equal(code, 0);
    assert.equal(ok.result?.status, 200, 'the request that fits finished');
    assert.ok(cut.error, 'the request past the timeout was cut');
    assert.ok(exitMs >= 1400 && exitMs < 4000, `bounded by the timeout (${exitMs.toFixed(0)} ms)`);
    assert.match(app.output(), /connection\(s\) still open after 1\.5 s \(GRACEFUL_SHUTDOWN_TIMEOUT\); closed them/);
  });
});
