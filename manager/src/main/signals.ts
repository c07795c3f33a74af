/**
 * The manager's signals: SIGINT/SIGTERM stop the app gracefully, the same signal again kills everything at once,
 * SIGHUP reloads every server worker with zero downtime (as nginx and gunicorn do).
 */
import { log } from '../log';

export interface SignalActions {
  /** Graceful stop; returns false when a stop is already under way (the next signal then forces). */
  stop(signal: NodeJS.Signals): boolean;
  force(signal: NodeJS.Signals): void;
  reload(): void;
}

export class ManagerSignals {
  private stopping = false;
  private readonly onStop = (signal: NodeJS.Signals) => {
    if (!this.stopping && this.actions.stop(signal)) {
      this.stopping = true;
      log.info(`Received ${signal}: stopping gracefully (again to force).`);
      return;
    }
    log.warn(`Received ${signal} again: killing every process now.`);
    this.actions.force(signal);
  };
  private readonly onHangup = () => this.actions.reload();

  constructor(private readonly actions: SignalActions) {}

  install(): void {
    process.on('SIGINT', this.onStop);
    process.on('SIGTERM', this.onStop);
    process.on('SIGHUP', this.onHangup);
  }

  remove(): void {
    process.off('SIGINT', this.onStop);
    process.off('SIGTERM', this.onStop);
    process.off('SIGHUP', this.onHangup);
  }
}
