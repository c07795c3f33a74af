/**
 * A custom process (WM-13): run the app's function with its kwargs; exit 0 when it returns (COMPLETED), 1 when it
 * throws (FAILED). A long-running function stops on SIGINT/SIGTERM: Node's default for those signals ends the
 * process unless the function handles them itself.
 */
import { loadProcessTarget } from '../main/targets';
import type { ManagerLink } from './link';

export async function runCustomProcess(link: ManagerLink, started: () => void): Promise<void> {
  const target = process.env.WM_CUSTOM_TARGET;
  if (!target) throw new Error('WM_CUSTOM_TARGET is not set.');
  const kwargs = JSON.parse(process.env.WM_CUSTOM_KWARGS ?? '{}') as Record<string, unknown>;
  const fn = await loadProcessTarget(target);
  link.send({ t: 'ack' });
  started();
  // The manager going away must not leave this process behind.
  link.whenManagerLost(() => process.exit(0));
  try {
    await fn(kwargs);
  } catch (error) {
    process.stderr.write(`[${process.env.WM_PROCESS_NAME}] ERROR ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  }
  process.exit(0);
}
