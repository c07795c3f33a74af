/**
 * The process table as everyone sees it, and its delivery to the processes that follow it (workers for
 * `app.m.workers`, the inspector for its change stream): the whole table, once per turn of the event loop however
 * many records changed in it.
 */
import type { AppInfo, MainMessage } from '../protocol';
import { FINAL_STATES, type ProcessTable } from '../states';
import type { Incarnation, WorkerProcess } from './process';

/** `WM-Main` first, then server workers by index, then the rest; untracked processes only while they run. */
export function buildTable(slots: Iterable<WorkerProcess>): ProcessTable {
  const table: ProcessTable = { 'WM-Main': { pid: process.pid } };
  const listed = [...slots].filter((s) => s.tracked || !FINAL_STATES.has(s.state));
  const servers = listed.filter((s) => s.isServer).sort((a, b) => a.index - b.index);
  for (const slot of [...servers, ...listed.filter((s) => !s.isServer)]) table[slot.name] = { ...slot.record };
  return table;
}

export class TablePublisher {
  private readonly subscribers = new Set<Incarnation>();
  private seq = 0;
  private scheduled = false;

  constructor(private readonly snapshot: () => { table: ProcessTable; info: AppInfo }) {}

  /** Sends the table now, and after every change until the process goes. */
  subscribe(inc: Incarnation): void {
    this.subscribers.add(inc);
    inc.send(this.message(this.seq));
  }

  unsubscribe(inc: Incarnation): void {
    this.subscribers.delete(inc);
  }

  /** Something changed: publish once this turn of the event loop is done. */
  changed(): void {
    if (this.scheduled || this.subscribers.size === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      if (this.scheduled) this.flush();
    });
  }

  /** Publishes now: before the app says it is ready, so that every worker's `app.m.workers` already shows it. */
  flush(): void {
    this.scheduled = false;
    const message = this.message(++this.seq);
    for (const inc of this.subscribers) inc.send(message);
  }

  private message(seq: number): MainMessage {
    return { t: 'table', ...this.snapshot(), seq };
  }
}
