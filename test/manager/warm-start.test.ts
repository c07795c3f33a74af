// Warm starts: `wm serve` forks its workers' Node processes before it loads the app. Nothing of that may show:
// a worker sees the environment as mainProcessStart left it, from its module's first line; processes the app
// did not need are gone once it serves; a start that fails leaves none behind. A worker loads the package once:
// the file the manager forks is the one the app imports.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { descendants, FIXTURES, request, startWm, until } from '../helpers/manager-process';

const WARM = join(FIXTURES, 'warm.js');

/** Pids of live processes whose environment holds `marker` (orphans included: they are not our descendants). */
function processesMarked(marker: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0').includes(marker)) out.push(Number(entry));
    } catch {
      // ended while we read, or not ours to read
    }
  }
  return out;
}

describe('warm starts', () => {
  it('a worker sees the environment mainProcessStart left, from its first line, and no trace of the warm start', async () => {
    const app = await startWm(WARM, ['--workers', '3'], { env: { FIXTURE_REMOVED: 'set before start' } });
    try {
      const seen = new Map<string, { atLoad: unknown; now: unknown; warm: unknown; entry: string; packageModules: string[] }>();
      for (let i = 0; i < 60 && seen.size < 3; i++) {
        const body = JSON.parse((await request(app.url)).body);
        seen.set(body.name, body);
      }
      assert.equal(seen.size, 3, 'every worker answered');
      const expected = { fromMain: `set by mainProcessStart in ${app.pid}`, removed: null };
      for (const [name, body] of seen) {
        assert.deepEqual(body.atLoad, expected, `${name} at module load`);
        assert.deepEqual(body.now, expected, `${name} while serving`);
        assert.equal(body.warm, null, `${name}: the warm-start marker is gone`);
        assert.equal(body.entry, join('dist', 'worker-manager.js'), `${name} runs the package's bundle`);
        assert.deepEqual(body.packageModules, [join('dist', 'worker-manager.js')], `${name} loaded the package as one file`);
      }
    } finally {
      assert.equal((await app.stop()).code, 0);
    }
  });

  it('processes forked for workers the app did not ask for are gone once it serves', async () => {
    // The command line says 4, the app's own config says 2: the two spare processes are discarded.
    const app = await startWm(WARM, [], { env: { WM_WORKERS: '4', FIXTURE_WORKERS: '2' } });
    try {
      assert.match(app.output(), /WM-Server-1-0/);
      assert.doesNotMatch(app.output(), /WM-Server-2-0/);
      await until(() => descendants(app.pid).length === 2, 'only the two workers left under the manager', 5000);
    } finally {
      assert.equal((await app.stop()).code, 0);
    }
  });

  it('an app module that fails to load in the main process leaves no forked process behind', async () => {
    const marker = `WM_TEST_MARK=warm-${process.pid}-${Date.now()}`;
    const [key, value] = marker.split('=');
    const app = await startWm(join(FIXTURES, 'broken-module.js'), ['--workers', '4'], { env: { [key]: value }, waitForListening: false });
    const { code } = await app.exited;
    assert.equal(code, 1);
    assert.match(app.output(), /broken on purpose/);
    await until(() => processesMarked(marker).length === 0, 'every process of the failed start gone', 2000);
  });
});
