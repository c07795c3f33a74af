/**
 * Loads a user's module the cheapest way that is right for it: require() for CommonJS (no ES module loader to
 * start in every worker), import() for ES modules and anything require() refuses. The result always has the
 * shape of an ES module namespace: module.exports as `default`, plus its keys.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

let beforeFirstImport: (() => void) | undefined;

/**
 * Runs `prepare` once, just before the first module is loaded with import(). For set-up that only ES modules
 * need and that costs time in every process (loader hooks start a thread of their own).
 */
export function beforeImport(prepare: () => void): void {
  beforeFirstImport = prepare;
}

export async function loadModule(file: string): Promise<Record<string, unknown>> {
  if (isCommonJs(file)) {
    try {
      const exports: unknown = require(file);
      const named = typeof exports === 'object' && exports !== null ? (exports as Record<string, unknown>) : {};
      return { ...named, default: exports };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ERR_REQUIRE_ESM') throw error;
    }
  }
  const prepare = beforeFirstImport;
  beforeFirstImport = undefined;
  prepare?.();
  return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
}

/** .cjs, or .js outside a `"type": "module"` package. TypeScript goes through import(), where loaders hook in. */
function isCommonJs(file: string): boolean {
  const ext = extname(file);
  if (ext === '.cjs') return true;
  if (ext !== '.js') return false;
  return packageType(dirname(file)) !== 'module';
}

const typeByDir = new Map<string, string | undefined>();
function packageType(dir: string): string | undefined {
  if (typeByDir.has(dir)) return typeByDir.get(dir);
  let type: string | undefined;
  const manifest = join(dir, 'package.json');
  if (existsSync(manifest)) {
    try {
      type = (JSON.parse(readFileSync(manifest, 'utf8')) as { type?: string }).type;
    } catch {
      type = undefined; // an unreadable package.json: Node would treat the file as CommonJS too
    }
  } else if (dirname(dir) !== dir) {
    type = packageType(dirname(dir));
  }
  typeByDir.set(dir, type);
  return type;
}
