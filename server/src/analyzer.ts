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
  const findings = mayHaveSuppressions(text) ? unsuppressed(all, text, support, snapshot) : all;
  return { uri, version, text, settings, support, snapshot, ctx, findings };
}

function mayHaveSuppressions(text: string): boolean {
  return /noqa|wm-ignore/i.test(text);
}

/**
 * The findings no suppression comment silences: one on the first or last line of the finding, or a next-line one
 * above it. Each line's comments are read once, however many findings it holds.
 */
function unsuppressed(all: Finding[], text: string, support: LanguageSupport, snapshot: Snapshot): Finding[] {
  const lines = new LineLookup(text);
  const on = new Map<number, string[] | undefined>();
  const above = new Map<number, string[] | undefined>();
  const codesOn = (line: Line): string[] | undefined => {
    if (!on.has(line.start)) on.set(line.start, support.suppressedOn(text.slice(line.start, line.end), line.start, snapshot));
    return on.get(line.start);
  };
  const codesAbove = (line: Line): string[] | undefined => {
    if (!above.has(line.start)) {
      const prev = line.start > 0 ? lines.at(line.start - 1) : null;
      above.set(line.start, prev ? support.suppressedNext(text.slice(prev.start, prev.end), prev.start, snapshot) : undefined);
    }
    return above.get(line.start);
  };
  return all.filter((f) => {
    const silences = (codes: string[] | undefined): boolean => codes !== undefined && (codes.length === 0 || codes.includes(f.code));
    const first = lines.at(f.span.start);
    if (silences(codesOn(first))) return false;
    const last = lines.at(f.span.end);
    if (last.start !== first.start && silences(codesOn(last))) return false;
    return !silences(codesAbove(first));
  });
}

interface Line {
  start: number;
  /** Where its line end is (or the end of the text). */
  end: number;
}

/** Finds the line of an offset; findings come in order, so the line found last is usually the next one asked for. */
class LineLookup {
  private last: Line = { start: 0, end: -1 };

  constructor(private readonly text: string) {}

  at(offset: number): Line {
    if (offset >= this.last.start && offset <= this.last.end) return this.last;
    return (this.last = { start: lineStartOf(this.text, offset), end: lineEndOf(this.text, offset) });
  }
}

/** What a fixer needs from an analysis. */
export function fixInput(a: Analysis): FixInput {
  const { facts, sem } = a.ctx;
  const moduleNames = new Set<string>();
  const listeners = new Map<string, ReturnType<FixInput['listenerFor']>>();
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
      if (listeners.has(role)) return listeners.get(role);
      // A listener that may return early is left alone: code added to it might not run.
      const fn = facts.functions.find((x) => x.kind === 'function' && x.exec.scope === MODULE && x.blockBody && x.ending.kind !== 'closed' && sem.rolesOf(x.id).has(role));
      const found = fn && { body: fn.body, blockBody: fn.blockBody, ending: fn.ending };
      listeners.set(role, found);
      return found;
    },
  };
}
