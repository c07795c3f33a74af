// Shared by the suite files: the extension's API, waiting on conditions, screenshots, figures.
'use strict';
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const vscode = require('vscode');

const EXTENSION_ID = 'worker-manager.worker-manager-vscode';
const REPO = process.env.WM_E2E_REPO || path.resolve(__dirname, '../../..');
const OUT = process.env.WM_E2E_OUT || path.join(REPO, 'test/artifacts/e2e');

/** The extension's exports (activating it when needed). */
async function api() {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not installed`);
  return ext.isActive ? ext.exports : ext.activate();
}

/** Polls `probe` every 25 ms until it returns something truthy; fails naming `what` after `ms`. */
async function waitFor(what, probe, ms = 20_000) {
  const end = Date.now() + ms;
  let last;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
      last = value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await sleep(25);
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Asks the harness for a screenshot of the workbench and waits for the PNG. */
async function screenshot(name) {
  const dir = process.env.WM_E2E_SHOTS;
  assert.ok(dir, 'WM_E2E_SHOTS is not set: screenshots need the code-server harness');
  const file = path.join(dir, `${name}.png`);
  fs.rmSync(file, { force: true });
  console.log(`[[wm-e2e:screenshot:${name}]]`);
  await waitFor(`screenshot ${name}`, () => fs.existsSync(file), 20_000);
  return file;
}

/** Adds measured figures to figures.json next to the results (the README and report quote them). */
function recordFigure(name, value) {
  fs.mkdirSync(OUT, { recursive: true });
  const file = path.join(OUT, 'figures.json');
  const figures = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
  figures[name] = value;
  fs.writeFileSync(file, JSON.stringify(figures, null, 2));
  console.log(`[wm-e2e] figure ${name} = ${JSON.stringify(value)}`);
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

module.exports = { api, waitFor, sleep, screenshot, recordFigure, isAlive, REPO, EXTENSION_ID };
