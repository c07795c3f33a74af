// Builds the package's runtime into dist/ (tsc writes the typings and the per-module build beside it):
// - worker-manager.js: the package's main module, one file holding the library, the `wm` CLI (bin/wm.js) and what
//   every process the manager forks runs. The manager forks this very file, so a worker loads one file and the
//   app's own require('worker-manager') finds it in the cache (compiled, it was some thirty modules: about 20 ms of
//   CPU in every process).
// - wm-resolve.mjs: the ES-module resolve hook that lends the bundle to an app without a copy of its own.
// `node esbuild.mjs` builds both; the extension's build (../esbuild.mjs) uses managerBundles() for its own copy.
import * as esbuild from 'esbuild';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

/**
 * esbuild options for the runtime, written to `outDir`. `bundleDependencies`: put chokidar in the bundle too (the
 * extension ships no node_modules); the npm package leaves it to npm.
 */
export function managerBundles(outDir, { bundleDependencies = false, production = false } = {}) {
  const common = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    sourcemap: !production,
    minify: production,
    logLevel: 'warning',
    // Tells the code it runs bundled: it forks itself (main/entry-path.ts) and lends itself (cli/bundled-package.ts).
    define: { 'process.env.WM_BUNDLED': '"1"' },
  };
  return [
    {
      ...common,
      entryPoints: [join(here, 'src', 'index.ts')],
      outfile: join(outDir, 'worker-manager.js'),
      format: 'cjs',
      external: bundleDependencies ? [] : ['chokidar'],
    },
    { ...common, entryPoints: [join(here, 'src', 'cli', 'esm-resolve-hook.mts')], outfile: join(outDir, 'wm-resolve.mjs'), format: 'esm' },
  ];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await Promise.all(managerBundles(join(here, 'dist')).map((options) => esbuild.build(options)));
}
