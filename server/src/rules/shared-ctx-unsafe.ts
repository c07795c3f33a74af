/**
 * WM-D3: a plain object (a literal, a builtin container) is put on the shared context. Only process-sharing
 * objects are shared; anything else is copied into each worker, and the library warns about it at run time.
 */
import type { Exec, Span, Value } from '../analysis/model';
import type { Finding, Rule, RuleContext } from './types';
import { sharedCtxWrites } from './shared-ctx-target';

/** Python type names as Sanic's warning prints them (`type(value)`). */
const PY_TYPES: Record<string, string> = {
  int: 'int', float: 'float', complex: 'complex', str: 'str', bytes: 'bytes', bool: 'bool', None: 'NoneType', list: 'list', dict: 'dict',
  set: 'set', generator: 'generator', ellipsis: 'ellipsis',
};
/** JS type names as the manager's warning prints them. */
const TS_TYPES: Record<string, string> = {
  number: 'number', bigint: 'bigint', string: 'string', boolean: 'boolean', null: 'null', undefined: 'undefined', RegExp: 'RegExp',
  array: 'Array', object: 'Object', class: 'function', symbol: 'symbol',
};

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
    // A computed key (`app.sharedCtx[key] = 1`) is named at run time only.
    const name = w.name === '[]' ? 'under a computed key' : `\`${w.name}\``;
    const oneProcess = unsafe.oneProcess ? ` A \`${unsafe.type}\` works within one process only: use its multiprocessing counterpart.` : '';
    const message = py
      ? `Unsafe object ${name} with type \`<class '${unsafe.type}'>\` was added to shared_ctx. It may not function as intended: ` +
        `only multiprocessing and ctypes objects (Queue, Value, Array, Lock, ...) are shared, every worker gets its own copy of anything else.${oneProcess} ` +
        `Consider using the regular ctx (\`${w.receiver}.ctx\`).`
      : `Unsafe object ${name} with type \`${unsafe.type}\` was added to sharedCtx. It may not function as intended: each worker gets ` +
        `a copy. Use the regular context (\`${w.receiver}.ctx\`), or a shared primitive (Value, Queue, SharedArray, Lock, Event, Semaphore).`;
    findings.push({ code: 'WM-D3', span: unsafe.span, message });
  }
  return findings;
};

interface Unsafe {
  /** The type as the library's warning names it. */
  type: string;
  span: Span;
  /** A standard-library object meant for threads or tasks (`queue.Queue`, `threading.Lock`). */
  oneProcess?: boolean;
}

/**
 * The first part of a value the library warns about. Sanic checks each item of a tuple or frozenset (not deeper:
 * a nested tuple is itself `<class 'tuple'>`), anything else as a whole; the manager checks the value as a whole.
 */
function unsafeValue(v: Value, ctx: RuleContext, exec: Exec): Unsafe | null {
  const items = checkedItems(v, ctx, exec);
  if (items === 'unknown') return null;
  if (!items) return unsafeObject(v, ctx, exec);
  for (const item of items) {
    const u = unsafeObject(item, ctx, exec);
    if (u) return u;
  }
  return null;
}

/** The items the library checks one by one: of a tuple, or of what `tuple(...)` / `frozenset(...)` makes of a literal. */
function checkedItems(v: Value, ctx: RuleContext, exec: Exec): Value[] | 'unknown' | null {
  if (v.kind === 'sequence') return v.items;
  if (v.kind !== 'call' || v.callee.length === 0) return null;
  const callee = ctx.sem.resolve(v.callee, exec, v.span.start);
  if (callee.k !== 'builtin' || !ctx.dialect.itemwiseBuiltins.has(callee.name)) return null;
  const arg = v.args[0];
  if (!arg && v.keywords.length === 0) return [];
  if (!arg || v.args.length > 1) return 'unknown';
  if (arg.kind === 'sequence') return arg.items;
  if (arg.kind === 'literal' && arg.items) return arg.items;
  // The characters of a string, the ints of a bytes literal.
  if (arg.kind === 'literal' && (arg.type === 'str' || arg.type === 'bytes') && arg.text !== undefined) {
    return arg.text === '' ? [] : [{ kind: 'literal', type: arg.type === 'str' ? 'str' : 'int', span: arg.span }];
  }
  return 'unknown';
}

function unsafeObject(v: Value, ctx: RuleContext, exec: Exec): Unsafe | null {
  const py = ctx.dialect.language === 'python';
  switch (v.kind) {
    case 'literal': {
      const type = (py ? PY_TYPES : TS_TYPES)[v.type];
      return type ? { type, span: v.span } : null;
    }
    case 'sequence':
      return { type: v.type, span: v.span };
    case 'function':
      return { type: 'function', span: v.span };
    case 'call': {
      if (v.callee.length === 0) return null;
      const callee = ctx.sem.resolve(v.callee, exec, v.span.start);
      if (callee.k === 'plainType') return { type: callee.type, span: v.span, oneProcess: true };
      if (callee.k !== 'builtin') return null;
      const type = ctx.dialect.itemwiseBuiltins.has(callee.name) ? callee.name : ctx.dialect.builtinType(callee.name, v.isNew, v.args.length);
      return type ? { type, span: v.span } : null;
    }
    default:
      return null;
  }
}
