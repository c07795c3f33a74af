/** The process table as people read it: one row per process, custom state keys as extra columns. */
import type { MainRecord, ProcessRecord, ProcessTable } from '../states';

const STANDARD = new Set(['server', 'state', 'pid', 'start_at', 'starts', 'restart_at', 'serving', 'crash_loop', 'inspect_port']);

export function formatTable(table: ProcessTable, now: Date = new Date()): string {
  const entries = Object.entries(table);
  const custom = [...new Set(entries.flatMap(([, r]) => Object.keys(r).filter((k) => !STANDARD.has(k) && k !== 'pid')))].sort();
  const header = ['NAME', 'STATE', 'PID', 'UPTIME', 'STARTS', 'SERVING', ...custom.map((k) => k.toUpperCase())];
  const rows = entries.map(([name, record]) => {
    if (!('state' in record)) {
      return [name, 'MAIN', String((record as MainRecord).pid ?? ''), '', '', '', ...custom.map(() => '')];
    }
    const r = record as ProcessRecord;
    const state = r.crash_loop ? `${r.state} (crash loop)` : r.state;
    const since = r.restart_at ?? r.start_at;
    const running = r.state === 'ACKED' || r.state === 'STARTED' || r.state === 'STARTING';
    return [
      name,
      state,
      r.pid === undefined ? '' : String(r.pid),
      running && since ? formatUptime(now.getTime() - Date.parse(since)) : '',
      r.starts === undefined ? '' : String(r.starts),
      r.server ? (r.serving ? 'yes' : 'no') : '',
      ...custom.map((k) => formatValue(r[k])),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export function formatUptime(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d${String(h % 24).padStart(2, '0')}h`;
}

function formatValue(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}
