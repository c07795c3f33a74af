/**
 * Fuzz: the fixtures mutated by a seeded PRNG (deletions, insertions of code fragments, binary junk, lone
 * surrogates, CRLF, duplicated chunks), sent as incremental edits. The server must answer every version within a
 * bound, with ranges inside the document, agree with a fresh parse of the same text, log no error, and stay up.
 * Then huge and pathological files. WM_FUZZ_SEED=<n> replays another seed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Diagnostic, TextDocumentContentChangeEvent } from 'vscode-languageserver-protocol/node';
import { LspSession, positionAt } from '../helpers/lsp-client';
import { fixtures, type Fixture } from '../helpers/lsp-fixtures';

const SEED = Number(process.env.WM_FUZZ_SEED ?? 20240611);
const STEPS = 24;
const ANSWER_WITHIN_MS = 5000;

/** mulberry32: small, seedable, good enough to pick edits. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FRAGMENTS = [
  'app.run()', 'app.prepare()\nSanic.serve()\n', 'app.shared_ctx.q = Queue()\n', 'app.sharedCtx.q = new Queue();\n', 'app.m.restt()',
  'app.manager.manager.management(', 'transitent=True', '@app.main_process_start\n', 'async def f(app):\n    ', 'app.mainProcessStart((app) => {',
  'if __name__ == "__main__":\n    ', 'if (require.main === module) {\n', 'else:\n', '} else {', 'lambda: ', '=> ', 'def ', 'class X:\n',
  'import multiprocessing as mp\n', "const { App } = require('worker-manager');\n", '(', ')', '[', ']', '{', '}', ':', ',', '.', '=', '"', "'", '"""',
  '`', '${', '#', '# noqa', '// wm-ignore', '/*', '*/', '\\', '\n', '\r\n', '\r', '\t', '    ', '😀', 'é', '名前', '\u0000', '\uFFFD', '\uD800', '\uDC00',
];

interface Doc {
  session: LspSession;
  uri: string;
  languageId: string;
}

function checkRanges(text: string, ds: Diagnostic[], context: string): void {
  const lines = text.split(/\r\n|\r|\n/);
  for (const d of ds) {
    const { start, end } = d.range;
    assert.ok(start.line < lines.length && end.line < lines.length, `${context}: line out of range ${JSON.stringify(d.range)}`);
    assert.ok(start.character <= lines[start.line].length && end.character <= lines[end.line].length, `${context}: character out of range`);
    assert.ok(start.line < end.line || (start.line === end.line && start.character <= end.character), `${context}: reversed range`);
  }
}

const summary = (ds: Diagnostic[]): string[] => ds.map((d) => `${String(d.code)}@${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}`);

/** One random edit of `text`, as an LSP change. */
function mutation(text: string, rnd: () => number): TextDocumentContentChangeEvent {
  const at = Math.floor(rnd() * (text.length + 1));
  const pick = rnd();
  const range = (start: number, end: number) => ({ start: positionAt(text, start), end: positionAt(text, end) });
  if (pick < 0.3) return { range: range(at, at), text: FRAGMENTS[Math.floor(rnd() * FRAGMENTS.length)] };
  if (pick < 0.55) return { range: range(at, Math.min(text.length, at + 1 + Math.floor(rnd() * 40))), text: '' };
  if (pick < 0.7) {
    const junk = Array.from({ length: 1 + Math.floor(rnd() * 24) }, () => String.fromCharCode(Math.floor(rnd() * 0x10000))).join('');
    return { range: range(at, Math.min(text.length, at + Math.floor(rnd() * 8))), text: junk };
  }
  if (pick < 0.8) {
    const from = Math.floor(rnd() * text.length);
    return { range: range(at, at), text: text.slice(from, from + Math.floor(rnd() * 200)) };
  }
  if (pick < 0.85) return { text: text.replace(/\r?\n/g, '\r\n') };
  if (pick < 0.9) return { text: text.replace(/\r\n/g, '\n') };
  // type a fragment one character at a time, as a user would
  return { range: range(at, at), text: FRAGMENTS[Math.floor(rnd() * FRAGMENTS.length)].slice(0, 1) };
}

let session: LspSession;
let fresh = 0;
before(async () => {
  session = await LspSession.start();
});
after(async () => {
  assert.equal(session.exitCode, undefined, 'the server is still running');
  assert.deepEqual(session.logs, [], 'the server logged no error');
  assert.equal(await session.stop(), 0);
});

async function freshDiagnostics(doc: Doc, text: string): Promise<Diagnostic[]> {
  const uri = doc.uri.replace(/(\.[a-z]+)$/, `.fresh${++fresh}$1`);
  const d = await doc.session.openAndWait(uri, doc.languageId, text, ANSWER_WITHIN_MS);
  await doc.session.close(uri);
  return d;
}

describe(`fuzzed edits (seed ${SEED})`, () => {
  const all: Fixture[] = [...fixtures('python'), ...fixtures('ts')];
  all.forEach((f, index) => {
    test(f.name, async () => {
      const rnd = prng(SEED + index);
      const doc: Doc = { session, uri: f.uri.replace(/(\.[a-z]+)$/, `.fuzz$1`), languageId: f.languageId };
      await session.openAndWait(doc.uri, doc.languageId, f.text, ANSWER_WITHIN_MS);
      for (let step = 1; step <= STEPS; step++) {
        const change = mutation(session.text(doc.uri), rnd);
        const sent = performance.now();
        const v = await session.change(doc.uri, [change]);
        const published = await session.diagnosticsFor(doc.uri, v, ANSWER_WITHIN_MS);
        assert.ok(published.at - sent < ANSWER_WITHIN_MS, `answered in ${(published.at - sent).toFixed(0)} ms`);
        const text = session.text(doc.uri);
        checkRanges(text, published.diagnostics, `${f.name} step ${step}`);
        if (step % 6 === 0) assert.deepEqual(summary(published.diagnostics), summary(await freshDiagnostics(doc, text)), `${f.name} step ${step}: incremental = fresh`);
      }
      // A burst without waiting: only the last version has to be answered, and it must match a fresh parse.
      let last = 0;
      for (let i = 0; i < 15; i++) last = await session.change(doc.uri, [mutation(session.text(doc.uri), rnd)]);
      const final = await session.diagnosticsFor(doc.uri, last, ANSWER_WITHIN_MS);
      assert.deepEqual(summary(final.diagnostics), summary(await freshDiagnostics(doc, session.text(doc.uri))), `${f.name}: after a burst`);
      await session.close(doc.uri);
    });
  });
});

describe('huge and pathological files', () => {
  const cases: Array<[string, string, () => string]> = [
    ['50,000 lines of Python', 'python', () => Array.from({ length: 2000 }, (_, i) => `@app.get("/${i}")\nasync def h${i}(request):\n    request.app.m.restart()\n    return {"i": ${i}}\n\nq${i} = Queue()\n\n`).join('').replace(/^/, 'from multiprocessing import Queue\nfrom sanic import Sanic\napp = Sanic("huge")\n')],
    ['50,000 lines of TypeScript', 'typescript', () => "import { App, Queue } from 'worker-manager';\nconst app = new App('huge');\n" + Array.from({ length: 5000 }, (_, i) => `export function h${i}(x: number) {\n  if (x > ${i}) {\n    app.m.restart();\n  }\n  return x;\n}\nconst q${i} = new Queue();\n\n\n`).join('')],
    ['deeply nested brackets (Python)', 'python', () => 'from sanic import Sanic\napp = Sanic("x")\nx = ' + '('.repeat(20000) + 'app.run()' + ')'.repeat(20000) + '\n'],
    ['deeply nested brackets (TS)', 'typescript', () => "import { App } from 'worker-manager';\nconst app = new App('x');\nconst x = " + '['.repeat(20000) + 'app.run()' + ']'.repeat(20000) + ';\n'],
    ['one 400 kB line', 'python', () => 'from sanic import Sanic\napp = Sanic("x"); ' + 'app.run(); '.repeat(5_000) + 'x = [1, 2]; '.repeat(30_000)],
    ['16,000 findings on one line with a noqa', 'python', () => 'from multiprocessing import Queue\nfrom sanic import Sanic\napp = Sanic("x")\n' + Array.from({ length: 8000 }, (_, i) => `app.shared_ctx.q${i} = Queue(); `).join('') + '# noqa: WM-D4\n'],
    ['binary junk', 'python', () => {
      const rnd = prng(SEED);
      return Array.from({ length: 100_000 }, () => String.fromCharCode(Math.floor(rnd() * 0x10000))).join('');
    }],
    ['binary junk (TS)', 'typescript', () => {
      const rnd = prng(SEED + 1);
      return Array.from({ length: 100_000 }, () => String.fromCharCode(Math.floor(rnd() * 256))).join('');
    }],
  ];
  for (const [name, languageId, make] of cases) {
    test(name, async () => {
      const text = make();
      const uri = `file:///tmp/wm-fuzz-${name.replace(/\W+/g, '-')}.${languageId === 'python' ? 'py' : 'ts'}`;
      const t0 = performance.now();
      const ds = await session.openAndWait(uri, languageId, text, 15_000);
      assert.ok(performance.now() - t0 < 15_000);
      checkRanges(text, ds, name);
      const rnd = prng(SEED + 7);
      for (let i = 0; i < 3; i++) {
        const sent = performance.now();
        const v = await session.change(uri, [mutation(session.text(uri), rnd)]);
        const p = await session.diagnosticsFor(uri, v, ANSWER_WITHIN_MS);
        assert.ok(p.at - sent < ANSWER_WITHIN_MS);
        checkRanges(session.text(uri), p.diagnostics, `${name} edit ${i}`);
      }
      await session.close(uri);
    });
  }
});
