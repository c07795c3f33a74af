/**
 * WM-D7: misspelled worker-manager names — members of the multiplexer and the manager, arguments of `manage()` and
 * `restart()`, listener event names, start methods, and near-misses of the app's worker-manager members. The
 * garbles of a machine-translated copy of the docs (`app.m.restt`, `transitent=`, `restable=`,
 * `app.manager.manager.management(...)`) are the examples.
 */
import type { CallFact, Exec, Path, Prop, Span, Value } from '../analysis/model';
import { displayPath } from '../analysis/semantics';
import { suggest } from '../analysis/spelling';
import type { Sym } from '../analysis/symbols';
import { LISTENER_EVENTS, PY_API, normalizeEvent as normalizePyEvent } from '../python/dialect';
import { LISTENER_METHODS, TS_API, normalizeEvent as normalizeTsEvent } from '../typescript/dialect';
import type { Finding, FixPlan, Rule, RuleContext } from './types';

const PY_APP_MEMBERS = new Set([
  ...LISTENER_EVENTS,
  'shared_ctx', 'ctx', 'm', 'multiplexer', 'manager', 'listener', 'listeners', 'register_listener', 'run', 'prepare', 'serve',
  'serve_single', 'config', 'name', 'state', 'inspector', 'router', 'signal', 'dispatch', 'event', 'stop', 'add_task', 'purge_tasks',
  'cancel_task', 'get_task', 'update_config', 'middleware', 'on_request', 'on_response', 'register_middleware', 'exception',
]);
const PY_APP_TARGETS = new Set([...LISTENER_EVENTS, 'shared_ctx', 'multiplexer', 'manager', 'register_listener']);
const TS_APP_MEMBERS = new Set([
  ...LISTENER_METHODS,
  'name', 'handler', 'serverFactory', 'config', 'ctx', 'sharedCtx', 'listeners', 'inspectorCommands', 'inspectorCommand', 'main', 'm',
  'multiplexer', 'manager', 'run', 'registerListener', 'attachMultiplexer',
]);
const TS_APP_TARGETS = new Set([...LISTENER_METHODS, 'sharedCtx', 'multiplexer', 'manager', 'registerListener']);

interface Chain {
  path: Path;
  spans: Span[];
  exec: Exec;
  at: number;
}

export const unknownNames: Rule = (ctx) => {
  const out = new Findings();
  const chains: Chain[] = [
    ...ctx.facts.calls.map((c) => ({ path: c.callee, spans: c.calleeSpans, exec: c.exec, at: c.span.start })),
    ...ctx.facts.assigns.map((a) => ({ path: a.target, spans: a.targetSpans, exec: a.exec, at: a.span.start })),
    ...ctx.facts.refs.map((r) => ({ path: r.path, spans: r.spans, exec: r.exec, at: r.span.start })),
  ];
  for (const chain of chains) checkChain(ctx, chain, out);
  for (const c of ctx.facts.calls) {
    checkArguments(ctx, c, out);
    checkEventName(ctx, c, out);
  }
  if (ctx.dialect.language === 'python') checkStartMethods(ctx, out);
  return out.list;
};

/** Findings, one per span (a decorator's chain is seen both as a call and as a decorator). */
class Findings {
  readonly list: Finding[] = [];
  private readonly seen = new Set<string>();
  add(span: Span, message: string, fix?: FixPlan): void {
    const key = `${span.start}:${span.end}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.list.push({ code: 'WM-D7', span, message, fix });
  }
}

const rename = (span: Span, to: string): FixPlan => ({ kind: 'replace', title: `Change to \`${to}\``, edits: [{ span, text: to }] });
const didYouMean = (s: string | undefined): string => (s ? ` Did you mean \`${s}\`?` : '');
const isSegment = (s: string | undefined): s is string => s !== undefined && s !== '()' && s !== '[]';

function checkChain(ctx: RuleContext, chain: Chain, out: Findings): void {
  const { path, spans } = chain;
  if (path.length < 2) return;
  const syms = ctx.sem.resolvePath(path, chain.exec, chain.at);
  const py = ctx.dialect.language === 'python';
  const api = py ? PY_API : TS_API;
  for (let i = 0; i < path.length - 1; i++) {
    const name = path[i + 1];
    if (!isSegment(name)) continue;
    const sym = syms[i];
    const written = displayPath(path, i + 2);
    if (sym.k === 'multiplexer') {
      if (!api.multiplexerMembers.has(name)) {
        const s = suggest(name, [...api.multiplexerProps, ...api.multiplexerMethods]);
        const members = [...api.multiplexerProps, ...[...api.multiplexerMethods].map((m) => `${m}()`)].join(', ');
        out.add(
          spans[i + 1],
          `\`${written}\` does not exist: the multiplexer (\`${displayPath(path, i + 1)}\`) has no \`${name}\`, so this raises ${py ? 'AttributeError' : 'a TypeError when called'}.${didYouMean(s)} It has: ${members}.`,
          s ? rename(spans[i + 1], s) : undefined,
        );
      } else if (api.multiplexerProps.has(name) && isSegment(path[i + 2]) && api.multiplexerMethods.has(path[i + 2])) {
        // app.m.name.restart(): the translated docs put `.name` in front of every multiplexer call.
        const method = path[i + 2];
        const m = displayPath(path, i + 1);
        out.add(
          spans[i + 2],
          `\`${written}\` is ${name === 'name' ? "the process's name (a string)" : `the process's ${name}`}, not the multiplexer: it has no \`${method}\`. Call \`${m}.${method}(...)\`.`,
          { kind: 'replace', title: `Change to \`${m}.${method}\``, edits: [{ span: { start: spans[i].end, end: spans[i + 1].end }, text: '' }] },
        );
      }
    } else if (sym.k === 'manager') {
      checkManagerMember(ctx, chain, i, out);
    } else if (sym.k === 'app') {
      const known = py ? PY_APP_MEMBERS : TS_APP_MEMBERS;
      if (known.has(name) || name.length < 4) continue;
      const s = suggest(name, py ? PY_APP_TARGETS : TS_APP_TARGETS, 2);
      if (s) {
        out.add(spans[i + 1], `\`${written}\` is not an app member (${py ? 'AttributeError' : 'undefined'} at run time). Did you mean \`${s}\`?`, rename(spans[i + 1], s));
      }
    }
  }
}

/** `app.manager.<name>`: the doubled `app.manager.manager` of the translated docs, and misspelled members. */
function checkManagerMember(ctx: RuleContext, chain: Chain, i: number, out: Findings): void {
  const { path, spans } = chain;
  const py = ctx.dialect.language === 'python';
  const api = py ? PY_API : TS_API;
  const name = path[i + 1];
  if (name === 'manager') {
    const next = path[i + 2];
    const nextFix = isSegment(next) && !api.managerMembers.has(next) ? suggest(next, api.managerMembers) : undefined;
    const edits = [{ span: { start: spans[i].end, end: spans[i + 1].end }, text: '' }];
    if (nextFix) edits.push({ span: spans[i + 2], text: nextFix });
    const to = `${displayPath(path, i + 1)}${isSegment(next) ? `.${nextFix ?? next}` : ''}`;
    out.add(
      spans[i + 1],
      `\`${displayPath(path, i + 2)}\` does not exist: \`${displayPath(path, i + 1)}\` is the worker manager itself${py ? ' (AttributeError)' : ''}. Use \`${to}\`.`,
      { kind: 'replace', title: `Change to \`${to}\``, edits },
    );
    if (isSegment(next) && !api.managerMembers.has(next)) reportManagerMember(ctx, chain, i + 2, out);
    return;
  }
  if (!api.managerMembers.has(name)) reportManagerMember(ctx, chain, i + 1, out);
}

function reportManagerMember(ctx: RuleContext, chain: Chain, at: number, out: Findings): void {
  const py = ctx.dialect.language === 'python';
  const api = py ? PY_API : TS_API;
  const name = chain.path[at];
  const s = suggest(name, api.managerMembers);
  // Sanic's WorkerManager is known in full; ours is young, so only clear misspellings are reported.
  if (!s && !py) return;
  out.add(
    chain.spans[at],
    `The worker manager has no \`${name}\`${py ? ' (AttributeError)' : ''}.${didYouMean(s)}${s === 'manage' ? ` Register a process with \`manage(name, func, kwargs, ...)\`.` : ''}`,
    s ? rename(chain.spans[at], s) : undefined,
  );
}

/** Which worker-manager method a call is, looking through a misspelled or doubled path. */
function methodOf(ctx: RuleContext, c: CallFact): { owner: 'manager' | 'multiplexer'; method: string } | null {
  const n = c.callee.length;
  if (n < 2) return null;
  const syms = ctx.sem.resolvePath(c.callee, c.exec, c.span.start);
  let recv: Sym = syms[n - 2];
  if (recv.k === 'member' && recv.name === 'manager' && recv.of.k === 'manager') recv = recv.of; // app.manager.manager.x
  if (recv.k !== 'manager' && recv.k !== 'multiplexer') return null;
  const api = ctx.dialect.language === 'python' ? PY_API : TS_API;
  const members = recv.k === 'manager' ? api.managerMembers : api.multiplexerMembers;
  const raw = c.callee[n - 1];
  const method = members.has(raw) ? raw : suggest(raw, members);
  return method ? { owner: recv.k, method } : null;
}

function checkArguments(ctx: RuleContext, c: CallFact, out: Findings): void {
  const m = methodOf(ctx, c);
  if (!m) return;
  if (ctx.dialect.language === 'python') {
    let allowed: ReadonlySet<string> | undefined;
    if (m.method === 'manage') allowed = m.owner === 'manager' ? PY_API.managerManageKeywords : PY_API.multiplexerManageKeywords;
    else if (m.owner === 'multiplexer' && (m.method === 'restart' || m.method === 'reload')) allowed = PY_API.restartKeywords;
    else if (m.owner === 'multiplexer' && m.method === 'scale') allowed = PY_API.scaleKeywords;
    else if (m.owner === 'multiplexer' && m.method === 'terminate') allowed = PY_API.terminateKeywords;
    if (allowed) checkKeys(c.keywords, allowed, `${m.method}()`, 'TypeError: unexpected keyword argument', out);
    return;
  }
  // TS: manage(name, fn, kwargs, options), restart(names?, options?), scale(n, options?) take options objects.
  let options: Value[] = [];
  let allowed: ReadonlySet<string> | undefined;
  let consequence = 'ignored: the option does nothing';
  if (m.method === 'manage') {
    options = c.args.slice(3, 4);
    allowed = TS_API.manageOptions;
  } else if (m.method === 'restart' && m.owner === 'multiplexer') {
    options = c.args.slice(0, 2);
    allowed = TS_API.restartOptions;
    consequence = 'the call is refused at run time';
  } else if (m.method === 'scale' && m.owner === 'multiplexer') {
    options = c.args.slice(1, 2);
    allowed = TS_API.scaleOptions;
  }
  for (const o of options) {
    if (allowed && o.kind === 'literal' && o.type === 'object' && o.props) checkKeys(o.props, allowed, `${m.method}()`, consequence, out);
  }
}

function checkKeys(props: Prop[], allowed: ReadonlySet<string>, fn: string, consequence: string, out: Findings): void {
  for (const p of props) {
    if (allowed.has(p.name)) continue;
    const s = suggest(p.name, allowed);
    out.add(p.nameSpan, `\`${p.name}\` is not an option of \`${fn}\` (${consequence}).${didYouMean(s)} Options: ${[...allowed].join(', ')}.`, s ? rename(p.nameSpan, s) : undefined);
  }
}

/** `@app.listener("main_proces_start")`, `app.register_listener(fn, "...")`, `app.registerListener(fn, '...')`. */
function checkEventName(ctx: RuleContext, c: CallFact, out: Findings): void {
  const n = c.callee.length;
  if (n < 2) return;
  const method = c.callee[n - 1];
  const py = ctx.dialect.language === 'python';
  let event: Value | undefined;
  if (py && method === 'listener') event = c.args[0]?.kind === 'literal' ? c.args[0] : c.args[1];
  else if ((py && method === 'register_listener') || (!py && method === 'registerListener')) event = c.args[1];
  if (!event || event.kind !== 'literal' || event.text === undefined || !(py ? event.type === 'str' : event.type === 'string')) return;
  if ((py ? normalizePyEvent : normalizeTsEvent)(event.text)) return;
  const recv = ctx.sem.resolve(c.callee.slice(0, -1), c.exec, c.span.start);
  if (!ctx.sem.isAppLike(recv)) return;
  const names = py ? [...LISTENER_EVENTS] : [...LISTENER_METHODS];
  const s = suggest(event.text, names);
  const consequence = py ? 'Sanic raises BadRequest ("Invalid event") when it registers it' : 'the manager throws "Unknown listener event"';
  out.add(event.span, `"${event.text}" is not a listener event: ${consequence}.${didYouMean(s)}`, s ? renameString(ctx.text, event.span, s) : undefined);
}

/** `Sanic.start_method = "spwan"`, `set_start_method("spwan")`, `get_context("spwan")`. */
function checkStartMethods(ctx: RuleContext, out: Findings): void {
  const check = (v: Value | null | undefined): void => {
    if (!v || v.kind !== 'literal' || v.type !== 'str' || v.text === undefined || PY_API.startMethods.has(v.text)) return;
    const s = suggest(v.text, PY_API.startMethods);
    out.add(v.span, `"${v.text}" is not a start method (ValueError: cannot find context for '${v.text}'): use "spawn", "fork" or "forkserver".${didYouMean(s)}`, s ? renameString(ctx.text, v.span, s) : undefined);
  };
  for (const a of ctx.facts.assigns) {
    if (a.target[a.target.length - 1] !== 'start_method') continue;
    const sym = ctx.sem.resolve(a.target, a.exec, a.span.start);
    if (sym.k === 'member' && sym.of.k === 'class' && sym.of.name === 'Sanic') check(a.value);
  }
  for (const c of ctx.facts.calls) {
    const last = c.callee[c.callee.length - 1];
    if (last !== 'set_start_method' && last !== 'get_context') continue;
    const sym = ctx.sem.resolve(c.callee, c.exec, c.span.start);
    if ((sym.k === 'libfn' && sym.name === 'set_start_method') || (sym.k === 'factory' && sym.name === 'get_context')) check(c.args[0] ?? c.keywords.find((k) => k.name === 'method')?.value);
  }
}

/** Replaces a string literal's content, keeping its prefix and quotes. */
function renameString(text: string, span: Span, to: string): FixPlan | undefined {
  const literal = text.slice(span.start, span.end);
  const m = /^([rRuUbB]*)('''|"""|'|"|`)/.exec(literal);
  if (!m) return undefined;
  const open = m[0].length;
  const close = m[2].length;
  return { kind: 'replace', title: `Change to "${to}"`, edits: [{ span: { start: span.start + open, end: span.end - close }, text: to }] };
}
