// Runs the load generator (load.mjs) in its own process and hands back its results.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const LOAD = fileURLToPath(new URL('./load.mjs', import.meta.url));

/**
 * Starts load on `url`. `during({ startedAt })` runs once the load has started; when it settles the load is
 * stopped (the load also stops on its own after durationS, its hard bound). Resolves with
 * { summary, accounting?, samples?, startedAt, during } once both are over.
 */
export async function runLoad(config, during) {
  const child = fork(LOAD, [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let startedAt;
  let duringPromise = Promise.resolve(undefined);
  const result = await new Promise((resolve, reject) => {
    let finished = false;
    child.on('message', (m) => {
      if (m.started) {
        startedAt = m.started;
        if (during) {
          duringPromise = Promise.resolve().then(() => during({ startedAt }));
          duringPromise
            .catch(() => {})
            .finally(() => {
              if (!finished && child.connected) child.send('stop');
            });
        }
        return;
      }
      finished = true;
      if (m.error) reject(new Error(m.error));
      else resolve(m);
    });
    child.on('exit', (code) => {
      if (!finished) reject(new Error(`load generator exited with ${code} before reporting`));
    });
    child.send(config);
  });
  return { ...result, startedAt, during: await duringPromise };
}
