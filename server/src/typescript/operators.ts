/**
 * The type (`typeof`, as the manager's unsafe-object warning names it) of a JS operator's result, where it is
 * certain whatever the operands hold: `!x` is a boolean, `'a' + x` a string, `1 + 2` a number.
 */
import ts from 'typescript';
import type { Value } from '../analysis/model';

const SK = ts.SyntaxKind;

const literalType = (v: Value): string | undefined => (v.kind === 'literal' ? v.type : undefined);

const COMPARISONS = new Set([
  SK.EqualsEqualsToken, SK.EqualsEqualsEqualsToken, SK.ExclamationEqualsToken, SK.ExclamationEqualsEqualsToken, SK.LessThanToken,
  SK.LessThanEqualsToken, SK.GreaterThanToken, SK.GreaterThanEqualsToken, SK.InstanceOfKeyword, SK.InKeyword,
]);
/** Arithmetic other than `+`: a number, unless both operands are bigints. */
const ARITHMETIC = new Set([
  SK.MinusToken, SK.AsteriskToken, SK.SlashToken, SK.PercentToken, SK.AsteriskAsteriskToken, SK.AmpersandToken, SK.BarToken,
  SK.CaretToken, SK.LessThanLessThanToken, SK.GreaterThanGreaterThanToken,
]);
const LOGICAL = new Set([SK.AmpersandAmpersandToken, SK.BarBarToken, SK.QuestionQuestionToken]);

export function binaryType(op: ts.SyntaxKind, left: Value, right: Value): string | undefined {
  const l = literalType(left);
  const r = literalType(right);
  if (COMPARISONS.has(op)) return 'boolean';
  if (op === SK.PlusToken) {
    if (l === 'string' || r === 'string') return 'string';
    return l === 'number' && r === 'number' ? 'number' : undefined;
  }
  // Mixing a number with a bigint throws, so a number operand makes the result a number.
  if (ARITHMETIC.has(op) || op === SK.GreaterThanGreaterThanGreaterThanToken) return l === 'number' || r === 'number' || op === SK.GreaterThanGreaterThanGreaterThanToken ? 'number' : undefined;
  if (LOGICAL.has(op)) return eitherType(left, right);
  return undefined;
}

/** `a || b`, `c ? a : b`: the result is one of the two; certain when both are literals of one type. */
export function eitherType(a: Value, b: Value): string | undefined {
  const t = literalType(a);
  return t !== undefined && t === literalType(b) ? t : undefined;
}

export function prefixType(op: ts.SyntaxKind, operand: Value): string | undefined {
  if (op === SK.ExclamationToken) return 'boolean';
  const t = literalType(operand);
  // Unary plus makes a number of anything (a bigint throws); minus and ~ keep a number or a bigint.
  if (op === SK.PlusToken) return 'number';
  if (op === SK.MinusToken || op === SK.TildeToken) return t === 'number' || t === 'bigint' ? t : undefined;
  return undefined;
}
