/**
 * Whether a module-level statement can move into a listener without changing what the module does. The listener
 * runs later (once the whole module has run, in the main process only), so the move is wrong when later
 * module-level code touches the shared-context attribute the statement sets (`app.shared_ctx.q.put(1)` would
 * find nothing), or rebinds a name the statement reads (`size = 20` after `app.shared_ctx.size = size`). Moved
 * into a main_process_start listener, it runs after what such listeners already do, so a listener that touches
 * the same attribute (`app.shared_ctx.q.put(1)`, or a move made earlier in a fix-all) rules the move out too.
 */
import { EVERY_KEY } from '../analysis/attribute-writes';
import { MODULE, type Exec, type Path, type Span } from '../analysis/model';
import type { RuleContext } from './types';
import { whereIs } from './where';

/**
 * Stands for every attribute: the shared context read or written as a whole (`vars(app.shared_ctx)`,
 * `Object.assign(app.sharedCtx, defaults)`), or by a computed key.
 */
const EVERY = EVERY_KEY;
/** The listener a shared-context write moves into. */
const SHARED_CTX_LISTENER = 'main_process_start';

export class MoveSafety {
  /** The last offset at which module-level code touches each shared-context attribute (Infinity: a listener does). */
  private touches: Map<string, number> | undefined;
  /** The last offset at which each module-level name is bound. */
  private bound: Map<string, number> | undefined;

  constructor(private readonly ctx: RuleContext) {}

  /** `stmt` may move into a listener; `shared` is the shared-context attribute it sets, if any. */
  movable(stmt: Span, shared?: string): boolean {
    if (shared !== undefined) {
      this.touches ??= this.sharedTouches();
      const last = shared === EVERY ? Math.max(-1, ...this.touches.values()) : Math.max(this.touches.get(shared) ?? -1, this.touches.get(EVERY) ?? -1);
      if (last >= stmt.end) return false;
    }
    this.bound ??= this.moduleBindings();
    for (const name of namesIn(this.ctx.text.slice(stmt.start, stmt.end))) {
      if ((this.bound.get(name) ?? -1) >= stmt.end) return false;
    }
    return true;
  }

  private sharedTouches(): Map<string, number> {
    const { facts, sem } = this.ctx;
    const out = new Map<string, number>();
    const writes = sem.writes();
    // `app.shared_ctx` in `setattr(app.shared_ctx, "q", ...)` is the object written to, not a read of every key.
    const written = new Set(writes.map((a) => objectKey(a.targetSpans)));
    const chains: Array<[Path, Exec, number]> = [
      ...facts.calls.map((c): [Path, Exec, number] => [c.callee, c.exec, c.span.start]),
      ...writes.map((a): [Path, Exec, number] => [a.target, a.exec, a.span.start]),
      ...facts.refs.filter((r) => !written.has(`${r.span.start}:${r.span.end}`)).map((r): [Path, Exec, number] => [r.path, r.exec, r.span.start]),
    ];
    for (const [path, exec, at] of chains) {
      const where = whereIs(exec, this.ctx.sem);
      const inListener = where.kind === 'roles' && where.roles.has(SHARED_CTX_LISTENER);
      if (where.kind !== 'module' && !inListener) continue;
      const name = this.sharedAttribute(path, exec, at);
      if (name === undefined) continue;
      const when = inListener ? Infinity : where.kind === 'module' && where.via ? where.via.span.start : at;
      out.set(name, Math.max(out.get(name) ?? -1, when));
    }
    return out;
  }

  /** The shared-context attribute a chain reaches (`app.shared_ctx.q.put` → 'q', `ctx.q` for an alias → 'q'). */
  private sharedAttribute(path: Path, exec: Exec, at: number): string | undefined {
    const { sem, dialect } = this.ctx;
    const j = path.indexOf(dialect.sharedCtx, 1);
    // Through an alias (`ctx = app.shared_ctx`), the root is the shared context; only then is it worth resolving.
    const at0 = j > 0 ? j : path.length > 1 && sem.resolve(path.slice(0, 1), exec, at).k === 'sharedCtx' ? 0 : -1;
    if (at0 < 0 || (j > 0 && sem.resolvePath(path.slice(0, j + 1), exec, at)[j].k !== 'sharedCtx')) return undefined;
    const name = path[at0 + 1];
    return name === undefined || name === '()' || name === '[]' ? EVERY : name;
  }

  private moduleBindings(): Map<string, number> {
    const { facts } = this.ctx;
    const out = new Map<string, number>();
    const bind = (name: string | null, at: number): void => {
      if (name) out.set(name, Math.max(out.get(name) ?? -1, at));
    };
    for (const b of facts.bindings) if (b.exec.scope === MODULE) bind(b.name, b.span.start);
    for (const i of facts.imports) if (i.exec.scope === MODULE) bind(i.local, i.span.start);
    for (const f of facts.functions) if (f.exec.scope === MODULE) bind(f.name, f.span.start);
    return out;
  }
}

/** The extent of a write target's object (`app.shared_ctx` in `app.shared_ctx.q`), as `start:end`. */
function objectKey(spans: readonly Span[]): string {
  return spans.length >= 2 ? `${spans[0].start}:${spans[spans.length - 2].end}` : '';
}

const STRING = /(["'`])(?:\\.|(?!\1)[^\\\r\n])*\1/g;
const NAME = /(?<![\w$.])[A-Za-z_$][\w$]*/g;

/** The names a statement's text mentions (not attribute names after a dot, not words in one-line strings). */
function namesIn(text: string): Set<string> {
  return new Set(text.replace(STRING, '""').match(NAME) ?? []);
}
