// Bundles what the extension ships: the extension host code, the language server, and the manager CLI
// (with its worker entry) into dist/, plus the tree-sitter wasm files the language server loads.
// `node esbuild.mjs --watch` rebuilds on change; `--production` minifies and drops source maps.
import * as esbuild from 'esbuild';
import { existsSync, mkdirSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';

const require = createRequire(import.meta.url);
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const bundles = [
  { entry: 'client/src/extension.ts', out: 'dist/extension.js', external: ['vscode'] },
  { entry: 'server/src/server.ts', out: 'dist/server.js' },
  { entry: 'manager/src/cli/main.ts', out: 'dist/wm.js', banner: '#!/usr/bin/env node' },
  { entry: 'manager/src/worker/entry.ts', out: 'dist/wm-worker.js' },
  // What an app without its own copy of worker-manager imports when run by dist/wm.js (cli/bundled-package.ts).
  { entry: 'manager/src/index.ts', out: 'dist/worker-manager.js' },
  { entry: 'manager/src/cli/esm-resolve-hook.mts', out: 'dist/wm-resolve.mjs', format: 'esm' },
].filter((b) => existsSync(b.entry));

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  // The manager looks for its worker entry next to itself; in the bundle that is dist/wm-worker.js.
  define: { 'process.env.WM_BUNDLED': '"1"' },
};

mkdirSync('dist', { recursive: true });
// The language server loads these next to dist/server.js; a missing one is a broken package, so fail loudly.
for (const wasm of ['web-tree-sitter/tree-sitter.wasm', 'tree-sitter-python/tree-sitter-python.wasm']) {
  const from = require.resolve(wasm);
  copyFileSync(from, join('dist', basename(from)));
}

const contexts = await Promise.all(
  bundles.map((b) =>
    esbuild.context({
      ...common,
      entryPoints: [b.entry],
      outfile: b.out,
      external: b.external ?? [],
      format: b.format ?? common.format,
      banner: b.banner ? { js: b.banner } : undefined,
    }),
  ),
);
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
  console.log(`watching ${bundles.length} bundles`);
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}
