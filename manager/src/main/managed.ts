/** Custom processes (WM-13): checking a `manage(...)` call and turning it into the slots it adds. */
import { WorkerManagerError } from '../errors';
import type { ManageOptions } from '../protocol';
import type { SlotOptions } from './process';
import { resolveProcessTarget, type ProcessFunction } from './targets';

/** First words of the manager's own process names: a custom process named so could take a built-in one's name. */
const RESERVED_NAMES = ['Main', 'Server', 'Inspector', 'Reloader'];

/** The slots for `manage(name, fn, kwargs, options)`: `WM-<name>-<i>`, one per worker, with Sanic's rules. */
export function planManagedProcesses(
  name: string,
  fn: ProcessFunction | string,
  kwargs: Record<string, unknown>,
  options: ManageOptions,
  exists: (processName: string) => boolean,
): SlotOptions[] {
  if (typeof name !== 'string' || name.trim() === '') throw new WorkerManagerError('manage() needs a process name.');
  // Names travel in comma-separated lists (restart("a,b"), wm inspect restart a b) and in URLs.
  if (!/^[A-Za-z0-9][\w.-]*$/.test(name)) {
    throw new WorkerManagerError(
      `manage(${JSON.stringify(name)}): a process name is letters, digits, "_", "-" and "." (starting with a letter or digit).`,
      'For example manage("Mailer", ...), which runs as WM-Mailer-0.',
    );
  }
  const builtIn = RESERVED_NAMES.find((reserved) => name.split('-')[0].toLowerCase() === reserved.toLowerCase());
  if (builtIn) {
    throw new WorkerManagerError(
      `manage(${JSON.stringify(name)}): "${builtIn}" names the manager's own processes (WM-Main, WM-Server-<i>-<n>, WM-Inspector-0, WM-Reloader-0).`,
      'Choose another name, e.g. manage("Mailer", ...).',
    );
  }
  if (options.transient && options.restartable === false) {
    throw new WorkerManagerError(
      `manage("${name}"): a transient process is always restartable; transient: true with restartable: false is a contradiction.`,
      'Drop restartable: false, or make the process durable (transient: false).',
    );
  }
  const workers = options.workers ?? 1;
  if (!Number.isInteger(workers) || workers < 1) throw new WorkerManagerError(`manage("${name}"): workers must be a whole number of at least 1.`);
  const names = Array.from({ length: workers }, (_, i) => `WM-${name}-${i}`);
  const taken = names.filter(exists);
  if (taken.length) {
    throw new WorkerManagerError(`A process named ${taken.join(', ')} already exists.`, 'Give each managed process its own name.');
  }
  let kwargsJson: string;
  try {
    kwargsJson = JSON.stringify(kwargs ?? {});
  } catch {
    throw new WorkerManagerError(`manage("${name}"): kwargs must be plain JSON data to reach a fresh process.`);
  }
  const target = resolveProcessTarget(fn, name);
  const transient = Boolean(options.transient);
  return names.map((processName) => ({
    name: processName,
    kind: 'custom' as const,
    restartable: transient || Boolean(options.restartable),
    transient,
    tracked: options.tracked ?? true,
    env: { WM_CUSTOM_TARGET: target, WM_CUSTOM_KWARGS: kwargsJson },
  }));
}
