/**
 * `workerManager.diagnostics.severity`: rule code → "error" | "warning" | "information" | "hint" | "off". Read per
 * document with workspace/configuration when the client supports it, else from didChangeConfiguration pushes
 * (or initializationOptions.settings). Anything unreadable falls back to the defaults.
 */
import { DiagnosticSeverity, type Connection } from 'vscode-languageserver/node';
import { RULE_CODES, type RuleCode } from './analysis/dialect';

export type Severity = 'error' | 'warning' | 'information' | 'hint' | 'off';

export interface Settings {
  severity: Readonly<Record<RuleCode, Severity>>;
}

export const DEFAULT_SEVERITY: Readonly<Record<RuleCode, Severity>> = {
  'WM-D1': 'error',
  'WM-D2': 'error',
  'WM-D3': 'warning',
  'WM-D4': 'warning',
  'WM-D5': 'error',
  'WM-D6': 'warning',
  'WM-D7': 'error',
};

export const DEFAULT_SETTINGS: Settings = { severity: DEFAULT_SEVERITY };

const ALIASES: Record<string, Severity> = {
  error: 'error',
  warning: 'warning',
  warn: 'warning',
  information: 'information',
  info: 'information',
  hint: 'hint',
  off: 'off',
  none: 'off',
  ignore: 'off',
};

/** Settings from whatever the client sent: `{ diagnostics: { severity: { "WM-D1": "warning" } } }`. */
export function parseSettings(raw: unknown): Settings {
  const severity: Record<RuleCode, Severity> = { ...DEFAULT_SEVERITY };
  const map = (raw as { diagnostics?: { severity?: unknown } } | null | undefined)?.diagnostics?.severity;
  if (map && typeof map === 'object') {
    for (const [key, value] of Object.entries(map as Record<string, unknown>)) {
      const code = RULE_CODES.find((c) => c === key.trim().toUpperCase());
      const level = typeof value === 'string' ? ALIASES[value.trim().toLowerCase()] : undefined;
      if (code && level) severity[code] = level;
    }
  }
  return { severity };
}

export function toLspSeverity(s: Severity): DiagnosticSeverity | undefined {
  switch (s) {
    case 'error':
      return DiagnosticSeverity.Error;
    case 'warning':
      return DiagnosticSeverity.Warning;
    case 'information':
      return DiagnosticSeverity.Information;
    case 'hint':
      return DiagnosticSeverity.Hint;
    case 'off':
      return undefined;
  }
}

export class SettingsStore {
  private readonly perDocument = new Map<string, Promise<Settings>>();
  private global: Settings;

  constructor(
    private readonly connection: Connection,
    readonly pull: boolean,
    initial: unknown,
  ) {
    this.global = parseSettings(initial);
  }

  get(uri: string): Promise<Settings> {
    if (!this.pull) return Promise.resolve(this.global);
    let settings = this.perDocument.get(uri);
    if (!settings) {
      settings = this.connection.workspace
        .getConfiguration({ scopeUri: uri, section: 'workerManager' })
        .then(parseSettings, () => this.global);
      this.perDocument.set(uri, settings);
    }
    return settings;
  }

  /** A didChangeConfiguration: clients that cannot be asked push the new settings in it. */
  changed(pushed: unknown): void {
    this.perDocument.clear();
    const section = (pushed as { workerManager?: unknown } | null | undefined)?.workerManager;
    if (!this.pull && section !== undefined) this.global = parseSettings(section);
  }

  forget(uri: string): void {
    this.perDocument.delete(uri);
  }
}
