import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import {
  canAttachTo, capabilities, customEntries, describeProcess, formatDuration, isMainProcess, lookOf, orderedProcesses, runtimeOf, statusSummary, summarize,
} from 'wm-vscode-client/out/workers/present';
import type { InspectorState } from 'wm-vscode-client/out/workers/inspector';
import sanicJson from './fixtures/sanic-info.json';
import wmJson from './fixtures/wm-info.json';

const sanic = sanicJson as unknown as InspectorState;
const ours = wmJson as unknown as InspectorState;

test('the main process is told by its -Main suffix, whatever the prefix', () => {
  assert.ok(isMainProcess('Sanic-Main'));
  assert.ok(isMainProcess('WM-Main'));
  assert.ok(!isMainProcess('WM-Server-0-0'));
  assert.ok(!isMainProcess('Main-Server'));
});

test('each state has its own icon and colour; crash loops and the main process stand out', () => {
  const seen = new Map<string, string>();
  for (const state of ['ACKED', 'STARTING', 'FAILED', 'COMPLETED', 'TERMINATED', 'NONE']) {
    const look = lookOf('WM-Server-0-0', { server: true, state });
    seen.set(state, `${look.icon}/${look.color}`);
  }
  assert.equal(new Set(seen.values()).size, seen.size, `looks collide: ${JSON.stringify([...seen])}`);
  assert.deepEqual(lookOf('WM-Server-0-0', { server: true, state: 'FAILED' }), { icon: 'error', color: 'errorForeground' });
  assert.deepEqual(lookOf('WM-Server-0-0', { server: true, state: 'ACKED', crash_loop: true }), { icon: 'warning', color: 'charts.orange' });
  assert.equal(lookOf('WM-Main', { pid: 1 }).icon, 'server-process');
  // STARTED means "not yet acked" for a server worker, "running" for any other process.
  assert.notDeepEqual(lookOf('a', { server: true, state: 'STARTED' }), lookOf('b', { server: false, state: 'STARTED' }));
});

test('a process reads as state, pid, uptime, starts, serving and its own keys', () => {
  const now = Date.parse('2026-12-03T17:02:01.000+00:00');
  const view = describeProcess('WM-Server-2-0', ours.workers['WM-Server-2-0'], now, true);
  assert.equal(view.description, 'ACKED · pid 5011 · up 2m 0s · 3 starts · serving · note={"last":"ok"} · queue_depth=3');
  assert.deepEqual(view.custom, [['note', '{"last":"ok"}'], ['queue_depth', '3']]);
  assert.deepEqual(view.flags, ['server', 'running', 'restartable']);
});

test('the main process is never restartable, ended workers show no uptime', () => {
  const now = Date.now();
  assert.deepEqual(describeProcess('WM-Main', { pid: 5000 }, now, true).flags, ['main', 'running']);
  const failed = describeProcess('Sanic-Server-2-0', sanic.workers['Sanic-Server-2-0'], now, false);
  assert.ok(!failed.description.includes('up '), failed.description);
  assert.ok(failed.description.startsWith('FAILED · pid 4113'), failed.description);
  assert.ok(!failed.flags.includes('running'));
  assert.ok(!failed.flags.includes('restartable'), 'Sanic cannot restart single workers');
});

test('protocol keys are not shown as custom keys; a debug port is', () => {
  assert.deepEqual(customEntries({ server: true, state: 'ACKED', pid: 1, starts: 1, start_at: 'x', restart_at: 'y', serving: true, crash_loop: false, health: 'ok', requests: 5, inspect_port: 9230 }), []);
  assert.equal(describeProcess('WM-Server-0-0', { server: true, state: 'ACKED', pid: 7, serving: true, inspect_port: 9230 }, 0, true).description, 'ACKED · pid 7 · serving · debug port 9230');
});

test('processes are ordered main, servers (numerically), others', () => {
  assert.deepEqual(orderedProcesses(ours.workers).map(([n]) => n), ['WM-Main', 'WM-Server-1-0', 'WM-Server-2-0', 'WM-Server-10-0', 'WM-Inspector-0']);
});

test('ready/total counts server workers; scaled-down ones drop out, FAILED ones count as trouble', () => {
  assert.deepEqual(summarize(sanic), { ready: 2, total: 3, failed: ['Sanic-Server-2-0'], crashLoop: [] });
  assert.deepEqual(summarize(ours), { ready: 2, total: 3, failed: [], crashLoop: ['WM-Server-1-0'] });
});

test('the status bar sums live apps and reports the worst trouble', () => {
  const both = statusSummary([{ label: 'ours', state: ours }, { label: 'peer', state: sanic }]);
  assert.equal(both.text, '4/6');
  assert.equal(both.trouble, 'failed');
  assert.deepEqual(both.lines, ['ours: 2/3 ready (WM-Server-1-0 in a crash loop)', 'peer: 2/3 ready (Sanic-Server-2-0 FAILED)']);
  assert.equal(statusSummary([{ label: 'ours', state: ours }]).trouble, 'crashLoop');
  const healthy = { ...ours, workers: { 'WM-Main': { pid: 1 }, 'WM-Server-0-0': { server: true, state: 'ACKED', pid: 2 } } };
  assert.deepEqual(statusSummary([{ label: 'h', state: healthy }]), { text: '1/1', trouble: undefined, lines: ['h: 1/1 ready'] });
  // A custom process that failed is trouble too, though it is no server worker and not counted in ready/total.
  const job = { ...healthy, workers: { ...healthy.workers, 'WM-Mailer-0': { server: false, state: 'FAILED', pid: 3 } } };
  assert.deepEqual(statusSummary([{ label: 'h', state: job }]), { text: '1/1', trouble: 'failed', lines: ['h: 1/1 ready (WM-Mailer-0 FAILED)'] });
});

test('capabilities and runtime tell our inspector from Sanic\'s', () => {
  assert.deepEqual(capabilities(ours), ['restart', 'events']);
  assert.deepEqual(capabilities(sanic), []);
  assert.equal(runtimeOf(sanic), 'python');
  assert.equal(runtimeOf(ours), 'node');
  assert.equal(runtimeOf(undefined), undefined);
});

test('durations read like uptimes', () => {
  assert.equal(formatDuration(-5), '0s');
  assert.equal(formatDuration(59_999), '59s');
  assert.equal(formatDuration(61_000), '1m 1s');
  assert.equal(formatDuration(3_600_000 + 120_000), '1h 2m');
  assert.equal(formatDuration(26 * 3_600_000), '1d 2h');
});

test('Attach Debugger is offered where it can work: not under Debug App, Python only with debugpy', () => {
  const node = { status: 'live', state: ours };
  assert.equal(canAttachTo(node, false), true);
  assert.equal(canAttachTo({ ...node, launch: { debug: true, runtime: 'node' } }, true), false, 'its workers are child sessions already');
  assert.equal(canAttachTo({ ...node, launch: { debug: false, runtime: 'node' } }, false), true, 'Run App: by pid or inspect port');
  assert.equal(canAttachTo({ status: 'live', state: sanic }, false), false, 'a Sanic worker needs the Python Debugger extension');
  assert.equal(canAttachTo({ status: 'live', state: sanic }, true), true);
  assert.equal(canAttachTo({ ...node, status: 'unreachable' }, true), false);
});
