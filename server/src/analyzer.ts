/** One analysis: the rules over a snapshot's facts, minus what suppression comments silence. */
import type { RuleCode } from './analysis/dialect';
import { MODULE } from './analysis/model';
import { Semantics } from './analysis/semantics';
import type { FixInput, LanguageSupport, Snapshot } from './language';
import { runRules } from './rules';
import type { Finding, RuleContext } from './rules/types';
import type { Settings } from './settings';
import { lineEndOf, lineStartOf } from './text';

export interface Analysis {
  uri: string;
  version: number;
  text: string;
  settings: Settings;
  support: LanguageSupport;
  snapshot: Snapshot;
  ctx: RuleContext;
  findings: Finding[];
}

export function analyze(support: LanguageSupport, snapshot: Snapshot, uri: string, version: number, text: string, settings: Settings): Analysis {
  const ctx: RuleContext = { facts: snapshot.facts, sem: new Semantics(snapshot.facts, support.dialect), dialect: support.dialect, text };
  const enabled = (code: RuleCode): boolean => settings.severity[code] !== 'off';
  const all = runRules(ctx, enabled);
  const findings = mayHaveSuppressions(text) ? all.filter((f) => !suppressed(f, text, support, snapshot)) : all;
  return { uri, version, text, settings, support, snapshot, ctx, findings };
}

function mayHaveSuppressions(text: string): boolean {
  return /noqa|wm-ignore/i.test(text);
}

function suppressed(f: Finding, text: string, support: LanguageSupport, snapshot: Snapshot): boolean {
  const silences = (codes: string[] | undefined): boolean => codes !== undefined && (codes.length === 0 || codes.includes(f.code));
  const lineAt = (offset: number): [string, number] => {
    const start = lineStartOf(text, offset);
    return [text.slice(start, lineEndOf(text, offset)), start];
  };
  const [first, firstStart] = lineAt(f.span.start);
  if (silences(support.suppressedOn(first, firstStart, snapshot))) return true;
  const [last, lastStart] = lineAt(f.span.end);
  if (lastStart !== firstStart && silences(support.suppressedOn(last, lastStart, snapshot))) return true;
  if (firstStart > 0) {
    const [prev, prevStart] = lineAt(firstStart - 1);
    if (silences(support.suppressedNext(prev, prevStart, snapshot))) return true;
  }
  return false;
}

/** What a fixer needs from an analysis. */
export function fixInput(a: Analysis): FixInput {
  const { facts, sem } = a.ctx;
  const moduleNames = new Set<string>();
  for (const fn of facts.functions) if (fn.exec.scope === MODULE && fn.name) moduleNames.add(fn.name);
  for (const b of facts.bindings) if (b.exec.scope === MODULE) moduleNames.add(b.name);
  for (const i of facts.imports) if (i.exec.scope === MODULE) moduleNames.add(i.local);
  return {
    uri: a.uri,
    text: a.text,
    snapshot: a.snapshot,
    facts,
    plans: a.findings.flatMap((f) => (f.fix ? [f.fix] : [])),
    moduleNames,
    listenerFor: (role) => {
      // A listener that may return early is left alone: code added to it might not run.
      const fn = facts.functions.find((x) => x.kind === 'function' && x.exec.scope === MODULE && x.blockBody && x.ending.kind !== 'closed' && sem.rolesOf(x.id).has(role));
      return fn && { body: fn.body, blockBody: fn.blockBody, ending: fn.ending };
    },
  };
}
