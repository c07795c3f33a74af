/** Every rule, in code order. */
import type { RuleCode } from '../analysis/dialect';
import { mainGuard } from './main-guard';
import { manageListener } from './manage-listener';
import { moduleLevelPrimitive } from './module-level-primitive';
import { sharedCtxListener } from './shared-ctx-listener';
import { sharedCtxUnsafe } from './shared-ctx-unsafe';
import { startConfig } from './start-config';
import type { Finding, Rule, RuleContext } from './types';
import { unknownNames } from './unknown-names';

export const RULES: ReadonlyArray<readonly [RuleCode, Rule]> = [
  ['WM-D1', mainGuard],
  ['WM-D2', sharedCtxListener],
  ['WM-D3', sharedCtxUnsafe],
  ['WM-D4', moduleLevelPrimitive],
  ['WM-D5', manageListener],
  ['WM-D6', startConfig],
  ['WM-D7', unknownNames],
];

/** Runs the enabled rules; findings come out sorted by position. */
export function runRules(ctx: RuleContext, enabled: (code: RuleCode) => boolean): Finding[] {
  const findings: Finding[] = [];
  for (const [code, rule] of RULES) if (enabled(code)) findings.push(...rule(ctx));
  return findings.sort((a, b) => a.span.start - b.span.start || a.code.localeCompare(b.code));
}
