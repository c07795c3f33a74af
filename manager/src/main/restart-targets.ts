/** Which processes a restart order names, with Sanic's rules, and a clear refusal for anything else. */
import { WorkerManagerError } from '../errors';
import type { RestartParams } from '../protocol';
import { FINAL_STATES } from '../states';
import type { WorkerProcess } from './process';

/**
 * Names: those processes. `allWorkers` or no names: every transient process that is still in the app (server
 * workers included). Durable custom processes restart only when named, restartable, and in a final state.
 */
export function restartTargets(slots: Map<string, WorkerProcess>, params: RestartParams): WorkerProcess[] {
  const names = (params.names ?? []).filter(Boolean);
  if (params.allWorkers || names.length === 0) {
    return [...slots.values()].filter((s) => s.transient && !s.retired);
  }
  return names.map((name) => {
    const slot = slots.get(name);
    if (!slot) {
      throw new WorkerManagerError(`No process named "${name}".`, `Known processes: ${[...slots.keys()].join(', ')}.`);
    }
    if (!slot.restartable) {
      throw new WorkerManagerError(
        `${name} is not restartable.`,
        slot.kind === 'custom' ? 'Manage it with { restartable: true } (or transient: true) to restart it by hand.' : undefined,
      );
    }
    if (slot.isServer && slot.retired && !slot.record.crash_loop) {
      throw new WorkerManagerError(`${name} was removed by a scale-down.`, 'Scale up to add server workers.');
    }
    if (slot.kind === 'custom' && !slot.transient && !FINAL_STATES.has(slot.state) && slot.state !== 'NONE') {
      throw new WorkerManagerError(
        `Cannot restart ${name}: it is a durable process in state ${slot.state}, and those restart only from a final state.`,
        'Wait until it is COMPLETED or FAILED, or manage it with transient: true.',
      );
    }
    return slot;
  });
}
