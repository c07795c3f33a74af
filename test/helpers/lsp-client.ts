/**
 * A real LSP client for tests and the benchmark: spawns the built server (stdio or node IPC) and speaks JSON-RPC
 * to it with vscode-languageserver-protocol. Diagnostics are collected per document version.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import {
  CodeActionRequest,
  CodeActionResolveRequest,
  ConfigurationRequest,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  HoverRequest,
  InitializeRequest,
  InitializedNotification,
  IPCMessageReader,
  IPCMessageWriter,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  createProtocolConnection,
  type CodeAction,
  type Diagnostic,
  type Hover,
  type ProtocolConnection,
  type Range,
  type TextDocumentContentChangeEvent,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver-protocol/node';

export const REPO = join(__dirname, '..', '..', '..');
export const SERVER = join(REPO, 'server', 'out', 'server.js');

export interface Published {
  version: number | undefined;
  diagnostics: Diagnostic[];
  at: number;
}

export interface StartOptions {
  transport?: 'stdio' | 'ipc';
  serverPath?: string;
  debounceMs?: number;
  /** Settings answered to workspace/configuration (pull) or pushed (when `pull` is false). */
  settings?: unknown;
  pull?: boolean;
  resolveSupport?: boolean;
  execArgv?: string[];
}

export class LspSession {
  readonly published = new Map<string, Published[]>();
  readonly stderr: string[] = [];
  readonly logs: string[] = [];
  exitCode: number | null | undefined;
  settings: unknown;
  private readonly versions = new Map<string, number>();
  private readonly texts = new Map<string, string>();
  private waiters: Array<() => void> = [];

  private constructor(
    readonly child: ChildProcess,
    readonly connection: ProtocolConnection,
    options: StartOptions,
  ) {
    this.settings = options.settings ?? {};
    connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      const list = this.published.get(p.uri) ?? [];
      list.push({ version: p.version, diagnostics: p.diagnostics, at: performance.now() });
      this.published.set(p.uri, list);
      this.notify();
    });
    connection.onNotification('window/logMessage', (p: { message: string }) => {
      this.logs.push(p.message);
    });
    connection.onRequest(ConfigurationRequest.type, (p) => p.items.map(() => this.settings));
    connection.onRequest(RegistrationRequest.type, () => undefined);
    child.on('exit', (code) => {
      this.exitCode = code;
      this.notify();
    });
  }

  static async start(options: StartOptions = {}): Promise<LspSession> {
    const serverPath = options.serverPath ?? SERVER;
    const execArgv = options.execArgv ?? [];
    let child: ChildProcess;
    let connection: ProtocolConnection;
    if (options.transport === 'ipc') {
      child = fork(serverPath, ['--node-ipc'], { stdio: ['pipe', 'pipe', 'pipe', 'ipc'], execArgv });
      connection = createProtocolConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    } else {
      child = spawn(process.execPath, [...execArgv, serverPath, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
      connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    }
    const session = new LspSession(child, connection, options);
    child.stderr?.on('data', (d: Buffer) => session.stderr.push(d.toString()));
    connection.listen();
    const pull = options.pull ?? true;
    await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: null,
      capabilities: {
        workspace: { configuration: pull, didChangeConfiguration: { dynamicRegistration: true } },
        textDocument: {
          publishDiagnostics: { versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
          codeAction: {
            dataSupport: true,
            isPreferredSupport: true,
            resolveSupport: options.resolveSupport ? { properties: ['edit'] } : undefined,
            codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source', 'source.fixAll'] } },
          },
          hover: { contentFormat: ['markdown', 'plaintext'] },
        },
      },
      initializationOptions: { debounceMs: options.debounceMs ?? 0, settings: pull ? undefined : options.settings },
      workspaceFolders: null,
    });
    await connection.sendNotification(InitializedNotification.type, {});
    return session;
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Resolves when `test` holds, checking after every notification; rejects on timeout or server exit. */
  waitFor<T>(test: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
      const check = (): void => {
        const value = test();
        if (value !== undefined) {
          clearTimeout(timer);
          resolve(value);
        } else if (this.exitCode !== undefined) {
          clearTimeout(timer);
          reject(new Error(`server exited (${this.exitCode}) while waiting for ${what}: ${this.stderr.join('')}`));
        } else this.waiters.push(check);
      };
      check();
    });
  }

  /** The diagnostics published for exactly this version of the document. */
  diagnosticsFor(uri: string, version: number, timeoutMs = 10_000): Promise<Published> {
    return this.waitFor(() => this.published.get(uri)?.find((p) => p.version === version), timeoutMs, `diagnostics of ${uri} v${version}`);
  }

  text(uri: string): string {
    return this.texts.get(uri) ?? '';
  }

  version(uri: string): number {
    return this.versions.get(uri) ?? 0;
  }

  async open(uri: string, languageId: string, text: string): Promise<number> {
    this.versions.set(uri, 1);
    this.texts.set(uri, text);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version: 1, text } });
    return 1;
  }

  async openAndWait(uri: string, languageId: string, text: string, timeoutMs?: number): Promise<Diagnostic[]> {
    const v = await this.open(uri, languageId, text);
    return (await this.diagnosticsFor(uri, v, timeoutMs)).diagnostics;
  }

  /** Sends changes (ranges in the current text) and returns the new version. */
  async change(uri: string, changes: TextDocumentContentChangeEvent[]): Promise<number> {
    const version = this.version(uri) + 1;
    this.versions.set(uri, version);
    let text = this.text(uri);
    for (const c of changes) text = 'range' in c ? applyTextEdits(text, [{ range: c.range, newText: c.text }]) : c.text;
    this.texts.set(uri, text);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: changes });
    return version;
  }

  async replaceAll(uri: string, text: string): Promise<number> {
    return this.change(uri, [{ text }]);
  }

  async close(uri: string): Promise<void> {
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  async pushSettings(settings: unknown): Promise<void> {
    this.settings = settings;
    await this.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: { workerManager: settings } });
  }

  codeActions(uri: string, range: Range, diagnostics: Diagnostic[], only?: string[]): Promise<CodeAction[]> {
    return this.connection
      .sendRequest(CodeActionRequest.type, { textDocument: { uri }, range, context: { diagnostics, only } })
      .then((r) => (r ?? []).filter((a): a is CodeAction => 'kind' in a || 'edit' in a || 'title' in a) as CodeAction[]);
  }

  resolve(action: CodeAction): Promise<CodeAction> {
    return this.connection.sendRequest(CodeActionResolveRequest.type, action);
  }

  hover(uri: string, line: number, character: number): Promise<Hover | null> {
    return this.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character } });
  }

  /** shutdown + exit; resolves with the exit code. */
  async stop(): Promise<number | null> {
    if (this.exitCode === undefined) {
      try {
        await this.connection.sendRequest(ShutdownRequest.type);
        await this.connection.sendNotification(ExitNotification.type);
      } catch {
        // already gone
      }
      await this.waitFor(() => (this.exitCode !== undefined ? true : undefined), 5000, 'server exit').catch(() => this.child.kill('SIGKILL'));
    }
    this.connection.dispose();
    return this.exitCode ?? null;
  }
}

/** Positions are UTF-16 (line, character), the LSP default. */
export function offsetAt(text: string, line: number, character: number): number {
  let offset = 0;
  for (let l = 0; l < line; l++) {
    const nl = text.slice(offset).search(/\r\n|\r|\n/);
    if (nl === -1) return text.length;
    offset += nl + (text.startsWith('\r\n', offset + nl) ? 2 : 1);
  }
  return Math.min(text.length, offset + character);
}

export function positionAt(text: string, at: number): { line: number; character: number } {
  // Inside a \r\n pair is not a position LSP can express: use the end of that line.
  const offset = text[at - 1] === '\r' && text[at] === '\n' ? at - 1 : at;
  let line = 0;
  let lineStart = 0;
  const re = /\r\n|\r|\n/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) && m.index < offset) {
    line++;
    lineStart = m.index + m[0].length;
  }
  return { line, character: offset - lineStart };
}

export function applyTextEdits(text: string, edits: TextEdit[]): string {
  const withOffsets = edits.map((e) => ({ start: offsetAt(text, e.range.start.line, e.range.start.character), end: offsetAt(text, e.range.end.line, e.range.end.character), newText: e.newText }));
  withOffsets.sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const e of withOffsets) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

export function applyWorkspaceEdit(text: string, uri: string, edit: WorkspaceEdit | undefined): string {
  return applyTextEdits(text, edit?.changes?.[uri] ?? []);
}
