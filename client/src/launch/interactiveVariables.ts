// `${command:id}`, `${input:id}` and `${workspaceFolder:name}` in a workerManager configuration's "app" and "cwd".
// VS Code substitutes variables only after resolveDebugConfiguration, and the launcher must know the app file then
// (to pick the runtime and the manager CLI), so these are resolved here, as VS Code would: a command's result, an
// input from launch.json's "inputs" (promptString, pickString, command), asked once per launch.
import * as vscode from 'vscode';

/** Thrown when the user dismissed a prompt: the launch stops quietly. */
export class LaunchCancelled extends Error {}

interface InputDefinition {
  id: string;
  type: 'promptString' | 'pickString' | 'command';
  description?: string;
  default?: string;
  password?: boolean;
  options?: Array<string | { label?: string; value: string }>;
  command?: string;
  args?: unknown;
}

const INTERACTIVE = /\$\{(command|input|workspaceFolder):([^}]+)\}/g;

export class InteractiveVariables {
  private readonly answers = new Map<string, string>();

  constructor(
    private readonly folder: vscode.WorkspaceFolder | undefined,
    private readonly config: vscode.DebugConfiguration,
  ) {}

  /** `value` with every interactive variable replaced; the predefined ones are left for substituteVariables. */
  async resolve(value: string): Promise<string> {
    let out = '';
    let last = 0;
    for (const match of value.matchAll(INTERACTIVE)) {
      out += value.slice(last, match.index) + (await this.answer(match[1], match[2]));
      last = match.index! + match[0].length;
    }
    return out + value.slice(last);
  }

  private async answer(kind: string, id: string): Promise<string> {
    const key = `${kind}:${id}`;
    let answer = this.answers.get(key);
    if (answer === undefined) {
      answer = await this.ask(kind, id);
      this.answers.set(key, answer);
    }
    return answer;
  }

  private async ask(kind: string, id: string): Promise<string> {
    if (kind === 'workspaceFolder') {
      const folder = vscode.workspace.workspaceFolders?.find((f) => f.name === id);
      if (!folder) throw new Error(`\${workspaceFolder:${id}}: no workspace folder is named "${id}"`);
      return folder.uri.fsPath;
    }
    if (kind === 'command') return commandResult(id, this.config);
    const inputs = vscode.workspace.getConfiguration('launch', this.folder).get<InputDefinition[]>('inputs') ?? [];
    const input = inputs.find((i) => i.id === id);
    if (!input) throw new Error(`\${input:${id}}: launch.json has no input with the id "${id}" (see "inputs")`);
    switch (input.type) {
      case 'promptString':
        return given(await vscode.window.showInputBox({ prompt: input.description, value: input.default, password: input.password }));
      case 'pickString': {
        const items = (input.options ?? []).map((o) => (typeof o === 'string' ? { label: o, value: o } : { label: o.label ?? o.value, value: o.value }));
        const picked = await vscode.window.showQuickPick(items, { placeHolder: input.description });
        return given(picked?.value);
      }
      case 'command':
        if (!input.command) throw new Error(`\${input:${id}}: an input of type "command" needs "command"`);
        return commandResult(input.command, input.args);
      default:
        throw new Error(`\${input:${id}}: unknown input type "${(input as { type: string }).type}"`);
    }
  }
}

async function commandResult(command: string, arg: unknown): Promise<string> {
  const result = await vscode.commands.executeCommand<unknown>(command, arg);
  if (result === undefined || result === null) throw new LaunchCancelled();
  return String(result);
}

function given(value: string | undefined): string {
  if (value === undefined) throw new LaunchCancelled();
  return value;
}
