// Shared by the suite files: the extension's API, waiting on conditions, screenshots, figures.
'use strict';
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const vscode = require('vscode');

const EXTENSION_ID = 'worker-manager.worker-manager-vscode';
const REPO = process.env.E2E_REPO || path.resolve(__dirname, '../../..');
const OUT = process.env.E2E_OUT_DIR || path.join(REPO, 'test/artifacts/e2e');

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

/**
 * Asks the harness for a screenshot of the workbench (the side bar dragged to `sideBarWidth` px first,
 * if given) and waits for the PNG. Without the code-server harness (under @vscode/test-electron) there
 * is no one to take it: undefined.
 */
async function screenshot(name, sideBarWidth) {
  const dir = process.env.E2E_SHOTS_DIR;
  if (!dir) {
    console.log(`[wm-e2e] screenshot ${name} skipped: no harness`);
    return undefined;
  }
  const file = path.join(dir, `${name}.png`);
  fs.rmSync(file, { force: true });
  console.log(`[[wm-e2e:screenshot:${name}${sideBarWidth ? `:${sideBarWidth}` : ''}]]`);
  await waitFor(`screenshot ${name}`, () => fs.existsSync(file), 20_000);
  return file;
}

/** Adds measured figures to figures.json next to the results (the README and report quote them). */
function recordFigure(name, value) {
  fs.mkdirSync(OUT, { recursive: true });
  const file = path.join(OUT, `figures-${process.env.E2E_SUITE || 'development'}.json`);
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

/** What the Workers view shows for one app right now: its item and its process items (through the tree's own provider). */
function treeView(tree, appId) {
  const appNode = tree.getChildren().find((n) => n.appId === appId);
  if (!appNode) return undefined;
  const plain = (item) => ({
    label: typeof item.label === 'string' ? item.label : item.label && item.label.label,
    description: item.description,
    icon: item.iconPath && item.iconPath.id,
    color: item.iconPath && item.iconPath.color && item.iconPath.color.id,
    contextValue: item.contextValue,
    tooltip: item.tooltip && (typeof item.tooltip === 'string' ? item.tooltip : item.tooltip.value),
  });
  return {
    node: appNode,
    app: plain(tree.getTreeItem(appNode)),
    processes: tree.getChildren(appNode).map((n) => ({ node: n, ...plain(tree.getTreeItem(n)) })),
  };
}

/**
 * Records what the tree shows for an app each time the tree announces a change (the moment VS Code is
 * told to redraw), with a timestamp; tests wait on these snapshots and measure latencies from them.
 */
class TreeRecorder {
  constructor(api, appId) {
    this.api = api;
    this.appId = appId;
    this.snapshots = [];
    this.waiters = [];
    this.subscription = api.tree.onDidChangeTreeData(() => this.take());
    this.take();
  }

  take() {
    const app = this.api.model.get(this.appId);
    if (!app || !app.state) return;
    const snapshot = { t: Date.now(), workers: JSON.parse(JSON.stringify(app.state.workers)), view: treeView(this.api.tree, this.appId) };
    this.snapshots.push(snapshot);
    for (const w of [...this.waiters]) if (w.predicate(snapshot)) {
      this.waiters.splice(this.waiters.indexOf(w), 1);
      w.resolve(snapshot);
    }
  }

  /** The first snapshot from now on (or the current one) that satisfies `predicate`. */
  waitFor(what, predicate, ms = 30_000) {
    const current = this.snapshots[this.snapshots.length - 1];
    if (current && predicate(current)) return Promise.resolve(current);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        const last = this.snapshots[this.snapshots.length - 1];
        reject(new Error(`timed out after ${ms} ms waiting for ${what}; last: ${JSON.stringify(last && summarize(last.workers))}`));
      }, ms);
      const done = (s) => {
        clearTimeout(timer);
        resolve(s);
      };
      this.waiters.push({ predicate, resolve: done });
    });
  }

  /** The distinct states a process went through, in order, since `since` (ms timestamp). */
  statesOf(name, since = 0) {
    const out = [];
    for (const s of this.snapshots) {
      const r = s.workers[name];
      if (s.t >= since && r && out[out.length - 1] !== r.state) out.push(r.state);
    }
    return out;
  }

  /** ms from each new `field` value (a timestamp the manager sets) of `name` to the first snapshot showing it. */
  latencies(name, field, since) {
    const seen = new Set();
    const out = [];
    for (const s of this.snapshots) {
      const r = s.workers[name];
      if (!r || !r[field] || seen.has(r[field]) || Date.parse(r[field]) < since) continue;
      seen.add(r[field]);
      out.push(s.t - Date.parse(r[field]));
    }
    return out;
  }

  dispose() {
    this.subscription.dispose();
  }
}

function summarize(workers) {
  return Object.fromEntries(Object.entries(workers).map(([n, r]) => [n, r.state ? `${r.state}/${r.pid}` : `main/${r.pid}`]));
}

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { n: sorted.length, min: sorted[0], median: at(0.5), p90: at(0.9), max: sorted[sorted.length - 1] };
}

module.exports.treeView = treeView;
module.exports.TreeRecorder = TreeRecorder;
module.exports.stats = stats;

/** Shows the Workers view alone (no chat side bar, no panel); screenshots of it widen the side bar. */
async function showWorkersView() {
  await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar');
  await vscode.commands.executeCommand('workbench.action.closePanel');
  await vscode.commands.executeCommand('workbench.view.extension.workerManager');
  await vscode.commands.executeCommand('workerManager.workers.focus');
}

module.exports.showWorkersView = showWorkersView;
