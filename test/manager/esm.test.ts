// ES module apps: the import.meta main-guard, the CLI loading an .mjs module, WorkerManager.THRESHOLD set early.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FIXTURES, request, startScript, startWm } from '../helpers/manager-process';

const ESM = join(FIXTURES, 'esm-app.mjs');

describe('ES module apps', () => {
  it('runs as a script behind isMain(import.meta), workers importing it again', async () => {
    const app = await startScript(ESM);
    try {
      const body = JSON.parse((await request(app.url)).body);
      assert.match(body.name, /^WM-Server-[01]-0$/);
      assert.notEqual(body.pid, app.pid);
    } finally {
      assert.equal((await app.stop()).code, 0);
    }
  });

  it('is served by the CLI from its named export', async () => {
    const app = await startWm(`${ESM}:app`, ['--workers', '1']);
    try {
      assert.equal((await request(app.url)).status, 200);
    } finally {
      await app.stop();
    }
  });

  it('honours WorkerManager.THRESHOLD set at module top level', async () => {
    const app = await startScript(ESM, [], { env: { ESM_THRESHOLD: '5', ESM_SLOW_MS: '2000' }, waitForListening: false });
    assert.equal((await app.exited).code, 1);
    assert.match(app.output(), /did not acknowledge within 0\.5 s \(THRESHOLD = 5 x 0\.1 s\)/);
  });
});
