// The manager as a library: construct it, watch its table change, restart, scale and shut it down from code
// (what the inspector and other tools build on).
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadApp, WorkerManager, type ProcessRecord } from 'worker-manager';
import { alive, FIXTURES, request } from '../helpers/manager-process';

describe('WorkerManager from code', () => {
  it('runs, reports every state change, restarts, scales and shuts down', async () => {
    const locator = { module: join(FIXTURES, 'script-app.js') };
    const app = await loadApp(locator);
    const manager = new WorkerManager(app, { locator, workers: 2, host: '127.0.0.1', port: 0, startedByScript: false, dev: false });
    const changes: [string, string | undefined][] = [];
    manager.on('change', (name: string, record: ProcessRecord | undefined) => changes.push([name, record?.state]));
    const stdoutWrite = process.stdout.write;
    process.stdout.write = (() => true) as typeof process.stdout.write; // keep the start-up banner out of the test report
    const finished = manager.run();
    await once(manager, 'ready');
    process.stdout.write = stdoutWrite;
    try {
      const url = `http://127.0.0.1:${manager.address!.port}`;
      assert.equal((await request(url)).status, 200);
      assert.deepEqual(
        changes.filter(([n]) => n === 'WM-Server-0-0').map(([, s]) => s),
        ['NONE', 'STARTING', 'STARTED', 'ACKED'],
        'a worker goes NONE -> STARTING -> STARTED -> ACKED',
      );

      changes.length = 0;
      assert.deepEqual(await manager.restart({ names: ['WM-Server-1-0'], zeroDowntime: true }), ['WM-Server-1-0']);
      const states = changes.filter(([n]) => n === 'WM-Server-1-0').map(([, s]) => s);
      assert.deepEqual([...new Set(states)], ['RESTARTING', 'STARTING', 'STARTED', 'ACKED']);

      await manager.scale(3);
      assert.equal((manager.table()['WM-Server-2-0'] as ProcessRecord).state, 'ACKED');
      await manager.scale(1);
      const table = manager.table();
      assert.equal((table['WM-Server-2-0'] as ProcessRecord).state, 'TERMINATED');
      assert.equal((table['WM-Server-1-0'] as ProcessRecord).state, 'TERMINATED');
      assert.equal((table['WM-Server-0-0'] as ProcessRecord).state, 'ACKED');
      await assert.rejects(manager.scale(0), /Cannot scale to 0/);
      await assert.rejects(manager.restart({ names: ['nope'] }), /No process named "nope"/);
    } finally {
      const pids = Object.values(manager.table()).map((r) => r.pid).filter((p): p is number => typeof p === 'number' && p !== process.pid);
      assert.equal(await manager.shutdown(), 0);
      assert.equal(await finished, 0);
      for (const pid of pids) assert.equal(alive(pid), false, `pid ${pid} gone`);
      assert.equal((manager.table()['WM-Server-0-0'] as ProcessRecord).state, 'JOINED');
    }
  });
});
