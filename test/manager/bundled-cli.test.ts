// The extension ships the manager as one bundle (dist/worker-manager.js, run by dist/wm.js). An app without its own
// copy of worker-manager still imports it (the bundle lends itself), from require() and from import.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { request, ROOT, startProcess } from '../helpers/manager-process';

const BUNDLE = join(ROOT, 'dist', 'wm.js');

describe('bundled CLI (dist/wm.js)', () => {
  it('serves an app that imports worker-manager without having it, shared primitives and THRESHOLD included', async () => {
    assert.ok(existsSync(BUNDLE), 'dist/wm.js exists (npm run build)');
    const dir = mkdtempSync(join(tmpdir(), 'wm-bundled-'));
    writeFileSync(
      join(dir, 'app.cjs'),
      `const { App, Value, WorkerManager } = require('worker-manager');
WorkerManager.THRESHOLD = Number(process.env.APP_THRESHOLD || 300);
const app = new App('bundled', async (req, res) => {
  await app.sharedCtx.hits.add(1);
  res.end(JSON.stringify({ name: app.m.name, hits: await app.sharedCtx.hits.get() }));
});
app.beforeServerStart(() => new Promise((r) => setTimeout(r, Number(process.env.APP_SLOW_MS || 0))));
app.mainProcessStart((app) => { app.sharedCtx.hits = new Value(0); });
module.exports = { app };
`,
    );
    writeFileSync(join(dir, 'esm.mjs'), `import { App } from 'worker-manager';\nexport const app = new App('esm', (req, res) => res.end(app.m.name));\n`);

    const app = await startProcess([BUNDLE, 'serve', 'app.cjs', '--port', '0', '--workers', '2'], { cwd: dir });
    try {
      const hits = [];
      for (let i = 0; i < 4; i++) hits.push(JSON.parse((await request(app.url)).body).hits);
      assert.deepEqual(hits, [1, 2, 3, 4], 'one shared Value across the workers');
    } finally {
      assert.equal((await app.stop()).code, 0);
    }

    const esm = await startProcess([BUNDLE, 'serve', 'esm.mjs:app', '--port', '0'], { cwd: dir });
    try {
      assert.equal((await request(esm.url)).body, 'WM-Server-0-0');
    } finally {
      await esm.stop();
    }

    const slow = await startProcess([BUNDLE, 'serve', 'app.cjs', '--port', '0'], {
      cwd: dir,
      env: { APP_THRESHOLD: '5', APP_SLOW_MS: '2000' },
      waitForListening: false,
    });
    assert.equal((await slow.exited).code, 1);
    assert.match(slow.output(), /within 0\.5 s \(THRESHOLD = 5/, "the app's WorkerManager.THRESHOLD reaches the bundle's manager");
  });
});
