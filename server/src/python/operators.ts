/**
 * The type of a Python operator's result on literal operands, where it is certain: `1 + 2` is an int, `"a" * 3` a
 * str, `not x` a bool. Sanic's shared-context check sees the result, so WM-D3 must too. Undefined when it depends on
 * values (`2 ** -1` is a float) or the operation raises.
 */
import type { Value } from '../analysis/model';

/** Numeric types in promotion order; bool counts as int in arithmetic. */
const NUMERIC = ['bool', 'int', 'float', 'complex'];
const rank = (t: string | undefined): number => (t === undefined ? -1 : NUMERIC.indexOf(t));
const isIntLike = (t: string | undefined): boolean => t === 'bool' || t === 'int';
const SCALARS = new Set([...NUMERIC, 'str', 'bytes', 'None']);
/** Comparisons that give a bool whatever their operands. */
const ALWAYS_BOOL = new Set(['is', 'is not', 'in', 'not in']);

export const literalType = (v: Value): string | undefined => (v.kind === 'literal' ? v.type : undefined);

export function binaryType(op: string, left: Value, right: Value, negativeExponent: boolean): string | undefined {
  const l = literalType(left);
  const r = literalType(right);
  if (l === undefined || r === undefined) return undefined;
  const lr = rank(l);
  const rr = rank(r);
  if (lr >= 0 && rr >= 0) return numericType(op, l, r, Math.max(lr, rr), negativeExponent);
  // Sequences: concatenation, repetition by an int, and %-formatting of strings.
  for (const seq of ['str', 'bytes', 'list']) {
    if (op === '+' && l === seq && r === seq) return seq;
    if (op === '*' && ((l === seq && isIntLike(r)) || (isIntLike(l) && r === seq))) return seq;
    if (op === '%' && l === seq && seq !== 'list') return seq;
  }
  return undefined;
}

function numericType(op: string, l: string, r: string, top: number, negativeExponent: boolean): string | undefined {
  const arithmetic = NUMERIC[Math.max(1, top)];
  switch (op) {
    case '+':
    case '-':
    case '*':
      return arithmetic;
    case '/':
      return top === 3 ? 'complex' : 'float';
    case '//':
    case '%':
      return top === 3 ? undefined : arithmetic;
    case '**':
      // A negative float base with a fractional exponent gives a complex: only ints are certain.
      return isIntLike(l) && isIntLike(r) ? (negativeExponent ? 'float' : 'int') : undefined;
    case '&':
    case '|':
    case '^':
      return l === 'bool' && r === 'bool' ? 'bool' : isIntLike(l) && isIntLike(r) ? 'int' : undefined;
    case '<<':
    case '>>':
      return isIntLike(l) && isIntLike(r) ? 'int' : undefined;
    default:
      return undefined;
  }
}

export function unaryType(op: string, operand: Value): string | undefined {
  const t = literalType(operand);
  if (rank(t) < 0) return undefined;
  if (op === '~') return isIntLike(t) ? 'int' : undefined;
  return t === 'bool' ? 'int' : t;
}

/** `a < b == c`: a bool when every comparison gives one (its operators always do, or it compares literals). */
export function comparisonType(operators: string[], operands: Value[]): string | undefined {
  if (operators.length === 0 || operands.length !== operators.length + 1) return undefined;
  // Containers compare their items with the items' own operators, which may give anything.
  const scalar = (v: Value): boolean => SCALARS.has(literalType(v) ?? '');
  return operators.every((op, i) => ALWAYS_BOOL.has(op) || (scalar(operands[i]) && scalar(operands[i + 1]))) ? 'bool' : undefined;
}

/** `a or b`, `a if c else b`: the result is one of the two; certain when both are literals of one type. */
export function eitherType(a: Value, b: Value): string | undefined {
  const t = literalType(a);
  return t !== undefined && t === literalType(b) ? t : undefined;
}
