/** Findings as LSP diagnostics: code, docs link, configured severity, UTF-16 ranges. */
import type { Diagnostic } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Analysis } from './analyzer';
import type { Finding } from './rules/types';
import { toLspSeverity } from './settings';

export const SOURCE = 'worker-manager';
/** More than this many problems in one file is noise (and a slow message): the first ones are published. */
export const MAX_DIAGNOSTICS = 1000;

/** Identifies a finding within one analysis (code actions find it again from the diagnostic's range). */
export function findingKey(f: Finding): string {
  return `${f.code}@${f.span.start}-${f.span.end}`;
}

export function toDiagnostics(analysis: Analysis, doc: TextDocument): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const f of analysis.findings) {
    if (out.length >= MAX_DIAGNOSTICS) break;
    const severity = toLspSeverity(analysis.settings.severity[f.code]);
    if (severity === undefined) continue;
    out.push({
      range: { start: doc.positionAt(f.span.start), end: doc.positionAt(f.span.end) },
      severity,
      code: f.code,
      codeDescription: { href: analysis.support.dialect.docsUrl(f.code, f.topic) },
      source: SOURCE,
      message: f.message,
      data: { key: findingKey(f) },
    });
  }
  return out;
}
