// How a process record and an app's state read in the Workers view and the status bar: pure functions
// (no VS Code API) so they are unit-tested on recorded inspector JSON. Icons are codicon ids, colours
// are theme colour ids; tree.ts and statusBar.ts turn them into VS Code objects.
import type { InspectorState, ProcessRecord } from './inspector';

/** Keys the protocol defines; everything else in a record is the app's own state and is shown too. */
const PROTOCOL_KEYS = new Set(['server', 'state', 'pid', 'start_at', 'starts', 'restart_at', 'serving', 'crash_loop', 'health', 'requests', 'inspect_port']);
/** States after which a process no longer runs. */
const ENDED = new Set(['FAILED', 'COMPLETED', 'JOINED', 'TERMINATED']);
/** States of a server worker that stays out of the ready/total count (scaled down or finished on purpose). */
const GONE = new Set(['COMPLETED', 'JOINED', 'TERMINATED']);

export interface Look {
  icon: string;
  color?: string;
}

export interface ProcessView {
  name: string;
  description: string;
  look: Look;
  custom: Array<[string, string]>;
  /** Words for the tree item's contextValue, matched by `when` clauses in package.json. */
  flags: string[];
}

/** The main process is the record whose name ends in -Main (the prefix differs: WM-, Sanic-). */
export function isMainProcess(name: string): boolean {
  return /-Main$/.test(name);
}

export function isRunning(record: ProcessRecord): boolean {
  return typeof record.pid === 'number' && !ENDED.has(String(record.state ?? ''));
}

export function lookOf(name: string, record: ProcessRecord): Look {
  if (record.crash_loop) return { icon: 'warning', color: 'charts.orange' };
  if (isMainProcess(name)) return { icon: 'server-process', color: 'charts.blue' };
  switch (record.state) {
    case 'ACKED':
      return { icon: 'pass-filled', color: 'charts.green' };
    case 'STARTED':
      // A server worker is ready only once acked; other processes never ack, STARTED is their running state.
      return record.server ? { icon: 'loading~spin', color: 'charts.yellow' } : { icon: 'circle-filled', color: 'charts.green' };
    case 'STARTING':
    case 'RESTARTING':
      return { icon: 'sync~spin', color: 'charts.yellow' };
    case 'FAILED':
      return { icon: 'error', color: 'errorForeground' };
    case 'COMPLETED':
      return { icon: 'check', color: 'disabledForeground' };
    case 'JOINED':
    case 'TERMINATED':
      return { icon: 'circle-slash', color: 'disabledForeground' };
    case 'NONE':
    case 'IDLE':
      return { icon: 'circle-outline', color: 'disabledForeground' };
    default:
      return { icon: 'question' };
  }
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

export function formatValue(v: unknown): string {
  if (typeof v === 'string') return v;
  const json = JSON.stringify(v);
  return json === undefined ? String(v) : json;
}

export function customEntries(record: ProcessRecord): Array<[string, string]> {
  return Object.keys(record)
    .filter((k) => !PROTOCOL_KEYS.has(k))
    .sort()
    .map((k) => [k, formatValue(record[k])]);
}

export function describeProcess(name: string, record: ProcessRecord, now: number, canRestart: boolean): ProcessView {
  const main = isMainProcess(name);
  const parts: string[] = [];
  parts.push(record.crash_loop ? `${record.state ?? '?'} (crash loop)` : main ? 'main' : (record.state ?? 'unknown'));
  if (typeof record.pid === 'number') parts.push(`pid ${record.pid}`);
  const started = record.start_at ? Date.parse(record.start_at) : NaN;
  if (!Number.isNaN(started) && isRunning(record)) parts.push(`up ${formatDuration(now - started)}`);
  if (typeof record.starts === 'number') parts.push(record.starts === 1 ? '1 start' : `${record.starts} starts`);
  if (record.server && typeof record.serving === 'boolean') parts.push(record.serving ? 'serving' : 'not serving');
  if (typeof record.inspect_port === 'number') parts.push(`debug port ${record.inspect_port}`);
  const custom = customEntries(record);
  for (const [k, v] of custom) parts.push(`${k}=${v}`);

  const flags = [main ? 'main' : record.server ? 'server' : 'nonServer'];
  if (isRunning(record) || (main && typeof record.pid === 'number')) flags.push('running');
  if (canRestart && !main) flags.push('restartable');
  if (record.crash_loop) flags.push('crashLoop');
  return { name, description: parts.join(' · '), look: lookOf(name, record), custom, flags };
}

/** Main first, then server workers, then other processes; numbers in names compare as numbers. */
export function orderedProcesses(workers: Record<string, ProcessRecord>): Array<[string, ProcessRecord]> {
  const rank = ([name, r]: [string, ProcessRecord]) => (isMainProcess(name) ? 0 : r.server ? 1 : 2);
  return Object.entries(workers).sort((a, b) => rank(a) - rank(b) || a[0].localeCompare(b[0], 'en', { numeric: true }));
}

export interface WorkerSummary {
  ready: number;
  total: number;
  failed: string[];
  crashLoop: string[];
}

/**
 * ready/total over server workers; FAILED processes (custom ones too: a job that failed) and crash-looping
 * workers are the trouble the status bar colours.
 */
export function summarize(state: InspectorState): WorkerSummary {
  const summary: WorkerSummary = { ready: 0, total: 0, failed: [], crashLoop: [] };
  for (const [name, r] of Object.entries(state.workers)) {
    if (r.crash_loop) summary.crashLoop.push(name);
    if (r.state === 'FAILED') summary.failed.push(name);
    if (!r.server) continue;
    if (GONE.has(String(r.state))) continue;
    summary.total++;
    if (r.state === 'ACKED') summary.ready++;
  }
  return summary;
}

/**
 * Whether "Attach Debugger" can work on an app's workers: not under Debug App (its workers are child sessions
 * already), and for Python only with the Python Debugger extension.
 */
export function canAttachTo(app: { status: string; launch?: { debug: boolean; runtime: string }; state?: InspectorState }, debugpyInstalled: boolean): boolean {
  if (app.status !== 'live' || app.launch?.debug) return false;
  return (app.launch?.runtime ?? runtimeOf(app.state)) !== 'python' || debugpyInstalled;
}

export function capabilities(state: InspectorState | undefined): string[] {
  const caps = state?.info?.extra?.capabilities;
  return Array.isArray(caps) ? caps.filter((c): c is string => typeof c === 'string') : [];
}

export function advertisedCommands(state: InspectorState | undefined): string[] {
  const cmds = state?.info?.extra?.commands;
  return Array.isArray(cmds) ? cmds.filter((c): c is string => typeof c === 'string') : [];
}

/** A Sanic inspector reports its Python version; ours reports Node's. */
export function runtimeOf(state: InspectorState | undefined): 'python' | 'node' | undefined {
  if (!state) return undefined;
  if ('python' in state.info || state.info.packages?.some((p) => p.startsWith('sanic=='))) return 'python';
  return 'node';
}

export interface StatusSummary {
  text: string;
  trouble: 'failed' | 'crashLoop' | undefined;
  lines: string[];
}

/** The status bar's reading over every live app: ready/total server workers, and the worst trouble. */
export function statusSummary(apps: Array<{ label: string; state?: InspectorState }>): StatusSummary {
  let ready = 0;
  let total = 0;
  let failed = 0;
  let crashLoop = 0;
  const lines: string[] = [];
  for (const app of apps) {
    if (!app.state) continue;
    const s = summarize(app.state);
    ready += s.ready;
    total += s.total;
    failed += s.failed.length;
    crashLoop += s.crashLoop.length;
    const notes = [...s.failed.map((n) => `${n} FAILED`), ...s.crashLoop.map((n) => `${n} in a crash loop`)];
    lines.push(`${app.label}: ${s.ready}/${s.total} ready${notes.length ? ` (${notes.join(', ')})` : ''}`);
  }
  return { text: `${ready}/${total}`, trouble: failed ? 'failed' : crashLoop ? 'crashLoop' : undefined, lines };
}
