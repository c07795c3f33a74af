/**
 * The worker-manager language server: wires the connection (stdio, node IPC or a socket, as the command line says)
 * to the documents, the debounced checks, code actions and hover. Every handler catches its own errors: bad
 * input costs a document its diagnostics, never the server.
 */
import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  ProposedFeatures,
  TextDocumentSyncKind,
  createConnection,
  type CodeAction,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { toDiagnostics } from './diagnostics';
import { DocumentStore, type OpenDocument } from './documents';
import { FIX_ALL_KIND, codeActions, fixAllEdit, type FixAllData } from './fixes';
import { hover } from './hover';
import type { LanguageSupport } from './language';
import { createPythonSupport } from './python/support';
import { Scheduler, yieldToEventLoop } from './scheduler';
import { SettingsStore } from './settings';
import { createTypeScriptSupport } from './typescript/support';

const DEFAULT_DEBOUNCE_MS = 200;
const TS_LANGUAGES = new Set(['typescript', 'typescriptreact', 'javascript', 'javascriptreact']);

const connection = createConnection(ProposedFeatures.all);

let python: LanguageSupport | null = null;
const typescript = createTypeScriptSupport();
let settings = new SettingsStore(connection, false, undefined);
let debounceMs = DEFAULT_DEBOUNCE_MS;
let resolveSupport = false;

function supportFor(languageId: string, uri: string): LanguageSupport | null {
  if (languageId === 'python' || (!languageId && /\.pyi?$/i.test(uri))) return python;
  if (TS_LANGUAGES.has(languageId) || (!languageId && /\.[cm]?[jt]sx?$/i.test(uri))) return typescript;
  return null;
}

const documents = new DocumentStore(supportFor);
const scheduler = new Scheduler(check);

function logError(where: string, e: unknown): void {
  connection.console.error(`${where}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
}

/** Parse, yield (a newer edit may arrive and make this stale), analyse, publish. */
async function check(uri: string, isCurrent: () => boolean): Promise<void> {
  const d = documents.get(uri);
  if (!d || !d.support) return;
  try {
    const docSettings = await settings.get(uri);
    if (!isCurrent()) return;
    const version = d.doc.version;
    if (d.tooLarge) {
      void connection.sendDiagnostics({ uri, version, diagnostics: [] });
      return;
    }
    d.snapshot();
    await yieldToEventLoop();
    if (!isCurrent() || d.doc.version !== version) return;
    const analysis = d.analysis(docSettings);
    if (!isCurrent()) return;
    void connection.sendDiagnostics({ uri, version, diagnostics: analysis ? toDiagnostics(analysis, d.doc) : [] });
  } catch (e) {
    logError(`checking ${uri}`, e);
    if (isCurrent()) void connection.sendDiagnostics({ uri, version: d.doc.version, diagnostics: [] });
  }
}

connection.onInitialize(async (params): Promise<InitializeResult> => {
  const options = (params.initializationOptions ?? {}) as { debounceMs?: unknown; settings?: unknown };
  if (typeof options.debounceMs === 'number' && Number.isFinite(options.debounceMs) && options.debounceMs >= 0) debounceMs = options.debounceMs;
  const pull = !!params.capabilities.workspace?.configuration;
  settings = new SettingsStore(connection, pull, options.settings);
  resolveSupport = !!params.capabilities.textDocument?.codeAction?.resolveSupport?.properties.includes('edit');
  try {
    python = await createPythonSupport();
  } catch (e) {
    logError('loading the Python grammar (Python files will not be checked)', e);
  }
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND], resolveProvider: true },
      hoverProvider: true,
    },
    serverInfo: { name: 'worker-manager-language-server', version: '0.1.0' },
  };
});

connection.onInitialized(() => {
  // A client that can be asked for settings is asked to say when they change (as in the LSP sample).
  if (settings.pull) void connection.client.register(DidChangeConfigurationNotification.type, undefined).catch(() => undefined);
});

connection.onDidChangeConfiguration((change) => {
  try {
    settings.changed(change.settings);
    for (const d of documents.all()) scheduler.schedule(d.doc.uri, 0);
  } catch (e) {
    logError('configuration change', e);
  }
});

connection.onDidOpenTextDocument((params) => {
  try {
    documents.open(params);
    scheduler.schedule(params.textDocument.uri, 0);
  } catch (e) {
    logError(`opening ${params.textDocument.uri}`, e);
  }
});

connection.onDidChangeTextDocument((params) => {
  const uri = params.textDocument.uri;
  const d = documents.get(uri);
  if (!d) return;
  try {
    scheduler.cancel(uri);
    d.applyChanges(params);
    scheduler.schedule(uri, debounceMs);
  } catch (e) {
    logError(`editing ${uri}`, e);
  }
});

connection.onDidCloseTextDocument((params) => {
  const uri = params.textDocument.uri;
  scheduler.forget(uri);
  settings.forget(uri);
  documents.close(uri);
  void connection.sendDiagnostics({ uri, diagnostics: [] });
});

/** The current analysis of a document, computed now if the debounced check has not run yet. */
async function currentAnalysis(uri: string): Promise<{ d: OpenDocument; analysis: NonNullable<ReturnType<OpenDocument['analysis']>> } | null> {
  const d = documents.get(uri);
  if (!d || !d.support) return null;
  const docSettings = await settings.get(uri);
  const analysis = d.analysis(docSettings);
  return analysis ? { d, analysis } : null;
}

connection.onCodeAction(async (params, token) => {
  try {
    const current = await currentAnalysis(params.textDocument.uri);
    if (!current || token.isCancellationRequested) return null;
    const { d, analysis } = current;
    return codeActions({ doc: d.doc, languageId: d.languageId, analysis, diagnostics: params.context.diagnostics, only: params.context.only, resolveSupport });
  } catch (e) {
    logError('code actions', e);
    return null;
  }
});

connection.onCodeActionResolve(async (action: CodeAction) => {
  try {
    const data = action.data as FixAllData | undefined;
    if (!data || typeof data.uri !== 'string') return action;
    const current = await currentAnalysis(data.uri);
    if (!current || current.d.doc.version !== data.version) return action;
    action.edit = fixAllEdit(current.d.doc, current.d.languageId, current.analysis, new Set([data.code]));
    return action;
  } catch (e) {
    logError('resolving a code action', e);
    return action;
  }
});

connection.onHover(async (params, token) => {
  try {
    const current = await currentAnalysis(params.textDocument.uri);
    if (!current || token.isCancellationRequested) return null;
    return hover(current.analysis, current.d.doc.offsetAt(params.position));
  } catch (e) {
    logError('hover', e);
    return null;
  }
});

process.on('uncaughtException', (e) => logError('uncaught', e));
process.on('unhandledRejection', (e) => logError('unhandled rejection', e));

connection.listen();
