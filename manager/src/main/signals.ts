/**
 * The manager's signals: SIGINT/SIGTERM stop the app gracefully, a signal while it is already stopping kills
 * everything at once, SIGHUP reloads every server worker with zero downtime (as nginx and gunicorn do).
 */
import { log } from '../log';

export interface SignalActions {
  /** True once a stop is under way, whoever started it. */
  stopping(): boolean;
  stop(): void;
  force(): void;
  reload(): void;
}

export class ManagerSignals {
  private readonly onStop = (signal: NodeJS.Signals) => {
    if (!this.actions.stopping()) {
      log.info(`Received ${signal}: stopping gracefully (again to force).`);
      this.actions.stop();
      return;
    }
    log.warn(`Received ${signal} while stopping: killing every process now.`);
    this.actions.force();
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
