/**
 * Attribute writes made by calls rather than assignment syntax, as the assignments they amount to:
 * `setattr(o, "k", v)` is `o.k = v`, `delattr(o, "k")` is `del o.k`, `Object.assign(o, { k: v })` is `o.k = v`
 * for each property, `Reflect.set(o, 'k', v)` is `o.k = v`. A key that is not a string literal is the segment
 * '[]' (as `o[key] = v` is); a source whose properties cannot be read (`Object.assign(o, defaults)`) sets
 * every key, the segment '*', with no value.
 */
import type { AttributeWriter, Dialect } from './dialect';
import type { AssignFact, CallFact, Span, Value } from './model';
import type { Sym } from './symbols';

/** Every key of the object: a source whose properties are not known. */
export const EVERY_KEY = '*';

export function attributeWrites(calls: readonly CallFact[], dialect: Dialect, resolve: (c: CallFact) => Sym): AssignFact[] {
  const out: AssignFact[] = [];
  for (const c of calls) {
    const n = c.callee.length;
    if (n === 0 || !dialect.attributeWriterNames.has(c.callee[n - 1])) continue;
    const kind = dialect.attributeWriter(resolve(c));
    const object = c.args[0];
    if (!kind || object?.kind !== 'path') continue;
    out.push(...writesOf(kind, c, object));
  }
  return out;
}

type PathValue = Extract<Value, { kind: 'path' }>;

function writesOf(kind: AttributeWriter, c: CallFact, object: PathValue): AssignFact[] {
  if (kind === 'assign') return c.args.slice(1).flatMap((source) => assignedFrom(c, object, source));
  const key = c.args[1];
  // `setattr(o, "k")` raises TypeError before it writes anything.
  if (!key || (kind === 'setattr' && c.args.length < 3)) return [];
  if (kind === 'delattr') return [write(c, object, keySegment(key), key.span, null, c.span, 'delete')];
  return [write(c, object, keySegment(key), key.span, c.args[2], c.span)];
}

/** The writes `Object.assign` makes from one source: each property of an object literal (and of its spreads), or every key. */
function assignedFrom(c: CallFact, object: PathValue, source: Value, depth = 0): AssignFact[] {
  if (source.kind !== 'literal' || source.type !== 'object' || depth > 8) return [write(c, object, EVERY_KEY, source.span, null, source.span)];
  const writes = (source.props ?? []).map((p) => write(c, object, p.name, p.nameSpan, p.value, { start: p.nameSpan.start, end: Math.max(p.nameSpan.end, p.value.span.end) }));
  for (const spread of source.spreads ?? []) writes.push(...assignedFrom(c, object, spread, depth + 1));
  for (const member of source.unnamed ?? []) writes.push(write(c, object, '[]', member, null, member));
  return writes;
}

function write(c: CallFact, object: PathValue, key: string, keySpan: Span, value: Value | null, at: Span, op: 'assign' | 'delete' = 'assign'): AssignFact {
  return {
    exec: c.exec,
    target: [...object.path, key],
    targetSpans: [...object.spans, keySpan],
    span: at,
    value,
    op,
    stmt: c.stmt,
  };
}

/** A string literal key names the attribute; any other key is computed. */
function keySegment(key: Value): string {
  return key.kind === 'literal' && (key.type === 'str' || key.type === 'string') && key.text !== undefined ? key.text : '[]';
}
