// Runs an extension test suite inside a real VS Code (a running code-server) driven by headless
// Chromium, the way @vscode/test-web does it: the workbench URL carries extensionDevelopmentPath and
// extensionTestsPath (honoured because code-server runs with --vscode-option enable-smoke-test-driver),
// the suite's result arrives through window.codeAutomationExit, and everything the workbench and the
// extension host print arrives through window.codeAutomationLog.
//
// A test asks for a screenshot by printing `[[wm-e2e:screenshot:<name>]]` (or `...:<name>:<px>]]` to
// drag the side bar to that width first); the file appears in --shots.
//
// usage: node run-tests.js --url http://127.0.0.1:PORT --folder DIR --ext DIR --tests FILE
//          --shots DIR --log FILE [--timeout SECONDS] [--profile DIR]
//        --ext may be omitted to test the extensions installed in code-server's extensions folder.
// exit status: the suite's (0 passed, 1 failed), 124 on timeout, 2 when the harness itself broke.
'use strict';
const { chromium } = require('playwright-core');
const fs = require('node:fs');
const path = require('node:path');
const util = require('node:util');

const args = parseArgs(process.argv.slice(2), ['url', 'folder', 'tests', 'shots', 'log']);
const timeoutMs = Number(args.timeout || 300) * 1000;
const t0 = Date.now();
const say = (...a) => console.log(`[harness ${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);
const SCREENSHOT_REQUEST = /\[\[wm-e2e:screenshot:([\w.-]+)(?::(\d+))?\]\]/;

main().catch((e) => {
  console.error('[harness] broken:', e && e.stack ? e.stack : e);
  process.exit(2);
});

async function main() {
  const base = new URL(args.url);
  // In code-server the remote authority is the page's host:port; files are addressed through it.
  const remote = (p) => `vscode-remote://${base.host}${path.resolve(p)}`;
  const profile = args.profile || fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'chromium-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const log = fs.createWriteStream(args.log);
  const verbose = process.env.WM_E2E_VERBOSE === '1';
  let settle;
  const exitCode = new Promise((resolve) => (settle = resolve));
  const page = browser.pages()[0] || (await browser.newPage());

  await page.exposeFunction('codeAutomationLog', async (type, msg) => {
    // Console calls arrive as their argument list: format them the way console.log would.
    const text = Array.isArray(msg) ? util.format(...msg) : String(msg);
    log.write(`[${type}] ${text}\n`);
    // Mocha's spec reporter lines and our own test logs are worth showing live; the rest is in the log.
    if (verbose || /^\s*(✔|✓|\d+\) |\d+ passing|\d+ failing|\d+ pending|\[wm-e2e\])/.test(text)) console.log(text);
    const shot = SCREENSHOT_REQUEST.exec(text);
    if (shot) {
      if (shot[2]) await setSideBarWidth(page, Number(shot[2])).catch((e) => say('side bar width not set:', e.message));
      await screenshot(page, shot[1]);
    }
  });
  await page.exposeFunction('codeAutomationExit', (code) => {
    say('suite finished with', code);
    settle(code);
  });
  page.on('pageerror', (e) => log.write(`[pageerror] ${e}\n`));

  const payload = [
    ...(args.ext ? [['extensionDevelopmentPath', remote(args.ext)]] : []),
    ['extensionTestsPath', remote(args.tests)],
    ['skipWelcome', 'true'],
  ];
  const url = `${base.origin}/?folder=${encodeURIComponent(path.resolve(args.folder))}` +
    `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  say('opening the workbench');
  await page.goto(url);
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  say('workbench loaded; the extension host runs the suite');

  let timer;
  const timedOut = new Promise((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  const result = await Promise.race([exitCode, timedOut]);
  clearTimeout(timer);
  if (result === 'timeout') {
    say(`TIMEOUT after ${timeoutMs / 1000}s`);
    await screenshot(page, 'timeout').catch(() => {});
  }
  await browser.close().catch(() => {});
  if (!args.profile) fs.rmSync(profile, { recursive: true, force: true });
  await new Promise((r) => log.end(r));
  process.exit(result === 'timeout' ? 124 : typeof result === 'number' ? result : 1);
}

async function screenshot(page, name) {
  const file = path.join(args.shots, `${name}.png`);
  // Written under a temporary name and renamed, so a test waiting for the file never reads half of it.
  await page.screenshot({ path: `${file}.partial.png` });
  fs.renameSync(`${file}.partial.png`, file);
  say('screenshot', file);
}

/** Drags the sash on the side bar's right edge so the side bar is `width` px wide. */
async function setSideBarWidth(page, width) {
  const bar = await page.locator('.part.sidebar').boundingBox();
  if (!bar) throw new Error('no side bar');
  const edge = bar.x + bar.width;
  const sashes = await page.locator('.monaco-sash.vertical').evaluateAll((els) => els.map((e) => {
    const r = e.getBoundingClientRect();
    return { x: r.x + r.width / 2, y: r.y + r.height / 2, h: r.height };
  }));
  const sash = sashes.filter((s) => s.h > 100).sort((a, b) => Math.abs(a.x - edge) - Math.abs(b.x - edge))[0];
  if (!sash || Math.abs(sash.x - edge) > 6) throw new Error(`no sash at the side bar's edge (${edge})`);
  await page.mouse.move(sash.x, sash.y);
  await page.mouse.down();
  await page.mouse.move(sash.x + 20, sash.y, { steps: 4 });
  await page.mouse.move(bar.x + width, sash.y, { steps: 10 });
  await page.mouse.up();
  await page.mouse.move(bar.x + width + 300, bar.y + bar.height - 50); // off the sash, so it is not highlighted
  await page.waitForTimeout(400);
}

function parseArgs(argv, required) {
  const out = {};
  for (let i = 0; i < argv.length; i += 2) out[argv[i].replace(/^--/, '')] = argv[i + 1];
  const missing = required.filter((k) => !out[k]);
  if (missing.length) {
    console.error(`usage: run-tests.js ${required.map((k) => `--${k} ...`).join(' ')}; missing ${missing.join(', ')}`);
    process.exit(2);
  }
  return out;
}
