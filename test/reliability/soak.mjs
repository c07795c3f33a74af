// `npm run soak`: the long forms of the reliability suite (WM_SOAK=1): chaos for 60 s, 1,000 restarts and reloads,
// 20,000 mutated inspector requests; the other reliability tests as in the short run. One file at a time.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = join(root, 'out', 'test', 'reliability');
const only = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.test.js'))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .map((f) => join(dir, f));
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...files], {
  stdio: 'inherit',
  cwd: root,
  env: { ...process.env, WM_SOAK: '1' },
});
process.exit(r.status ?? 1);
