/** Inspector settings checks, run in the main process before anything starts. */
import type { Config } from '../config';

export function validateInspectorConfig(_config: Config): void {
  // filled in with the inspector
}
