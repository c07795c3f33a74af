// Runs every compiled unit/integration test (out/test/**/*.test.js) with Node's test runner,
// then the end-to-end suite in a real VS Code unless WM_SKIP_E2E=1.
// Usage: node test/run.mjs [area ...]   (areas: manager, server, reliability, ...; default all)
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outTest = join(root, 'out', 'test');
const areas = process.argv.slice(2);

function collect(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return collect(p);
    return name.endsWith('.test.js') ? [p] : [];
  });
}

const files = collect(outTest)
  .filter((f) => !relative(outTest, f).startsWith('e2e'))
  .filter((f) => areas.length === 0 || areas.some((a) => relative(outTest, f).startsWith(a)))
  .sort();
if (files.length === 0) {
  console.error('no compiled tests found under out/test; run `npm run build` first');
  process.exit(1);
}
// Integration tests start real process trees and load generators; on 2 cores, two files at once is the most
// that keeps timing-sensitive assertions honest.
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...files], { stdio: 'inherit', cwd: root });
let status = r.status ?? 1;

const e2e = join(root, 'test', 'e2e', 'run.sh');
if (status === 0 && areas.length === 0 && process.env.WM_SKIP_E2E !== '1' && existsSync(e2e)) {
  const e = spawnSync('bash', [e2e], { stdio: 'inherit', cwd: root });
  status = e.status ?? 1;
}
process.exit(status);
