// Language-server benchmark (issue 4): on generated Python (Sanic) and TypeScript apps of 1,000, 10,000 and 50,000
// lines, the time from a one-character edit to the published diagnostics, and a full check (didOpen to
// diagnostics), against the bare parse time measured in this same run (tree-sitter for Python,
// ts.createSourceFile for TS) — the floor. Goal: an edit of a 10,000-line file answers within 2x its parse time.
// The server runs as a real process over stdio with the debounce set to 0, so the debounce is not measured.
// Writes test/bench/results/lsp.md and lsp.json. Needs a build (`npx tsc -b server test/server`).
//   node test/bench/lsp.mjs [--quick]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const HELPER = join(ROOT, 'out', 'test', 'helpers', 'lsp-client.js');
const SERVER = join(ROOT, 'server', 'out', 'server.js');
for (const f of [HELPER, SERVER]) {
  if (!existsSync(f)) {
    console.error(`${f} is missing: build first (npx tsc -b server test/server)`);
    process.exit(2);
  }
}
const { LspSession, positionAt } = require(HELPER);
const ts = require('typescript');
const TreeSitter = require('web-tree-sitter');

const QUICK = process.argv.includes('--quick');
const SIZES = [1_000, 10_000, 50_000];
const EDITS = QUICK ? 8 : 24;
const WARMUP_EDITS = 4;
const PARSES = QUICK ? 3 : 7;
const OPENS = QUICK ? 2 : 4;
const RESULTS = join(ROOT, 'test', 'bench', 'results');
const log = (...a) => process.stderr.write(`[lsp-bench] ${a.join(' ')}\n`);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

// ---------------------------------------------------------------- generated apps

/** A Sanic app: routes, listeners, a blueprint, helpers; a few worker-manager mistakes so rules have work. */
function pythonApp(lines) {
  const head = [
    'import asyncio',
    'from multiprocessing import Queue, Value',
    '',
    'from sanic import Blueprint, Request, Sanic, json',
    'from sanic.worker.manager import WorkerManager',
    '',
    'WorkerManager.THRESHOLD = 600',
    'app = Sanic("bench")',
    'bp = Blueprint("items")',
    'jobs = Queue()  # made at module level: WM-D4',
    '',
    '',
    '@app.main_process_start',
    'async def setup(app):',
    '    app.shared_ctx.queue = Queue()',
    '    app.shared_ctx.hits = Value("i", 0)',
    '',
  ];
  const block = (i) => [
    '',
    `@bp.get("/items/${i}")`,
    `async def item_${i}(request: Request, item_id: int = ${i}):`,
    `    """Return item ${i} with its tags."""`,
    `    data = {"id": item_id, "name": "item-${i}", "tags": [1, 2, 3]}`,
    '    if item_id > 10 and request.args.get("restart"):',
    '        request.app.m.restart(zero_downtime=True)',
    '    with request.app.shared_ctx.hits.get_lock():',
    '        request.app.shared_ctx.hits.value += 1',
    '    for k in range(3):',
    `        data[str(k)] = k * ${i}  # computed`,
    '    await asyncio.sleep(0)',
    '    return json(data)',
    '',
    '',
    `class Service${i}:`,
    `    def __init__(self, name="svc-${i}"):`,
    '        self.name = name',
    '',
    '    def describe(self):',
    `        return f"{self.name} #{${i}}"`,
  ];
  const tail = ['', '', 'app.blueprint(bp)', '', 'if __name__ == "__main__":', '    app.run(workers=4)'];
  const out = [...head];
  for (let i = 0; out.length + tail.length < lines; i++) out.push(...block(i));
  out.length = Math.min(out.length, lines - tail.length);
  return [...out, ...tail].join('\n') + '\n';
}

/** An app of our manager: handlers, listeners, helpers; a few mistakes. */
function typescriptApp(lines) {
  const head = [
    "import { App, Queue, Value, WorkerManager, isMain } from 'worker-manager';",
    "import type { IncomingMessage, ServerResponse } from 'node:http';",
    '',
    'WorkerManager.THRESHOLD = 600;',
    "const app = new App('bench', (req, res) => route(req, res));",
    'const jobs = new Queue(); // made at module level: WM-D4',
    '',
    'app.mainProcessStart((app) => {',
    '  app.sharedCtx.queue = new Queue();',
    '  app.sharedCtx.hits = new Value(0);',
    '});',
    '',
    'const routes = new Map<string, (req: IncomingMessage, res: ServerResponse) => void>();',
  ];
  const block = (i) => [
    '',
    `/** Item ${i} with its tags. */`,
    `export function item${i}(req: IncomingMessage, res: ServerResponse, id: number = ${i}): void {`,
    `  const data = { id, name: 'item-${i}', tags: [1, 2, 3] as number[] };`,
    "  if (id > 10 && req.headers['x-restart']) {",
    '    void app.m.restart({ zeroDowntime: true });',
    '  }',
    '  for (let k = 0; k < 3; k++) {',
    `    data.tags.push(k * ${i}); // computed`,
    '  }',
    '  res.end(JSON.stringify(data));',
    '}',
    `routes.set('/items/${i}', item${i});`,
    '',
    `export class Service${i} {`,
    `  constructor(readonly name = 'svc-${i}') {}`,
    `  describe(): string {`,
    `    return \`\${this.name} #${i}\`;`,
    '  }',
    '}',
  ];
  const tail = [
    '',
    'function route(req: IncomingMessage, res: ServerResponse): void {',
    "  (routes.get(req.url ?? '') ?? ((_q, r) => r.end('not found')))(req, res);",
    '}',
    '',
    'if (isMain(import.meta)) {',
    '  void app.run({ workers: 4 });',
    '}',
  ];
  const out = [...head];
  for (let i = 0; out.length + tail.length < lines; i++) out.push(...block(i));
  out.length = Math.min(out.length, lines - tail.length);
  return [...out, ...tail].join('\n') + '\n';
}

// ---------------------------------------------------------------- the floor: bare parse in this process

let pyParser;
async function pythonParser() {
  if (pyParser) return pyParser;
  await TreeSitter.Parser.init();
  const lang = await TreeSitter.Language.load(join(ROOT, 'node_modules', 'tree-sitter-python', 'tree-sitter-python.wasm'));
  pyParser = new TreeSitter.Parser();
  pyParser.setLanguage(lang);
  return pyParser;
}

async function parseFloor(language, text) {
  const times = [];
  const parse =
    language === 'python'
      ? await (async () => {
          const p = await pythonParser();
          return () => p.parse(text).delete();
        })()
      : () => ts.createSourceFile('bench.ts', text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  parse();
  parse(); // warm-up
  for (let i = 0; i < PARSES; i++) {
    const t0 = performance.now();
    parse();
    times.push(performance.now() - t0);
  }
  return median(times);
}

// ---------------------------------------------------------------- the server

function rssMb(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
    return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
  } catch {
    return { rss: NaN, peak: NaN };
  }
}

/** Deterministic positions for the edits: lines in the middle half of the file, inside a string or a comment. */
function editTargets(text, count, language) {
  const lines = text.split('\n');
  const marker = language === 'python' ? '# computed' : '// computed';
  const candidates = [];
  lines.forEach((l, i) => {
    const c = l.indexOf(marker);
    if (c !== -1 && i > lines.length / 4 && i < (lines.length * 3) / 4) candidates.push({ line: i, character: c + marker.length });
  });
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  return Array.from({ length: count }, () => candidates[Math.floor(rnd() * candidates.length)]);
}

async function measure(session, language, lines, text) {
  const ext = language === 'python' ? 'py' : 'ts';
  // Full check: didOpen of the whole file to its diagnostics (fresh documents each time).
  const opens = [];
  let diagnostics = 0;
  for (let i = 0; i < OPENS; i++) {
    const uri = `file:///bench/open-${lines}-${i}.${ext}`;
    const t0 = performance.now();
    const v = await session.open(uri, language, text);
    const p = await session.diagnosticsFor(uri, v, 120_000);
    opens.push(p.at - t0);
    diagnostics = p.diagnostics.length;
    await session.close(uri);
  }
  // Edits: type one character into a comment, then delete it, at different places; each waits for its version.
  const uri = `file:///bench/edit-${lines}.${ext}`;
  await session.diagnosticsFor(uri, await session.open(uri, language, text), 120_000);
  const targets = editTargets(text, WARMUP_EDITS + EDITS, language);
  const edits = [];
  for (let i = 0; i < targets.length; i++) {
    const at = targets[i];
    const insert = i % 2 === 0;
    const range = insert ? { start: at, end: at } : { start: at, end: { line: at.line, character: at.character + 1 } };
    const t0 = performance.now();
    const v = await session.change(uri, [{ range, text: insert ? 'x' : '' }]);
    const p = await session.diagnosticsFor(uri, v, 120_000);
    if (i >= WARMUP_EDITS) edits.push(p.at - t0);
    // the edit changes nothing the rules see: the same diagnostics must come back
    if (p.diagnostics.length !== diagnostics) throw new Error(`edit ${i} changed the diagnostics (${p.diagnostics.length} vs ${diagnostics})`);
  }
  await session.close(uri);
  return { open: median(opens), edit: median(edits), editMin: Math.min(...edits), editMax: Math.max(...edits), diagnostics };
}

// ---------------------------------------------------------------- main

const rows = [];
for (const language of ['python', 'typescript']) {
  const session = await LspSession.start({ debounceMs: 0 });
  try {
    for (const lines of SIZES) {
      const text = language === 'python' ? pythonApp(lines) : typescriptApp(lines);
      log(`${language} ${lines} lines (${Math.round(text.length / 1024)} KiB) ...`);
      const floor = await parseFloor(language, text);
      const m = await measure(session, language, lines, text);
      const mem = rssMb(session.child.pid);
      rows.push({
        language,
        lines,
        kib: Math.round(text.length / 1024),
        parseMs: round(floor),
        editMs: round(m.edit),
        editMinMs: round(m.editMin),
        editMaxMs: round(m.editMax),
        editOverParse: round(m.edit / floor, 2),
        fullCheckMs: round(m.open),
        fullOverParse: round(m.open / floor, 2),
        diagnostics: m.diagnostics,
        serverRssMb: round(mem.rss, 0),
        serverPeakRssMb: round(mem.peak, 0),
      });
    }
  } finally {
    await session.stop();
  }
}

const goalRows = rows.filter((r) => r.lines === 10_000);
const goal = { description: 'an edit of a 10,000-line file answers within 2x its parse time', met: goalRows.every((r) => r.editOverParse <= 2) };
const machine = { node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0]?.model, loadAverage: os.loadavg().map((x) => round(x, 2)) };
const json = { date: new Date().toISOString(), machine, edits: EDITS, parses: PARSES, opens: OPENS, goal, rows };

const md = [
  '# Language server: edit-to-diagnostics and full check against the parse floor',
  '',
  `Generated Sanic (Python) and worker-manager (TS) apps; server over stdio, debounce 0; medians of ${EDITS} one-character edits ` +
    `(after ${WARMUP_EDITS} warm-up edits), ${OPENS} full checks and ${PARSES} bare parses measured in this run. ` +
    'Floor = tree-sitter-python full parse (web-tree-sitter 0.25, wasm) / `ts.createSourceFile` (TypeScript 5.9), in the bench process. ' +
    `Node ${process.version}, ${machine.cpus} CPUs (${machine.cpu}), load average at the end ${machine.loadAverage.join(' / ')}.`,
  '',
  '| language | lines | KiB | parse floor (ms) | edit → diagnostics (ms, median) | edit / parse | edit min–max (ms) | full check (ms) | full / parse | diagnostics | server RSS (MB) | peak RSS (MB) |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...rows.map(
    (r) =>
      `| ${r.language} | ${r.lines.toLocaleString('en-US')} | ${r.kib} | ${r.parseMs} | ${r.editMs} | ${r.editOverParse}x | ${r.editMinMs}–${r.editMaxMs} | ${r.fullCheckMs} | ${r.fullOverParse}x | ${r.diagnostics} | ${r.serverRssMb} | ${r.serverPeakRssMb} |`,
  ),
  '',
  `Goal (${goal.description}): **${goal.met ? 'met' : 'missed'}** (${goalRows.map((r) => `${r.language} ${r.editOverParse}x`).join(', ')}).`,
  '',
  'Why edits are cheaper than a parse: Python is re-parsed incrementally (tree.edit + parse with the old tree) and only the',
  'top-level statements whose text changed are walked again (the others reuse their facts, shifted); TypeScript uses',
  "the compiler's incremental `updateSourceFile`. The full check includes sending the whole file over JSON-RPC.",
  '',
].join('\n');

mkdirSync(RESULTS, { recursive: true });
writeFileSync(join(RESULTS, 'lsp.json'), JSON.stringify(json, null, 2) + '\n');
writeFileSync(join(RESULTS, 'lsp.md'), md);
process.stdout.write(md);
