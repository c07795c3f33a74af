// Bundles what the extension ships: the extension host code, the language server, and the manager's runtime (one
// file that is the library, the CLI and every process the manager forks; see manager/esbuild.mjs) into dist/, with
// the tree-sitter wasm files the language server loads. Also builds the manager package's own runtime
// (manager/dist/worker-manager.js, its main module).
// `node esbuild.mjs --watch` rebuilds on change; `--production` minifies and drops source maps.
import * as esbuild from 'esbuild';
import { mkdirSync, copyFileSync, writeFileSync, chmodSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { managerBundles } from './manager/esbuild.mjs';

const require = createRequire(import.meta.url);
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
};
const bundles = [
  { ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { ...common, entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js' },
  ...managerBundles('dist', { bundleDependencies: true, production }),
  ...managerBundles('manager/dist'),
];

mkdirSync('dist', { recursive: true });
// The language server loads these next to dist/server.js; a missing one is a broken package, so fail loudly.
for (const wasm of ['web-tree-sitter/tree-sitter.wasm', 'tree-sitter-python/tree-sitter-python.wasm']) {
  const from = require.resolve(wasm);
  copyFileSync(from, join('dist', basename(from)));
}
// The CLI the extension runs for apps without a copy of worker-manager of their own (client/src/launch/node.ts).
writeFileSync('dist/wm.js', "#!/usr/bin/env node\n'use strict';\nrequire('./worker-manager.js').runCli(process.argv.slice(2));\n");
chmodSync('dist/wm.js', 0o755);

const contexts = await Promise.all(bundles.map((options) => esbuild.context(options)));
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
  console.log(`watching ${bundles.length} bundles`);
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}
