/**
 * What to do when a worker dies on its own: replace it, after a delay that doubles with each consecutive
 * unstable death (one that came before the worker served, or within MIN_UPTIME of it), and give up on a slot
 * after CRASH_LOOP_LIMIT of those in a row. A worker that served for a while and then died is replaced at once:
 * a crash in production is not a crash loop. (PM2: min_uptime, max_restarts, exp_backoff_restart_delay.)
 */
import type { Config } from '../config';

export type CrashDecision = { action: 'replace'; delayMs: number; unstableInARow: number } | { action: 'give-up'; unstableInARow: number };

export class CrashPolicy {
  private unstableInARow = 0;

  constructor(private readonly config: Pick<Config, 'MIN_UPTIME' | 'CRASH_LOOP_LIMIT' | 'RESTART_BACKOFF' | 'RESTART_BACKOFF_MAX'>) {}

  /** `servedMs`: how long the process served before it died (undefined: it never acked). */
  onDeath(servedMs: number | undefined): CrashDecision {
    const stable = servedMs !== undefined && servedMs >= this.config.MIN_UPTIME * 1000;
    if (stable) {
      this.unstableInARow = 0;
      return { action: 'replace', delayMs: 0, unstableInARow: 0 };
    }
    this.unstableInARow += 1;
    if (this.unstableInARow >= this.config.CRASH_LOOP_LIMIT) return { action: 'give-up', unstableInARow: this.unstableInARow };
    const delayMs = Math.min(this.config.RESTART_BACKOFF * 1000 * 2 ** (this.unstableInARow - 1), this.config.RESTART_BACKOFF_MAX * 1000);
    return { action: 'replace', delayMs, unstableInARow: this.unstableInARow };
  }

  /** A restart by hand starts the count afresh. */
  reset(): void {
    this.unstableInARow = 0;
  }
}
