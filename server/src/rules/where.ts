/** Naming, in messages, the place a piece of code runs. */
import { WORKER_ROLE, type Dialect, type Role } from '../analysis/dialect';
import type { CallFact, Exec } from '../analysis/model';
import { displayPath, type Semantics } from '../analysis/semantics';
import { lineOf } from './types';

/**
 * Where code runs: at import time (`via` a module-level call of the function it is in, `fill()`), in functions
 * registered for these roles, or somewhere we cannot tell.
 */
export type Where = { kind: 'module'; via?: CallFact } | { kind: 'roles'; roles: ReadonlySet<Role> } | { kind: 'unknown' };

export function whereIs(exec: Exec, sem: Semantics): Where {
  if (exec.moduleLevel) return { kind: 'module' };
  const via = sem.moduleCallOf(exec.scope);
  if (via) return { kind: 'module', via };
  const roles = sem.rolesOf(exec.scope);
  return roles.size > 0 ? { kind: 'roles', roles } : { kind: 'unknown' };
}

export function roleLabel(role: Role, dialect: Dialect): string {
  if (role === WORKER_ROLE) return dialect.language === 'python' ? 'a request handler' : 'the request handler';
  if (role === 'inspector_command') return 'an inspector command';
  return `a \`${dialect.eventName(role)}\` listener`;
}

/**
 * "at module level" / "in a function called at module level (`fill()` on line 9)" / "in a `before_server_start`
 * listener", naming the first role other than `allowed`.
 */
export function describe(where: Where, allowed: Role, dialect: Dialect, text: string): string {
  if (where.kind === 'module') {
    const level = dialect.language === 'python' ? 'at module level' : 'at module top level';
    return where.via ? `in a function called ${level} (\`${displayPath(where.via.callee)}()\` on line ${viaLine(where.via, text)})` : level;
  }
  if (where.kind === 'unknown') return 'in a function nobody visibly registers';
  const other = [...where.roles].find((r) => r !== allowed) ?? allowed;
  return `in ${roleLabel(other, dialect)}`;
}

/** Code that runs only in the listener for `allowed` (or in functions we cannot place) is fine. */
export function outside(where: Where, allowed: Role): boolean {
  if (where.kind === 'module') return true;
  if (where.kind === 'unknown') return false;
  return [...where.roles].some((r) => r !== allowed);
}

/** Line numbers of `via` calls, remembered for this text: many findings may share one call. */
let lines: { text: string; byOffset: Map<number, number> } = { text: '', byOffset: new Map() };

function viaLine(via: CallFact, text: string): number {
  if (lines.text !== text) lines = { text, byOffset: new Map() };
  let line = lines.byOffset.get(via.span.start);
  if (line === undefined) lines.byOffset.set(via.span.start, (line = lineOf(text, via.span.start)));
  return line;
}
