/** Naming, in messages, the place a piece of code runs. */
import { WORKER_ROLE, type Dialect, type Role } from '../analysis/dialect';
import type { Exec } from '../analysis/model';
import type { Semantics } from '../analysis/semantics';

/** Where code runs: at import time, in functions registered for these roles, or somewhere we cannot tell. */
export type Where = { kind: 'module' } | { kind: 'roles'; roles: ReadonlySet<Role> } | { kind: 'unknown' };

export function whereIs(exec: Exec, sem: Semantics): Where {
  if (exec.moduleLevel) return { kind: 'module' };
  const roles = sem.rolesOf(exec.scope);
  return roles.size > 0 ? { kind: 'roles', roles } : { kind: 'unknown' };
}

export function roleLabel(role: Role, dialect: Dialect): string {
  if (role === WORKER_ROLE) return dialect.language === 'python' ? 'a request handler' : 'the request handler';
  if (role === 'inspector_command') return 'an inspector command';
  return `a \`${dialect.eventName(role)}\` listener`;
}

/** "at module level" / "in a `before_server_start` listener", naming the first role other than `allowed`. */
export function describe(where: Where, allowed: Role, dialect: Dialect): string {
  if (where.kind === 'module') return dialect.language === 'python' ? 'at module level' : 'at module top level';
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
