/**
 * WM-D3: a plain object (a literal, a builtin container) is put on the shared context. Only process-sharing
 * objects are shared; anything else is copied into each worker, and the library warns about it at run time.
 */
import type { Value } from '../analysis/model';
import type { Semantics } from '../analysis/semantics';
import type { Finding, Rule, RuleContext } from './types';
import { sharedCtxWrites } from './shared-ctx-target';

/** Python type names as Sanic's warning prints them (`type(value)`). */
const PY_TYPES: Record<string, string> = { int: 'int', float: 'float', complex: 'complex', str: 'str', bytes: 'bytes', bool: 'bool', None: 'NoneType', list: 'list', dict: 'dict', set: 'set', generator: 'generator' };
/** JS type names as the manager's warning prints them. */
const TS_TYPES: Record<string, string> = { number: 'number', bigint: 'bigint', string: 'string', boolean: 'boolean', null: 'null', undefined: 'undefined', RegExp: 'RegExp', array: 'Array', object: 'Object', class: 'function' };

export const sharedCtxUnsafe: Rule = (ctx) => {
  const findings: Finding[] = [];
  const py = ctx.dialect.language === 'python';
  for (const w of sharedCtxWrites(ctx)) {
    const a = w.assign;
    if (a.op !== 'assign' || !a.value) continue;
    // Sanic exempts its own `_lock`; the manager exempts every `_private` key.
    if (py ? w.name === '_lock' : w.name.startsWith('_')) continue;
    const unsafe = unsafeValue(a.value, ctx, a.exec);
    if (!unsafe) continue;
    const message = py
      ? `Unsafe object \`${w.name}\` with type \`<class '${unsafe.type}'>\` was added to shared_ctx. It may not function as intended: ` +
        `only multiprocessing and ctypes objects (Queue, Value, Array, Lock, ...) are shared, every worker gets its own copy of anything else. ` +
        `Consider using the regular ctx (\`${w.receiver}.ctx\`).`
      : `Unsafe object \`${w.name}\` with type \`${unsafe.type}\` was added to sharedCtx. It may not function as intended: each worker gets ` +
        `a copy. Use the regular context (\`${w.receiver}.ctx\`), or a shared primitive (Value, Queue, SharedArray, Lock, Event, Semaphore).`;
    findings.push({ code: 'WM-D3', span: unsafe.span, message });
  }
  return findings;
};

function unsafeValue(v: Value, ctx: RuleContext, exec: Parameters<Semantics['symOfValue']>[1]): { type: string; span: Value['span'] } | null {
  const py = ctx.dialect.language === 'python';
  switch (v.kind) {
    case 'literal': {
      const type = (py ? PY_TYPES : TS_TYPES)[v.type];
      return type ? { type, span: v.span } : null;
    }
    case 'sequence':
      // Sanic checks a tuple's items one by one: a tuple of queues is fine, an empty tuple warns about nothing.
      for (const item of v.items) {
        const u = unsafeValue(item, ctx, exec);
        if (u) return u;
      }
      return null;
    case 'function':
      return { type: py ? 'function' : 'function', span: v.span };
    case 'call': {
      if (v.callee.length === 0) return null;
      const callee = ctx.sem.resolve(v.callee, exec, v.span.start);
      return callee.k === 'builtin' && ctx.dialect.plainBuiltins.has(callee.name) ? { type: callee.name, span: v.span } : null;
    }
    default:
      return null;
  }
}
