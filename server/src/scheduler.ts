/**
 * Debounce and cancellation. Each document has a generation: a new edit starts a new one, which cancels the
 * pending timer and makes any check still running for an older generation stop at its next checkpoint.
 */
export type Check = (uri: string, isCurrent: () => boolean) => Promise<void>;

export class Scheduler {
  private readonly timers = new Map<string, NodeJS.Timeout | NodeJS.Immediate>();
  private readonly generations = new Map<string, number>();
  private next = 0;

  constructor(private readonly check: Check) {}

  schedule(uri: string, delayMs: number): void {
    this.cancel(uri);
    const generation = this.generations.get(uri) ?? 0;
    const fire = (): void => {
      this.timers.delete(uri);
      void this.check(uri, () => this.generations.get(uri) === generation);
    };
    this.timers.set(uri, delayMs <= 0 ? setImmediate(fire) : setTimeout(fire, delayMs));
  }

  /** Drops the pending check and invalidates a running one. */
  cancel(uri: string): void {
    const t = this.timers.get(uri);
    if (t) {
      clearTimeout(t as NodeJS.Timeout);
      clearImmediate(t as NodeJS.Immediate);
      this.timers.delete(uri);
    }
    this.generations.set(uri, ++this.next);
  }

  forget(uri: string): void {
    this.cancel(uri);
    this.generations.delete(uri);
  }
}

/** Lets queued messages (a newer edit) in before the next step. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
