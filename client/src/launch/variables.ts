// The predefined variables a workerManager launch configuration may use in `app` and `cwd` (the interactive ones,
// `${command:...}`, `${input:...}` and `${workspaceFolder:name}`, are resolved first: interactiveVariables.ts).
// They are substituted here because the configuration is turned into a `node`/`debugpy` one before VS
// Code substitutes variables (so that js-debug's own resolution still runs on the result); variables
// left in other fields (env, args) are substituted by VS Code afterwards.
import * as os from 'node:os';
import * as path from 'node:path';

export interface VariableContext {
  /** The active editor's file. */
  file?: string;
  /** The launch's workspace folder. */
  workspaceFolder?: string;
  env: Record<string, string | undefined>;
}

export class UnresolvedVariableError extends Error {}

export function substituteVariables(value: string, ctx: VariableContext): string {
  return value.replace(/\$\{([^}]+)\}/g, (whole, name: string) => {
    const need = (v: string | undefined, what: string) => {
      if (v === undefined) throw new UnresolvedVariableError(`${whole} needs ${what}`);
      return v;
    };
    if (name.startsWith('env:')) return ctx.env[name.slice(4)] ?? '';
    switch (name) {
      case 'file':
        return need(ctx.file, 'an open file');
      case 'fileDirname':
        return path.dirname(need(ctx.file, 'an open file'));
      case 'fileBasename':
        return path.basename(need(ctx.file, 'an open file'));
      case 'relativeFile':
        return path.relative(need(ctx.workspaceFolder, 'a workspace folder'), need(ctx.file, 'an open file'));
      case 'workspaceFolder':
      case 'workspaceRoot':
        return need(ctx.workspaceFolder, 'a workspace folder');
      case 'userHome':
        return os.homedir();
      case 'pathSeparator':
        return path.sep;
      default:
        throw new UnresolvedVariableError(`${whole} is not supported in a workerManager configuration's "app" or "cwd"`);
    }
  });
}
