/**
 * Code actions: a quick fix per diagnostic, "fix all of this kind" (resolved lazily), a suppression comment, and
 * source.fixAll.workerManager. Fix-all runs the fixes in passes over the text (like ESLint), re-analysing between
 * passes, because one fix can change another (the first shared_ctx move creates the listener the next joins).
 */
import { CodeActionKind, type CodeAction, type Diagnostic, type TextEdit } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { RuleCode } from './analysis/dialect';
import { analyze, fixInput, type Analysis } from './analyzer';
import { findingKey } from './diagnostics';
import type { Span } from './analysis/model';
import type { FixInput, LanguageSupport, TextEditSpan } from './language';
import type { Settings } from './settings';
import { applyEdits, minimalEdit, overlaps } from './text';

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.workerManager`;
const MAX_PASSES = 10;

export interface FixAllData {
  uri: string;
  version: number;
  code: RuleCode;
}

export interface ActionRequest {
  doc: TextDocument;
  languageId: string;
  analysis: Analysis;
  diagnostics: Diagnostic[];
  only: string[] | undefined;
  /** The client resolves edits lazily (codeAction/resolve). */
  resolveSupport: boolean;
}

function wants(only: string[] | undefined, kind: string): boolean {
  return !only || only.some((o) => kind === o || kind.startsWith(`${o}.`));
}

export function codeActions(req: ActionRequest): CodeAction[] {
  const { doc, analysis } = req;
  const actions: CodeAction[] = [];
  if (wants(req.only, CodeActionKind.QuickFix)) {
    const input = fixInput(analysis);
    const byKey = new Map(analysis.findings.map((f) => [findingKey(f), f]));
    const fixAllOffered = new Set<RuleCode>();
    const fixable = fixableCounter(analysis, input);
    for (const d of req.diagnostics) {
      if (d.source !== 'worker-manager') continue;
      const finding = byKey.get(`${String(d.code)}@${doc.offsetAt(d.range.start)}-${doc.offsetAt(d.range.end)}`);
      if (!finding) continue;
      const edits = finding.fix ? analysis.support.fixer.edits(finding.fix, input) : null;
      if (finding.fix && edits) {
        actions.push({ title: finding.fix.title, kind: CodeActionKind.QuickFix, diagnostics: [d], isPreferred: true, edit: workspaceEdit(doc, edits) });
      }
      // Only when it does more than this one fix would (a fix that cannot be made here has no edits).
      if (!fixAllOffered.has(finding.code) && fixable(finding.code) > 1) {
        fixAllOffered.add(finding.code);
        const data: FixAllData = { uri: doc.uri, version: doc.version, code: finding.code };
        const action: CodeAction = { title: `Fix all ${finding.code} problems in this file`, kind: CodeActionKind.QuickFix, diagnostics: [d], data };
        if (!req.resolveSupport) action.edit = fixAllEdit(doc, req.languageId, analysis, new Set([finding.code]));
        actions.push(action);
      }
      const suppress = analysis.support.fixer.suppress(finding.code, finding.span.start, input);
      if (suppress) {
        actions.push({ title: `Ignore ${finding.code} on this line`, kind: CodeActionKind.QuickFix, diagnostics: [d], edit: workspaceEdit(doc, [suppress]) });
      }
    }
  }
  if (req.only && wants(req.only, FIX_ALL_KIND) && req.only.some((o) => o !== CodeActionKind.QuickFix)) {
    const edit = fixAllEdit(doc, req.languageId, analysis, undefined);
    if (edit) actions.push({ title: 'Fix all worker-manager problems', kind: FIX_ALL_KIND, edit });
  }
  return actions;
}

/**
 * How many different fixes the findings of a code have that can be made here (a wrap shared by neighbours is one;
 * counting stops at 2, enough to offer fix-all).
 */
function fixableCounter(analysis: Analysis, input: FixInput): (code: RuleCode) => number {
  const counts = new Map<RuleCode, number>();
  return (code) => {
    let n = counts.get(code);
    if (n === undefined) {
      const seen = new Set<string>();
      for (const f of analysis.findings) {
        if (f.code !== code || !f.fix) continue;
        const edits = analysis.support.fixer.edits(f.fix, input);
        if (edits && edits.length > 0) seen.add(edits.map((e) => `${e.span.start}:${e.span.end}`).join(','));
        if (seen.size === 2) break;
      }
      counts.set(code, (n = seen.size));
    }
    return n;
  };
}

function workspaceEdit(doc: TextDocument, edits: TextEditSpan[]): { changes: Record<string, TextEdit[]> } {
  return { changes: { [doc.uri]: edits.map((e) => ({ range: { start: doc.positionAt(e.span.start), end: doc.positionAt(e.span.end) }, newText: e.text })) } };
}

/** The whole-file fix as one minimal edit, or undefined when nothing changes. */
export function fixAllEdit(doc: TextDocument, languageId: string, analysis: Analysis, codes: Set<RuleCode> | undefined): { changes: Record<string, TextEdit[]> } | undefined {
  const before = doc.getText();
  const after = fixAllText(before, doc.uri, languageId, analysis.support, analysis.settings, codes, analysis);
  const edit = minimalEdit(before, after);
  return edit ? workspaceEdit(doc, [edit]) : undefined;
}

/** Applies fixes in passes until none is left (or MAX_PASSES). `first` is the analysis of `text`, if at hand. */
export function fixAllText(
  text: string,
  uri: string,
  languageId: string,
  support: LanguageSupport,
  settings: Settings,
  codes: Set<RuleCode> | undefined,
  first?: Analysis,
): string {
  let current = text;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const state = pass === 0 && first ? null : support.open(uri, languageId);
    try {
      const analysis = state ? analyzeFresh(state, support, uri, current, settings) : first;
      if (!analysis) break;
      const edits = chooseEdits(analysis, codes);
      if (edits.length === 0) break;
      const next = applyEdits(current, edits);
      if (next === current) break;
      current = next;
    } finally {
      state?.dispose();
    }
  }
  return current;
}

function analyzeFresh(state: ReturnType<LanguageSupport['open']>, support: LanguageSupport, uri: string, text: string, settings: Settings): Analysis | undefined {
  const snapshot = state.snapshot(text);
  return snapshot ? analyze(support, snapshot, uri, -1, text, settings) : undefined;
}

/** A non-overlapping set of fix edits for one pass; at most one move (moves may each create a listener). */
function chooseEdits(analysis: Analysis, codes: Set<RuleCode> | undefined): TextEditSpan[] {
  const input = fixInput(analysis);
  const chosen = new ChosenEdits();
  let moved = false;
  for (const { code, fix } of analysis.findings) {
    if (!fix || (codes && !codes.has(code)) || (fix.kind === 'moveToListener' && moved)) continue;
    const edits = analysis.support.fixer.edits(fix, input);
    if (!edits || edits.length === 0) continue;
    if (edits.every((e) => chosen.has(e))) continue; // the same wrap, reached from a neighbour
    if (edits.some((e) => chosen.conflicts(e.span))) continue;
    for (const e of edits) chosen.add(e);
    if (fix.kind === 'moveToListener') moved = true;
  }
  return chosen.list;
}

/** Edits chosen so far, kept sorted so a conflict is found by a binary search (a file may need thousands). */
class ChosenEdits {
  readonly list: TextEditSpan[] = [];
  private readonly sorted: Span[] = [];
  private readonly byRange = new Map<string, string>();

  has(e: TextEditSpan): boolean {
    return this.byRange.get(`${e.span.start}:${e.span.end}`) === e.text;
  }

  /** `s` overlaps a chosen edit, or replaces the same range (two insertions at one place conflict too). */
  conflicts(s: Span): boolean {
    const i = this.firstFrom(s.start);
    if (i > 0 && this.sorted[i - 1].end > s.start) return true;
    for (let j = i; j < this.sorted.length && this.sorted[j].start <= s.end; j++) {
      const c = this.sorted[j];
      if (overlaps(c, s) || (c.start === s.start && c.end === s.end)) return true;
      if (c.start > s.start) break;
    }
    return false;
  }

  add(e: TextEditSpan): void {
    this.list.push(e);
    this.byRange.set(`${e.span.start}:${e.span.end}`, e.text);
    let i = this.firstFrom(e.span.start);
    while (i < this.sorted.length && this.sorted[i].start === e.span.start && this.sorted[i].end <= e.span.end) i++;
    this.sorted.splice(i, 0, e.span);
  }

  /** The index of the first chosen span starting at or after `offset`. */
  private firstFrom(offset: number): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.sorted[mid].start < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
