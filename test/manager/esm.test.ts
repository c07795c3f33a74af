// ES module apps: the import.meta main-guard, the CLI loading an .mjs module, WorkerManager.THRESHOLD set early,
// custom processes whose function lives in an ES module.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FIXTURES, request, startScript, startWm, until } from '../helpers/manager-process';

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

  it('runs custom processes from a function the app module exports or a "path:export"; an imported one is refused with how to name it', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'wm-esm-custom-')), 'out');
    const app = await startWm(join(FIXTURES, 'esm-custom.mjs'), ['--workers', '1'], { env: { ESM_CUSTOM_OUT: out } });
    try {
      await until(() => {
        try {
          return readFileSync(out, 'utf8').split('\n').filter(Boolean).sort().join('|') === 'named WM-Named-0|own WM-Own-0';
        } catch {
          return false;
        }
      }, 'both functions ran in their fresh processes');
    } finally {
      assert.equal((await app.stop()).code, 0);
    }

    const refused = await startWm(join(FIXTURES, 'esm-custom.mjs'), ['--workers', '1'], { env: { ESM_CUSTOM: 'imported', ESM_CUSTOM_OUT: out }, waitForListening: false });
    assert.equal((await refused.exited).code, 1);
    assert.match(refused.output(), /manage\("Imported", \.\.\.\) got function record, which a fresh process cannot find again/);
    assert.match(refused.output(), /If it is exported from an ES module the app imports, name it: "path\/to\/module\.mjs:record"/);
  });
});
