// Fakes for the Workers model: an inspector that replays recorded states and a clock tests advance.
import type { Inspector, InspectorState, WatchOptions } from 'wm-vscode-client/out/workers/inspector';
import type { Clock } from 'wm-vscode-client/out/workers/model';

export class FakeInspector implements Inspector {
  watchers: Array<{ onState: (s: InspectorState) => void; opts: WatchOptions; closed: boolean }> = [];
  infoCalls = 0;
  /** What info() answers next: a state, or an error to throw. */
  next: InspectorState | Error = new Error('ECONNREFUSED');
  calls: string[] = [];

  async info(): Promise<InspectorState> {
    this.infoCalls++;
    if (this.next instanceof Error) throw this.next;
    return structuredClone(this.next);
  }
  watch(onState: (s: InspectorState) => void, opts: WatchOptions = {}): { close(): void } {
    const w = { onState, opts, closed: false };
    this.watchers.push(w);
    return { close: () => void (w.closed = true) };
  }
  get open() {
    return this.watchers.filter((w) => !w.closed);
  }
  /** Pushes a state through every open watcher, as the change stream would. */
  push(state: InspectorState): void {
    for (const w of this.open) w.onState(structuredClone(state));
  }
  fail(message: string): void {
    for (const w of this.open) w.opts.onError?.(new Error(message));
  }
  async reload(opts?: { zeroDowntime?: boolean }) { this.calls.push(`reload ${JSON.stringify(opts)}`); return null; }
  async restart(names: string[], opts?: { zeroDowntime?: boolean }) { this.calls.push(`restart ${names} ${JSON.stringify(opts)}`); return null; }
  async scale(n: number) { this.calls.push(`scale ${n}`); return `Scaling to ${n}`; }
  async shutdown() { this.calls.push('shutdown'); return null; }
  async command(name: string, args?: unknown[], kwargs?: Record<string, unknown>) { this.calls.push(`command ${name} ${JSON.stringify(args)} ${JSON.stringify(kwargs)}`); return null; }
}

export class FakeClock implements Clock {
  time = 1_000_000;
  private timers: Array<{ at: number; fn: () => void; id: number }> = [];
  private ids = 0;
  now() { return this.time; }
  setTimeout(fn: () => void, ms: number) {
    const id = ++this.ids;
    this.timers.push({ at: this.time + ms, fn, id });
    return id;
  }
  clearTimeout(id: unknown) { this.timers = this.timers.filter((t) => t.id !== id); }
  get pending() { return this.timers.map((t) => t.at - this.time).sort((a, b) => a - b); }
  /** Moves time forward, running timers that fall due (and letting promise callbacks settle). */
  async advance(ms: number) {
    const end = this.time + ms;
    for (;;) {
      await flush();
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = due.at;
      due.fn();
    }
    this.time = end;
    await flush();
  }
}

export const flush = () => new Promise((r) => setImmediate(r));
