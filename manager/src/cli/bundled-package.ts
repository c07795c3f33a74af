/**
 * For the extension's bundled CLI (dist/wm.js) only: an app that imports 'worker-manager' but has no copy of its
 * own gets the one shipped next to the bundle (dist/worker-manager.js), from require() and from import.
 * A copy the app has installed always wins.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeImport } from '../module-loading';

type Resolve = (request: string, parent: unknown, isMain: boolean, options: unknown) => string;

export function provideBundledPackage(bundleDir: string): void {
  const Module = require('node:module') as { _resolveFilename: Resolve; register?: (url: string) => void };
  const shipped = join(bundleDir, 'worker-manager.js');
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function (request, parent, isMain, options) {
    try {
      return resolveFilename.call(this, request, parent, isMain, options);
    } catch (error) {
      if (request === 'worker-manager' && (error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return shipped;
      throw error;
    }
  };
  // ES modules resolve through loader hooks (Node 20.6+). Registering one starts the loader's thread (about
  // 40 ms in every worker), so only when an ES module is about to be loaded.
  beforeImport(() => Module.register?.(pathToFileURL(join(bundleDir, 'wm-resolve.mjs')).href));
}
