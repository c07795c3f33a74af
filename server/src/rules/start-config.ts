/**
 * WM-D6: start-up settings made too late, in the wrong process, or in conflict. `WorkerManager.THRESHOLD` and
 * Sanic's start method belong early at module level: in a worker they change nothing the main process sees, after
 * the server ran nothing reads them, and in a main-process listener they work at best by the order of start-up
 * steps. Sanic sets the multiprocessing start method itself; setting it first, differently, fails at start.
 */
import { MODULE, type AssignFact, type CallFact, type Span, type Value } from '../analysis/model';
import { displayPath } from '../analysis/semantics';
import { serverStarts } from './server-start';
import { lineOf, type Finding, type Rule, type RuleContext } from './types';
import { roleTiming, type SettingKind } from './start-timing';
import { whereIs } from './where';

interface Setting {
  what: SettingKind;
  fact: AssignFact | CallFact;
  span: Span;
  /** The literal value set, when it is one: 'fork', 'True', '600'. */
  value?: string;
}

const TOPIC: Record<Setting['what'], string> = {
  THRESHOLD: 'worker-ack',
  start_method: 'sanic-and-start-method',
  START_METHOD_SET: 'overcoming-a-coderuntimeerrorcode',
  set_start_method: 'overcoming-a-coderuntimeerrorcode',
};

export const startConfig: Rule = (ctx) => {
  const settings = collect(ctx);
  if (settings.length === 0) return [];
  return [...placement(ctx, settings), ...(ctx.dialect.language === 'python' ? conflicts(ctx, settings) : [])];
};

function literal(v: Value | null | undefined): string | undefined {
  return v && v.kind === 'literal' ? v.text : undefined;
}

function collect(ctx: RuleContext): Setting[] {
  const out: Setting[] = [];
  for (const a of ctx.sem.writes()) {
    if (a.op !== 'assign') continue;
    const name = a.target[a.target.length - 1];
    if (name !== 'THRESHOLD' && name !== 'start_method' && name !== 'START_METHOD_SET') continue;
    const sym = ctx.sem.resolve(a.target, a.exec, a.span.start);
    if (sym.k !== 'member' || sym.of.k !== 'class') continue;
    const ok = (name === 'THRESHOLD' && sym.of.name === 'WorkerManager') || (name !== 'THRESHOLD' && sym.of.name === 'Sanic');
    if (ok) out.push({ what: name, fact: a, span: a.span, value: literal(a.value) });
  }
  for (const c of ctx.facts.calls) {
    if (c.callee[c.callee.length - 1] !== 'set_start_method') continue;
    const sym = ctx.sem.resolve(c.callee, c.exec, c.span.start);
    if (sym.k !== 'libfn' || sym.name !== 'set_start_method') continue;
    const arg = c.args[0] ?? c.keywords.find((k) => k.name === 'method')?.value;
    out.push({ what: 'set_start_method', fact: c, span: { start: c.calleeSpans[0].start, end: c.span.end }, value: literal(arg) });
  }
  return out;
}

function label(s: Setting): string {
  if (s.what === 'set_start_method') return `\`${displayPath((s.fact as CallFact).callee)}()\``;
  return `\`${displayPath((s.fact as AssignFact).target)}\``;
}

/**
 * Set in a listener or handler, or after the call that serves: too late, or fragile (start-timing.ts). After a
 * start only a call that does not come back counts: Sanic's `app.run()` / `Sanic.serve()` return once the server
 * has stopped (`app.prepare()` returns at once), ours `await app.run()` never does (the manager exits the process);
 * a TS `app.run()` not awaited returns at once, and the manager reads THRESHOLD only when it spawns the workers,
 * after the rest of the module has run.
 */
function placement(ctx: RuleContext, settings: Setting[]): Finding[] {
  const py = ctx.dialect.language === 'python';
  const blocking = serverStarts(ctx)
    // An `await` inside a function called on the spot (`(async () => { await app.run(); })()`) holds up only that function.
    .filter((s) => s.call.exec.moduleLevel && (py ? s.kind !== 'prepare' : s.call.awaited && s.call.exec.scope === MODULE))
    .reduce<CallFact | null>((first, s) => (!first || s.call.span.start < first.span.start ? s.call : first), null);
  const findings: Finding[] = [];
  for (const s of settings) {
    const where = whereIs(s.fact.exec, ctx.sem);
    const early = py ? 'early at module level (before the app is run)' : 'early at module top level (before `app.run()`)';
    const verb = s.what === 'set_start_method' ? 'is called' : 'is set';
    let message: string | undefined;
    if (where.kind === 'roles') {
      message = `${label(s)} ${verb} ${roleTiming(s.what, [...where.roles][0], ctx.dialect)}. ${s.what === 'set_start_method' ? 'Call' : 'Set'} it ${early}.`;
    } else if (where.kind === 'module' && blocking && (where.via ?? s).span.start > blocking.span.start) {
      const run = `\`${blocking.awaited ? 'await ' : ''}${displayPath(blocking.callee)}()\` on line ${lineOf(ctx.text, blocking.span.start)}`;
      const via = where.via ? ` (in \`${displayPath(where.via.callee)}()\`, called on line ${lineOf(ctx.text, where.via.span.start)})` : '';
      const why = py
        ? 'which returns only once the server has stopped: nothing reads it after that, so it has no effect'
        : 'which does not come back (the manager ends the process when the app stops): this line never runs in the main process';
      message = `${label(s)} ${verb}${via} after ${run}, ${why}. ${s.what === 'set_start_method' ? 'Call' : 'Set'} it ${early}.`;
    }
    if (message) findings.push({ code: 'WM-D6', span: s.span, message, topic: py ? TOPIC[s.what] : undefined });
  }
  return findings;
}

/** Sanic's start method against multiprocessing's (sanic/mixins/startup.py `_set_startup_method`, `_get_context`). */
function conflicts(ctx: RuleContext, settings: Setting[]): Finding[] {
  if (!ctx.sem.libraryImported) return [];
  const findings: Finding[] = [];
  const sanicMethods = settings.filter((s) => s.what === 'start_method');
  const setCalls = settings.filter((s) => s.what === 'set_start_method');
  const declaredSet = settings.some((s) => s.what === 'START_METHOD_SET' && s.value === 'True');
  const requested = [...sanicMethods].reverse().find((s) => s.value !== undefined)?.value ?? 'spawn';
  const requestedLabel = sanicMethods.length > 0 ? `\`Sanic.start_method = "${requested}"\`` : 'Sanic\'s default "spawn"';

  for (const s of setCalls) {
    const method = s.value;
    if (!declaredSet) {
      findings.push({
        code: 'WM-D6',
        span: s.span,
        topic: TOPIC.set_start_method,
        message:
          `${label(s)} sets the start method before Sanic does: when the app starts, Sanic calls set_start_method("${requested}") ` +
          `itself and fails with "RuntimeError: context has already been set". Add \`Sanic.START_METHOD_SET = True\`` +
          `${method && method !== requested ? ` and \`Sanic.start_method = "${method}"\`` : ''}, or drop this call and set \`Sanic.start_method\`.`,
      });
    } else if (method && method !== requested) {
      findings.push({
        code: 'WM-D6',
        span: s.span,
        topic: TOPIC.set_start_method,
        message:
          `${label(s)} sets "${method}" but Sanic requests "${requested}" (${requestedLabel}): the app fails at start with ` +
          `"RuntimeError: Start method '${requested}' was requested, but '${method}' was already set". Set \`Sanic.start_method = "${method}"\`.`,
      });
    }
  }
  // Two different values for Sanic.start_method: only the last one counts.
  const valued = sanicMethods.filter((s) => s.value !== undefined);
  const lastValue = valued[valued.length - 1];
  for (const s of valued) {
    if (s === lastValue || s.value === lastValue.value) continue;
    findings.push({
      code: 'WM-D6',
      span: s.span,
      topic: TOPIC.start_method,
      message: `\`Sanic.start_method = "${s.value}"\` is overridden by \`Sanic.start_method = "${lastValue.value}"\` on line ${lineOf(ctx.text, lastValue.span.start)}: only the last setting counts. Set the start method once, early.`,
    });
  }
  // START_METHOD_SET = True with nothing setting the method: Sanic then checks the platform default against "spawn".
  if (setCalls.length === 0 && sanicMethods.length === 0) {
    for (const s of settings.filter((x) => x.what === 'START_METHOD_SET' && x.value === 'True')) {
      findings.push({
        code: 'WM-D6',
        span: s.span,
        topic: TOPIC.START_METHOD_SET,
        message:
          '`Sanic.START_METHOD_SET = True` tells Sanic the start method is already set, but this module never sets it: Sanic then ' +
          'compares the platform default ("fork" on Linux) with "spawn" and fails with "RuntimeError: Start method \'spawn\' was requested, ' +
          'but \'fork\' was already set". Call `multiprocessing.set_start_method("spawn")` first, or drop this line.',
      });
    }
  }
  return findings;
}
