/** What a name or member chain denotes, as far as the worker-manager rules care. */
export type Sym =
  /** 'sanic', 'sanic.worker.manager', 'multiprocessing', 'worker-manager', ... */
  | { k: 'module'; name: string }
  /** 'Sanic', 'Blueprint', 'WorkerManager' (Python); 'App', 'WorkerManager' (TS). */
  | { k: 'class'; name: string }
  /** A function that returns something we track: `Sanic.get_app` → app, `get_context` → a multiprocessing context. */
  | { k: 'factory'; name: string; makes: Sym }
  /** A process-sharing primitive's class or factory (`multiprocessing.Queue`, our `Queue`). */
  | { k: 'primitive'; name: string }
  /** A library function the rules look at: 'set_start_method', 'isMain', 'serve', 'serve_single'. */
  | { k: 'libfn'; name: string }
  | { k: 'app' }
  | { k: 'blueprint' }
  | { k: 'multiplexer' }
  | { k: 'manager' }
  | { k: 'sharedCtx' }
  /** A multiprocessing context (`get_context("spawn")`): its members make primitives. */
  | { k: 'mpContext' }
  /** An object made by calling a primitive. */
  | { k: 'instance'; of: string }
  /** A function defined in this file. */
  | { k: 'function'; id: number }
  /**
   * A standard-library class whose objects are not shared between processes (`queue.Queue`, `threading.Lock`,
   * `asyncio.Queue`): `type` is the type as Python prints it (`queue.Queue`, `_thread.lock`).
   */
  | { k: 'plainType'; type: string }
  /** A builtin the module does not shadow: `dict`, `int` (Python), `Map`, `Object` (TS). */
  | { k: 'builtin'; name: string }
  /** A member of something known that is not itself tracked: `Sanic.start_method`, `app.config`. */
  | { k: 'member'; of: Sym; name: string }
  /**
   * Something we cannot see into: an import from elsewhere, a parameter, an unbound name, a local value, a name
   * bound by code that is not followed ('rebound': `a, b = f()`, `x += 1`, a loop variable).
   */
  | { k: 'unknown'; origin: 'import' | 'param' | 'unbound' | 'value' | 'rebound' };

export const UNKNOWN_VALUE: Sym = { k: 'unknown', origin: 'value' };
