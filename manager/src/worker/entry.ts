/**
 * What every process the manager starts runs (WM-3: a fresh Node process that loads the app module again).
 * WM_PROCESS_KIND says what to run once the app is loaded: a server worker, the inspector, the reloader, or a
 * custom process. The manager forks the package's own main module, which calls runWorker() when it is the main
 * module (see main/entry-path.ts).
 */
import type { App } from '../app';
import { serializeError } from '../errors';
import { loadApp, locatorFromEnv } from '../loader';
import { log, setLogProcessName } from '../log';
import type { MainMessage, ProcessKind, SharedDescriptor } from '../protocol';
import { loadSharedContext } from '../shared/context';
import { primitiveFromDescriptor, setSharedTransport } from '../shared/primitives';
import { ManagerLink } from './link';
import { ManagedMultiplexer } from './multiplexer';

/** Runs this process as the manager's child: logs its own failure, the manager reports it. */
export function runWorker(): void {
  main().catch((error) => {
    log.error(serializeError(error).stack ?? String(error));
  });
}

async function main(): Promise<void> {
  if (process.env.WM_BUNDLED === '1') (require('../cli/bundled-package') as typeof import('../cli/bundled-package')).provideBundledPackage(__dirname);
  if (!process.send) {
    process.stderr.write('This is the worker manager\'s child entry point; start the app with `wm serve` or app.run().\n');
    process.exit(2);
  }
  const link = new ManagerLink();
  // Ask for these before anything awaits: the manager sends them right after it starts (or adopts) this process.
  const become = process.env.WM_WARM === '1' ? link.next('become') : undefined;
  const init = link.next('init');
  const listen = link.next('listen');
  // Ctrl-C and a closing terminal's SIGHUP reach the whole process group; the manager decides how this process
  // stops (and reloads on SIGHUP).
  const ignoreGroupSignal = (): void => {};
  process.on('SIGINT', ignoreGroupSignal);
  process.on('SIGHUP', ignoreGroupSignal);
  if (become) {
    // Forked ahead of time (main/warm-start.ts): wait to be given a role (the link ends it if the manager goes first).
    applyEnv((await become).env);
  }
  const name = process.env.WM_PROCESS_NAME ?? 'WM-Unknown';
  const kind = (process.env.WM_PROCESS_KIND ?? 'server') as ProcessKind;
  setLogProcessName(name);
  link.send({ t: 'started' });
  // Custom processes get these the usual way (Sanic's contract: a long-running one stops on SIGINT/SIGTERM).
  if (kind === 'custom') {
    process.off('SIGINT', ignoreGroupSignal);
    process.off('SIGHUP', ignoreGroupSignal);
  }

  // Until the process is up, any error is a start-up failure the manager reports by name.
  let failed = false;
  const failStart = (phase: 'load' | 'start', error: unknown): void => {
    if (failed) return;
    failed = true;
    link.send({ t: 'failed', phase, error: serializeError(error) });
    // Let the message reach the manager before exiting.
    setTimeout(() => process.exit(1), 50);
  };
  const onUncaught = (error: unknown) => failStart('start', error);
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);

  let app: App;
  try {
    app = await loadApp(locatorFromEnv());
    Object.assign(app.config, JSON.parse(process.env.WM_CONFIG_JSON ?? '{}'));
  } catch (error) {
    failStart('load', error);
    return;
  }

  try {
    const { sharedCtx, table } = (await init) as Extract<MainMessage, { t: 'init' }>;
    setSharedTransport((id, op, args) => link.call('shared', { id, op, args }));
    loadSharedContext(app.sharedCtx, materialize(sharedCtx));
    app.attachMultiplexer(new ManagedMultiplexer(link, name, table));

    switch (kind) {
      case 'server': {
        const { port } = (await listen) as Extract<MainMessage, { t: 'listen' }>;
        const { serveWorker } = require('./serve') as typeof import('./serve.js');
        await serveWorker(app, link, link.takeListenHandle(), port);
        break;
      }
      case 'custom': {
        const { runCustomProcess } = require('./custom') as typeof import('./custom.js');
        await runCustomProcess(link, () => {
          process.off('uncaughtException', onUncaught);
          process.off('unhandledRejection', onUncaught);
        });
        return;
      }
      case 'inspector': {
        const { runInspectorProcess } = require('../inspector/process') as typeof import('../inspector/process.js');
        await runInspectorProcess(app, link);
        link.send({ t: 'ack' });
        break;
      }
      case 'reloader': {
        const { runReloaderProcess } = require('../reloader') as typeof import('../reloader.js');
        await runReloaderProcess(app, link);
        link.send({ t: 'ack' });
        break;
      }
    }
  } catch (error) {
    failStart('start', error);
    return;
  }
  // Serving: from here an uncaught error crashes this process the usual Node way, and the manager replaces it.
  process.off('uncaughtException', onUncaught);
  process.off('unhandledRejection', onUncaught);
}

function applyEnv(changes: Record<string, string | null>): void {
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) delete process.env[key];
    else process.env[key] = value;
  }
}

function materialize(descriptors: Record<string, SharedDescriptor>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, d] of Object.entries(descriptors)) {
    out[key] = d.kind === 'primitive' ? primitiveFromDescriptor(d.type, d.id) : d.value;
  }
  return out;
}
