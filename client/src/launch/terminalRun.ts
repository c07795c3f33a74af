// A launch without a debugger (a Sanic app when the Python debugger extension is missing): the app runs
// as a child process in its own process group, its output in a terminal; closing the terminal or
// stop() ends the whole group.
import { spawn } from 'node:child_process';
import * as vscode from 'vscode';

const STOP_GRACE_MS = 10_000;
const TRANSCRIPT_CHARS = 64 * 1024;

export interface TerminalRun {
  readonly terminal: vscode.Terminal;
  /** What the terminal showed so far (the last 64 KB), as plain text with \n line ends. */
  transcript(): string;
  readonly exited: Promise<number | null>;
  stop(): void;
}

export function runInTerminal(name: string, cmd: { command: string; args: string[]; cwd: string; env: Record<string, string> },
  firstLine?: string): TerminalRun {
  const write = new vscode.EventEmitter<string>();
  const close = new vscode.EventEmitter<number | void>();
  let settle!: (code: number | null) => void;
  const exited = new Promise<number | null>((r) => (settle = r));
  const child = spawn(cmd.command, cmd.args, { cwd: cmd.cwd, env: { ...process.env, ...cmd.env }, detached: true });
  // Output that arrives before VS Code opens the terminal is held back, not lost.
  let pending: string[] | undefined = [];
  let shown = '';
  const out = (chunk: Buffer | string) => {
    shown = (shown + String(chunk).replace(/\r\n/g, '\n')).slice(-TRANSCRIPT_CHARS);
    const text = String(chunk).replace(/\r?\n/g, '\r\n');
    if (pending) pending.push(text);
    else write.fire(text);
  };
  const running = () => child.pid !== undefined && child.exitCode === null && child.signalCode === null;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // the group is gone
    }
  };
  // The main process gets SIGTERM and stops its own children gracefully; whatever of the group is left
  // after the grace period is killed.
  const stop = () => {
    if (!running()) return;
    child.kill('SIGTERM');
    setTimeout(() => running() && signalGroup('SIGKILL'), STOP_GRACE_MS).unref();
  };
  if (firstLine) out(`${firstLine}\n`);
  out(`$ ${[cmd.command, ...cmd.args].join(' ')}\n`);
  child.stdout.on('data', out);
  child.stderr.on('data', out);
  child.on('error', (e) => {
    out(`\n${e.message}\n`);
    settle(null);
  });
  child.on('exit', (code, sig) => {
    out(`\n[${cmd.command} exited ${sig ? `on ${sig}` : `with status ${code}`}]\n`);
    settle(code);
  });
  const pty: vscode.Pseudoterminal = {
    onDidWrite: write.event,
    onDidClose: close.event,
    open: () => {
      const held = pending ?? [];
      pending = undefined;
      for (const text of held) write.fire(text);
    },
    close: stop,
    handleInput: (data) => {
      if (data === '\x03' && running()) signalGroup('SIGINT'); // Ctrl+C, as a terminal sends it to the foreground group
    },
  };
  const terminal = vscode.window.createTerminal({ name, pty });
  terminal.show(true);
  return { terminal, exited, stop, transcript: () => shown };
}
