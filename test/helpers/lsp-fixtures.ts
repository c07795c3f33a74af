/** Fixtures for the language server: files annotated with the diagnostics they must produce. */
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver-protocol/node';
import { REPO, offsetAt } from './lsp-client';

export const FIXTURES = join(REPO, 'test', 'fixtures', 'server');

export interface Fixture {
  name: string;
  path: string;
  uri: string;
  languageId: string;
  text: string;
}

export function languageIdOf(path: string): string {
  const ext = extname(path);
  if (ext === '.py') return 'python';
  if (ext === '.ts' || ext === '.mts' || ext === '.cts') return 'typescript';
  return 'javascript';
}

export function fixtures(dir: 'python' | 'ts'): Fixture[] {
  const root = join(FIXTURES, dir);
  return readdirSync(root)
    .filter((f) => /\.(py|ts|js|mjs|cjs)$/.test(f))
    .sort()
    .map((name) => {
      const path = join(root, name);
      return { name: `${dir}/${name}`, path, uri: pathToFileURL(path).href, languageId: languageIdOf(path), text: readFileSync(path, 'utf8') };
    });
}

/**
 * Expected diagnostics, from trailing comments: `# expect: WM-D1[app.run], WM-D4` (Python) or `// expect: ...`.
 * The bracketed text, when given, is exactly the text the diagnostic's range must cover. As "line:code[text]".
 */
export function expectations(text: string): string[] {
  const out: string[] = [];
  text.split(/\r\n|\r|\n/).forEach((line, i) => {
    const m = /(?:#|\/\/)\s*expect:\s*(.*)$/.exec(line);
    if (!m) return;
    for (const item of m[1].split(/,\s*(?=WM-D\d)/)) {
      const e = /^(WM-D\d)(?:\[(.*)\])?\s*$/.exec(item.trim());
      if (!e) throw new Error(`bad expectation on line ${i + 1}: ${item}`);
      out.push(e[2] === undefined ? `${i + 1}:${e[1]}` : `${i + 1}:${e[1]}[${e[2]}]`);
    }
  });
  return out.sort();
}

/** What the server said, in the form of the expectations (with the covered text where one was expected). */
export function actual(text: string, diagnostics: Diagnostic[], expected: string[]): string[] {
  return diagnostics
    .map((d) => {
      const line = d.range.start.line + 1;
      const covered = text.slice(offsetAt(text, d.range.start.line, d.range.start.character), offsetAt(text, d.range.end.line, d.range.end.character));
      const bare = `${line}:${String(d.code)}`;
      return expected.includes(bare) ? bare : `${bare}[${covered}]`;
    })
    .sort();
}
