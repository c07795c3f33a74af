/** Calls that start serving: Sanic's `app.run()`, `app.prepare()` + `Sanic.serve()`; our `app.run()`. */
import type { CallFact, Value } from '../analysis/model';
import type { RuleContext } from './types';

export interface ServerStart {
  call: CallFact;
  kind: 'run' | 'prepare' | 'serve' | 'serve_single';
  /** Single-process mode: no workers re-import the module, but importing it still starts a server. */
  singleProcess: boolean;
}

export function serverStarts(ctx: RuleContext): ServerStart[] {
  const out: ServerStart[] = [];
  for (const call of ctx.facts.calls) {
    const n = call.callee.length;
    if (n < 2) continue;
    const method = call.callee[n - 1];
    if (method !== 'run' && method !== 'prepare' && method !== 'serve' && method !== 'serve_single') continue;
    const syms = ctx.sem.resolvePath(call.callee, call.exec, call.span.start);
    const last = syms[n - 1];
    const recv = syms[n - 2];
    if (last.k === 'libfn' && (last.name === 'serve' || last.name === 'serve_single')) {
      out.push({ call, kind: last.name, singleProcess: last.name === 'serve_single' });
    } else if (recv.k === 'app' && (method === 'run' || (method === 'prepare' && ctx.dialect.language === 'python'))) {
      out.push({ call, kind: method, singleProcess: singleProcessOption(call, ctx.dialect.language) });
    }
  }
  return out;
}

function isTrue(v: Value | undefined): boolean {
  return !!v && v.kind === 'literal' && (v.text === 'True' || v.text === 'true');
}

function singleProcessOption(call: CallFact, language: string): boolean {
  if (language === 'python') return isTrue(call.keywords.find((k) => k.name === 'single_process')?.value);
  const options = call.args[0];
  return !!options && options.kind === 'literal' && options.type === 'object' && isTrue(options.props?.find((p) => p.name === 'singleProcess')?.value);
}
