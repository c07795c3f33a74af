/** Hover on worker-manager APIs: what the name does and where it may be used, with a link to the docs. */
import type { Hover } from 'vscode-languageserver/node';
import type { Analysis } from './analyzer';
import type { Exec, Path, Span } from './analysis/model';
import type { Sym } from './analysis/symbols';

const SANIC = 'https://sanic.dev/en/guide/deployment/manager.html';
const OURS = 'https://github.com/worker-manager/worker-manager/blob/main/docs/rules.md';

type Docs = Record<string, [signature: string, text: string, link: string]>;

const PY: Docs = {
  'multiplexer.name': ['name: str', "This process's name, e.g. `Sanic-Server-0-0`.", `${SANIC}#access-to-the-multiplexer`],
  'multiplexer.pid': ['pid: int', "This process's pid.", `${SANIC}#access-to-the-multiplexer`],
  'multiplexer.state': ['state', "This process's state record: `server`, `state` (NONE … COMPLETED), `pid`, `start_at`, `starts`, `restart_at`.", `${SANIC}#worker-state`],
  'multiplexer.workers': ['workers: dict', 'Every process\'s state record, `Sanic-Main` included.', `${SANIC}#worker-state`],
  'multiplexer.restart': ['restart(name="", all_workers=False, zero_downtime=False)', 'Restarts this worker, the named workers (comma-separated), or all of them; `zero_downtime=True` starts each replacement before stopping the old one.', `${SANIC}#access-to-the-multiplexer`],
  'multiplexer.reload': ['reload(...)', 'Alias of `restart()`.', `${SANIC}#access-to-the-multiplexer`],
  'multiplexer.scale': ['scale(num_workers: int)', 'Changes the number of server workers.', `${SANIC}#access-to-the-multiplexer`],
  'multiplexer.terminate': ['terminate(early=False)', 'Shuts the whole application down.', `${SANIC}#access-to-the-multiplexer`],
  'multiplexer.manage': ['manage(ident, func, kwargs, transient=False, restartable=None, tracked=False, auto_start=True, workers=1)', 'Starts a managed process on the fly, from inside a worker.', `${SANIC}#on-the-fly-process-management`],
  'manager.manage': ['manage(name, func, kwargs, transient=False, restartable=None, tracked=True, auto_start=True, workers=1)', 'Registers a custom process. Call it in a `main_process_ready` listener (main process only).', `${SANIC}#running-custom-processes`],
  'app.shared_ctx': ['shared_ctx', 'Objects shared between the server workers (multiprocessing Queue, Value, Array, Lock, …). Fill it in a `main_process_start` listener only.', `${SANIC}#using-shared-context-between-worker-processes`],
  'app.m': ['m: WorkerMultiplexer', "The multiplexer: this worker's view of and handle on the manager (workers only).", `${SANIC}#access-to-the-multiplexer`],
  'app.multiplexer': ['multiplexer: WorkerMultiplexer', 'Same as `app.m`.', `${SANIC}#access-to-the-multiplexer`],
  'app.manager': ['manager: WorkerManager', 'The worker manager, in the main process only; use it in `main_process_ready`.', `${SANIC}#running-custom-processes`],
  'app.run': ['run(...)', 'Starts the server. Workers import this module again: call it under `if __name__ == "__main__":`.', `${SANIC}#how-sanic-server-starts-processes`],
  'app.prepare': ['prepare(...)', 'Prepares the server for `Sanic.serve()`; both belong under `if __name__ == "__main__":`.', `${SANIC}#how-sanic-server-starts-processes`],
  'app.main_process_start': ['@app.main_process_start', 'Runs once in the main process before the workers start: the place to fill `app.shared_ctx`.', `${SANIC}#using-shared-context-between-worker-processes`],
  'app.main_process_ready': ['@app.main_process_ready', 'Runs in the main process once the worker manager exists: the place for `app.manager.manage(...)`.', `${SANIC}#running-custom-processes`],
  'Sanic.serve': ['Sanic.serve(primary=None, ...)', 'Serves the prepared apps; call it under `if __name__ == "__main__":`.', `${SANIC}#how-sanic-server-starts-processes`],
  'Sanic.serve_single': ['Sanic.serve_single(primary=None)', 'Serves in this process only (no manager); call it under `if __name__ == "__main__":`.', `${SANIC}#single-process-mode`],
  'WorkerManager.THRESHOLD': ['THRESHOLD = 300', 'How long the manager waits for every worker to acknowledge start-up, in units of 0.1 s. Set it early, at module level.', `${SANIC}#worker-ack`],
  'Sanic.start_method': ['start_method = "spawn"', 'How Sanic starts worker processes: "spawn", "fork" or "forkserver". Set it early, at module level.', `${SANIC}#sanic-and-start-method`],
  'Sanic.START_METHOD_SET': ['START_METHOD_SET = False', 'True tells Sanic the multiprocessing start method is already set (by `multiprocessing.set_start_method`).', `${SANIC}#overcoming-a-coderuntimeerrorcode`],
  primitive: ['multiprocessing primitive', 'Made in the main process in a `main_process_start` listener and put on `app.shared_ctx`, it is shared by every worker.', `${SANIC}#using-shared-context-between-worker-processes`],
  set_start_method: ['multiprocessing.set_start_method(method)', 'Sanic sets the start method itself; setting it first needs `Sanic.START_METHOD_SET = True` and a matching `Sanic.start_method`.', `${SANIC}#overcoming-a-coderuntimeerrorcode`],
};

const TS: Docs = {
  'multiplexer.name': ['name: string', "This process's name, e.g. `WM-Server-0-0`.", `${OURS}#wm-d7`],
  'multiplexer.pid': ['pid: number', "This process's pid.", `${OURS}#wm-d7`],
  'multiplexer.state': ['state: ProcessRecord', "This process's state record; set your own keys on it.", `${OURS}#wm-d7`],
  'multiplexer.workers': ['workers: ProcessTable', "Every process's record, `WM-Main` included.", `${OURS}#wm-d7`],
  'multiplexer.restart': ['restart(names?: string | string[] | RestartOptions, options?: RestartOptions)', 'Restarts this process, named ones (`names`, or `name` comma-separated), or `{ allWorkers: true }`; `zeroDowntime` starts each replacement before stopping the old one; `wait` answers once done.', `${OURS}#wm-d7`],
  'multiplexer.scale': ['scale(replicas: number, options?: { wait?: boolean })', 'Changes the number of server workers; `wait` answers once the new ones serve.', `${OURS}#wm-d7`],
  'multiplexer.terminate': ['terminate()', 'Shuts the whole app down.', `${OURS}#wm-d7`],
  'multiplexer.manage': ['manage(name, fn, kwargs?, options?)', 'Starts a managed process on the fly from a worker; options `transient`, `tracked`, `restartable`, `workers`.', `${OURS}#wm-d5`],
  'manager.manage': ['manage(name, fn, kwargs?, options?)', 'Registers a custom process. Call it in a `mainProcessReady` listener (main process only).', `${OURS}#wm-d5`],
  'app.sharedCtx': ['sharedCtx', 'Shared primitives (Queue, Value, SharedArray, Lock, Event, Semaphore) for every server worker. Fill it in a `mainProcessStart` listener only.', `${OURS}#wm-d2`],
  'app.m': ['m: Multiplexer', "This process's view of and handle on the manager (managed processes only).", `${OURS}#wm-d7`],
  'app.multiplexer': ['multiplexer: Multiplexer', 'Same as `app.m`.', `${OURS}#wm-d7`],
  'app.manager': ['manager: WorkerManager', 'The worker manager, in the main process while the app runs; use it in `mainProcessReady`.', `${OURS}#wm-d5`],
  'app.run': ['run(options?: RunOptions): Promise<void>', 'Runs the app under the manager. Every worker loads this module again: call it behind `require.main === module` or `isMain(import.meta)`.', `${OURS}#wm-d1`],
  'app.mainProcessStart': ['mainProcessStart(fn)', 'Runs once in the main process before the workers start: the place to fill `app.sharedCtx`.', `${OURS}#wm-d2`],
  'app.mainProcessReady': ['mainProcessReady(fn)', 'Runs in the main process once the manager exists: the place for `app.manager.manage(...)`.', `${OURS}#wm-d5`],
  'WorkerManager.THRESHOLD': ['static THRESHOLD = 300', 'How long the manager waits for every process to acknowledge start-up, in units of 0.1 s. Set it early, at module top level.', `${OURS}#wm-d6`],
  isMain: ['isMain(moduleOrMeta): boolean', 'True only in the script node was asked to run, false in every process the manager starts: `if (isMain(module))` / `if (isMain(import.meta))`.', `${OURS}#wm-d1`],
  primitive: ['shared primitive', 'Made in a `mainProcessStart` listener and put on `app.sharedCtx`, it is shared by every worker.', `${OURS}#wm-d4`],
};

function key(sym: Sym, recv: Sym | undefined, name: string): string | undefined {
  if (recv?.k === 'multiplexer') return `multiplexer.${name}`;
  if (recv?.k === 'manager') return `manager.${name}`;
  if (recv?.k === 'app') return `app.${name}`;
  if (sym.k === 'member' && sym.of.k === 'class') return `${sym.of.name}.${name}`;
  if (sym.k === 'libfn') return sym.name === 'serve' || sym.name === 'serve_single' ? `Sanic.${sym.name}` : sym.name;
  if (sym.k === 'primitive') return 'primitive';
  return undefined;
}

export function hover(a: Analysis, offset: number): Hover | null {
  const { facts, sem } = a.ctx;
  const chains: Array<{ path: Path; spans: Span[]; exec: Exec; at: number }> = [
    ...facts.calls.map((c) => ({ path: c.callee, spans: c.calleeSpans, exec: c.exec, at: c.span.start })),
    ...facts.assigns.map((x) => ({ path: x.target, spans: x.targetSpans, exec: x.exec, at: x.span.start })),
    ...facts.refs.map((r) => ({ path: r.path, spans: r.spans, exec: r.exec, at: r.span.start })),
  ];
  const docs = a.support.dialect.language === 'python' ? PY : TS;
  for (const c of chains) {
    const i = c.spans.findIndex((s) => s.start <= offset && offset <= s.end);
    if (i === -1 || c.path[i] === '()' || c.path[i] === '[]') continue;
    const syms = sem.resolvePath(c.path, c.exec, c.at);
    const k = key(syms[i], syms[i - 1], c.path[i]);
    const entry = k && docs[k];
    if (!entry) continue;
    const [signature, text, link] = entry;
    const language = a.support.dialect.language === 'python' ? 'python' : 'typescript';
    return {
      contents: { kind: 'markdown', value: `\`\`\`${language}\n${signature}\n\`\`\`\n${text}\n\n[Worker manager docs](${link})` },
    };
  }
  return null;
}
