/**
 * The server as a process: transports (stdio, node IPC, the esbuild bundle with its wasm), incremental sync
 * against fresh parses, debounce and dropping stale work, settings, UTF-16 positions, hover, close.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import * as esbuild from 'esbuild';
import type { Diagnostic, MarkupContent } from 'vscode-languageserver-protocol/node';
import { LspSession, REPO, offsetAt, positionAt } from '../helpers/lsp-client';

const PY = `from multiprocessing import Queue
from sanic import Sanic

app = Sanic("app")
jobs = Queue()
app.run()
`;
const sessions: LspSession[] = [];
async function start(options: Parameters<typeof LspSession.start>[0] = {}): Promise<LspSession> {
  const s = await LspSession.start(options);
  sessions.push(s);
  return s;
}
after(async () => {
  for (const s of sessions) assert.equal(await s.stop(), 0);
});

const summary = (ds: Diagnostic[]): string[] => ds.map((d) => `${String(d.code)}@${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}`);
let n = 0;
const uri = (ext: string): string => `file:///tmp/wm-server-test-${++n}.${ext}`;

describe('transports', () => {
  test('stdio', async () => {
    const s = await start({ transport: 'stdio' });
    assert.deepEqual(summary(await s.openAndWait(uri('py'), 'python', PY)), ['WM-D4@4:7-4:14', 'WM-D1@5:0-5:7']);
  });

  test('node IPC', async () => {
    const s = await start({ transport: 'ipc' });
    assert.deepEqual(summary(await s.openAndWait(uri('py'), 'python', PY)), ['WM-D4@4:7-4:14', 'WM-D1@5:0-5:7']);
  });

  test('the esbuild bundle finds the tree-sitter wasm files next to itself', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wm-lsp-bundle-'));
    try {
      await esbuild.build({ entryPoints: [join(REPO, 'server/src/server.ts')], outfile: join(dir, 'server.js'), bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'silent' });
      copyFileSync(join(REPO, 'node_modules/web-tree-sitter/tree-sitter.wasm'), join(dir, 'tree-sitter.wasm'));
      copyFileSync(join(REPO, 'node_modules/tree-sitter-python/tree-sitter-python.wasm'), join(dir, 'tree-sitter-python.wasm'));
      const s = await start({ transport: 'ipc', serverPath: join(dir, 'server.js') });
      assert.deepEqual(summary(await s.openAndWait(uri('py'), 'python', PY)), ['WM-D4@4:7-4:14', 'WM-D1@5:0-5:7']);
      assert.equal(await s.stop(), 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('incremental sync', () => {
  test('every version is diagnosed as a fresh parse of the same text would be', async () => {
    const s = await start();
    const doc = uri('py');
    await s.openAndWait(doc, 'python', PY);
    const edits: Array<[number, number, string]> = [
      [5, 0, 'if __name__ == "__main__":\n    '], // guard the run call
      [4, 0, '# '], // comment the queue out
      [4, 0, ''],
      [3, 0, 'app.m.restt()\n'], // a typo at module level
      [3, 7, 'ar'], // restt -> restart... mid-identifier
      [0, 0, 'x = "😀é"; '], // non-ASCII before everything
    ];
    for (const [line, character, text] of edits) {
      const at = { line, character };
      const v = await s.change(doc, [{ range: { start: at, end: at }, text }]);
      const incremental = (await s.diagnosticsFor(doc, v)).diagnostics;
      const fresh = await s.openAndWait(uri('py'), 'python', s.text(doc));
      assert.deepEqual(summary(incremental), summary(fresh), `after inserting ${JSON.stringify(text)}`);
    }
    // A deletion across lines and a replacement of the whole text.
    const text = s.text(doc);
    const v1 = await s.change(doc, [{ range: { start: positionAt(text, 0), end: positionAt(text, text.indexOf('app =')) }, text: '' }]);
    assert.deepEqual(summary((await s.diagnosticsFor(doc, v1)).diagnostics), summary(await s.openAndWait(uri('py'), 'python', s.text(doc))));
    const v2 = await s.replaceAll(doc, PY);
    assert.deepEqual(summary((await s.diagnosticsFor(doc, v2)).diagnostics), ['WM-D4@4:7-4:14', 'WM-D1@5:0-5:7']);
  });

  test('several changes in one notification, TypeScript', async () => {
    const s = await start();
    const doc = uri('ts');
    const ts = "import { App } from 'worker-manager';\nconst app = new App('x');\n";
    assert.deepEqual(await s.openAndWait(doc, 'typescript', ts), []);
    const end = { line: 2, character: 0 };
    const v = await s.change(doc, [
      { range: { start: end, end }, text: 'app.run();\n' },
      { range: { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } }, text: 'app.m.restt();\n' },
    ]);
    assert.deepEqual(summary((await s.diagnosticsFor(doc, v)).diagnostics), ['WM-D1@2:0-2:7', 'WM-D7@3:6-3:11']);
  });
});

describe('debounce and stale work', () => {
  test('diagnostics come one debounce after the last edit, and only for the last of a burst', async () => {
    const debounceMs = 150;
    const s = await start({ debounceMs });
    const doc = uri('py');
    await s.openAndWait(doc, 'python', PY);
    const versions: number[] = [];
    let sentLast = 0;
    for (let i = 0; i < 5; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 30));
      sentLast = performance.now();
      versions.push(await s.change(doc, [{ range: { start: { line: 6, character: 0 }, end: { line: 6, character: 0 } }, text: `x${i} = 1\n` }]));
    }
    const last = await s.diagnosticsFor(doc, versions[versions.length - 1], 5000);
    const took = last.at - sentLast;
    assert.ok(took >= debounceMs - 20, `not before the debounce (${took.toFixed(0)} ms)`);
    assert.ok(took < debounceMs + 400, `within one debounce (${took.toFixed(0)} ms)`);
    await new Promise((r) => setTimeout(r, debounceMs * 2));
    const published = (s.published.get(doc) ?? []).map((p) => p.version);
    for (const v of versions.slice(0, -1)) assert.ok(!published.includes(v), `stale version ${v} was not published`);
  });
});

describe('settings', () => {
  test('workspace/configuration: a rule can be turned off or down, and a change is applied', async () => {
    const s = await start({ settings: { diagnostics: { severity: { 'WM-D4': 'off', 'wm-d1': 'hint', 'WM-D7': 'nonsense' } } } });
    const doc = uri('py');
    const ds = await s.openAndWait(doc, 'python', `${PY}app.m.restt()\n`);
    assert.deepEqual(ds.map((d) => [d.code, d.severity]), [['WM-D1', 4], ['WM-D7', 1]]);
    const before = s.published.get(doc)!.length;
    await s.pushSettings({ diagnostics: { severity: { 'WM-D1': 'warning' } } });
    const republished = await s.waitFor(() => s.published.get(doc)!.slice(before)[0], 5000, 'republish');
    assert.deepEqual(republished.diagnostics.map((d) => [d.code, d.severity]), [['WM-D4', 2], ['WM-D1', 2], ['WM-D7', 1]]);
  });

  test('clients without workspace/configuration push settings instead', async () => {
    const s = await start({ pull: false, settings: { diagnostics: { severity: { 'WM-D1': 'off' } } } });
    const doc = uri('py');
    assert.deepEqual((await s.openAndWait(doc, 'python', PY)).map((d) => d.code), ['WM-D4']);
    const before = s.published.get(doc)!.length;
    await s.pushSettings({ diagnostics: { severity: { 'WM-D4': 'information' } } });
    const republished = await s.waitFor(() => s.published.get(doc)!.slice(before)[0], 5000, 'republish');
    assert.deepEqual(republished.diagnostics.map((d) => [d.code, d.severity]), [['WM-D4', 3], ['WM-D1', 1]]);
  });
});

describe('positions', () => {
  test('UTF-16 columns after non-ASCII text, CRLF and tabs (Python)', async () => {
    const s = await start();
    const text = 'from sanic import Sanic\r\n\r\napp = Sanic("名前")\r\nif True:\r\n\tx = "😀é"; app.run()  # 🎉\r\n';
    const [d] = await s.openAndWait(uri('py'), 'python', text);
    const line = text.split('\r\n')[4];
    assert.equal(d.code, 'WM-D1');
    assert.deepEqual(d.range, { start: { line: 4, character: line.indexOf('app.run') }, end: { line: 4, character: line.indexOf('app.run') + 7 } });
  });

  test('CR-only line ends (old Mac files): the same diagnostics as with \\n, also after edits around a \\r', async () => {
    const s = await start();
    const lf = 'from multiprocessing import Queue\nfrom sanic import Sanic\n\napp = Sanic("x")\nif True:\n    jobs = Queue()\nif __name__ == "__main__":\n    app.run()\napp.run()\n';
    const cr = lf.replace(/\n/g, '\r');
    const expected = ['WM-D4@5:11-5:18', 'WM-D1@8:0-8:7'];
    assert.deepEqual(summary(await s.openAndWait(uri('py'), 'python', lf)), expected);
    const doc = uri('py');
    assert.deepEqual(summary(await s.openAndWait(doc, 'python', cr)), expected);
    // \r + an inserted \n is one line end, not two; removing the \n again splits nothing.
    const at = { line: 4, character: 0 };
    const v1 = await s.change(doc, [{ range: { start: at, end: at }, text: '\n' }]);
    assert.deepEqual(summary((await s.diagnosticsFor(doc, v1)).diagnostics), expected);
    const v2 = await s.change(doc, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: 'x = 1\r' }]);
    assert.deepEqual(summary((await s.diagnosticsFor(doc, v2)).diagnostics), summary(await s.openAndWait(uri('py'), 'python', s.text(doc))));
    const ts = "import { App, WorkerManager } from 'worker-manager';\rconst app = new App('x');\rif (require.main === module) {\r  await app.run();\r  WorkerManager.THRESHOLD = 600;\r}\r";
    const [d6] = await s.openAndWait(uri('mts'), 'typescript', ts);
    assert.equal(d6.code, 'WM-D6');
    assert.equal(d6.range.start.line, 4);
    assert.match(String(d6.message), /on line 4,/);
  });

  test('UTF-16 columns after non-ASCII text, CRLF and tabs (TypeScript)', async () => {
    const s = await start();
    const text = "import { App } from 'worker-manager';\r\nconst app = new App('名前');\r\n\tconst s = '😀'; app.run();\r\n";
    const [d] = await s.openAndWait(uri('ts'), 'typescript', text);
    const line = text.split('\r\n')[2];
    assert.deepEqual(d.range.start, { line: 2, character: line.indexOf('app.run') });
  });
});

describe('hover, close, other languages', () => {
  test('hover explains worker-manager APIs', async () => {
    const s = await start();
    const py = 'from sanic import Sanic\napp = Sanic("h")\n\n@app.get("/")\nasync def h(request):\n    request.app.m.restart()\n    request.app.shared_ctx.q.put(1)\n';
    const doc = uri('py');
    await s.openAndWait(doc, 'python', py);
    const restart = await s.hover(doc, 5, 20);
    assert.match((restart?.contents as MarkupContent).value, /zero_downtime/);
    const shared = await s.hover(doc, 6, 17);
    assert.match((shared?.contents as MarkupContent).value, /main_process_start/);
    assert.equal(await s.hover(doc, 4, 12), null);
    const ts = "import { App } from 'worker-manager';\nconst app = new App('h');\napp.mainProcessStart((app) => { app.sharedCtx; });\n";
    const tsDoc = uri('ts');
    await s.openAndWait(tsDoc, 'typescript', ts);
    assert.match(((await s.hover(tsDoc, 2, 6))?.contents as MarkupContent).value, /sharedCtx/);
  });

  test('closing a document clears its diagnostics; other languages are ignored', async () => {
    const s = await start();
    const doc = uri('py');
    assert.equal((await s.openAndWait(doc, 'python', PY)).length, 2);
    await s.close(doc);
    await s.waitFor(() => (s.published.get(doc)!.at(-1)!.diagnostics.length === 0 ? true : undefined), 5000, 'cleared diagnostics');
    const txt = uri('txt');
    await s.open(txt, 'plaintext', 'app.run()');
    // A request after the open is answered after it: by then nothing was published for the text file.
    await s.hover(txt, 0, 0);
    assert.equal(s.published.get(txt), undefined);
  });

  test('a file too large to be an app gets no diagnostics, quickly', async () => {
    const s = await start();
    const big = `${PY}${'x = 1\n'.repeat(1_400_000)}`;
    const t0 = performance.now();
    assert.deepEqual(await s.openAndWait(uri('py'), 'python', big, 20_000), []);
    assert.ok(performance.now() - t0 < 5000);
    assert.equal(offsetAt(big, 5, 0), big.indexOf('app.run'));
  });
});

describe('suppression comments', () => {
  // Each of these took seconds (the comment's code list was matched with a backtracking pattern) and blocked the server.
  const LONG = 100_000;
  const cases: Array<[string, string, string, string[]]> = [
    ['a noqa comment with a long tail', 'py', `from sanic import Sanic\napp = Sanic("x")\napp.run()  # noqa: x ${'a'.repeat(LONG)}\n`, ['WM-D1']],
    ['a noqa code list with a long tail', 'py', `from sanic import Sanic\napp = Sanic("x")\napp.run()  # noqa: WM-D1 ${'E5'.repeat(LONG / 2)}x\n`, []],
    ['blanks after wm-ignore', 'ts', `import { App } from 'worker-manager';\nconst app = new App('x');\napp.run(); // wm-ignore${' '.repeat(LONG)}x\n`, []],
    ['many wm-ignore markers on one line', 'ts', `import { App } from 'worker-manager';\nconst app = new App('x');\napp.run(); ${'// wm-ignore WM-D2 '.repeat(LONG / 5)}\n`, ['WM-D1']],
  ];
  for (const [name, ext, text, expected] of cases) {
    test(`${name} is read in bounded time`, async () => {
      const s = await start();
      const t0 = performance.now();
      const ds = await s.openAndWait(uri(ext), ext === 'py' ? 'python' : 'typescript', text);
      const took = performance.now() - t0;
      assert.deepEqual(ds.map((d) => d.code), expected);
      assert.ok(took < 1500, `answered in ${took.toFixed(0)} ms`);
    });
  }
});
