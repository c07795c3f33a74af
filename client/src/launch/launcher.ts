// Launching apps: "Run App" / "Debug App" and F5 on a `workerManager` launch configuration. A launch
// gets a fresh inspector endpoint (free port, random key) passed through env vars, appears in the
// Workers view at once, and when its debug session (or terminal run) ends the app is gone for good:
// whatever process of it is still alive after a grace period is stopped.
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { launchDefaults, liveUpdates, pythonPath } from '../settings';
import type { WorkersModel } from '../workers/model';
import { runtimeForFile, splitAppTarget } from './appTarget';
import { findWmCli, nodeLaunchConfig, nodeRunCommand, type NodeLaunchOptions } from './node';
import { inspectorEnv, launchMarkerVariable, newEndpoint, type LaunchEndpoint, type Runtime } from './portsAndKeys';
import { hasEnvironment, pidsWithEnvironment, stopSurvivors } from './processes';
import { sanicAppVariable, sanicCommand, sanicDebugConfig, sanicTarget, type SanicLaunchOptions } from './sanic';
import { runInTerminal, type TerminalRun } from './terminalRun';
import { InteractiveVariables, LaunchCancelled } from './interactiveVariables';
import { substituteVariables } from './variables';

export const DEBUG_TYPE = 'workerManager';
const ENDED_STATES = new Set(['TERMINATED', 'FAILED', 'COMPLETED', 'JOINED']);
/** Marks the debug configurations this extension produced, so their sessions are tied to their app. */
export const LAUNCH_ID_KEY = '__workerManagerLaunchId';
const DEBUGPY_EXTENSION = 'ms-python.debugpy';

/** The Python Debugger extension, which Sanic apps are debugged (and their workers attached) through. */
export function debugpyInstalled(): boolean {
  return vscode.extensions.getExtension(DEBUGPY_EXTENSION) !== undefined;
}
/** A resolved launch whose debug session never starts (the debugger refused it) is dropped after this. */
const SESSION_START_TIMEOUT_MS = 30_000;

export interface WorkerManagerLaunchConfiguration extends vscode.DebugConfiguration {
  app?: string;
  workers?: number;
  dev?: boolean;
  runtime?: Runtime;
  cwd?: string;
  env?: Record<string, string>;
  args?: string[];
  python?: string;
  runtimeExecutable?: string;
  runtimeArgs?: string[];
  noDebug?: boolean;
}

interface Launch {
  id: string;
  runtime: Runtime;
  endpoint: LaunchEndpoint;
  session?: vscode.DebugSession;
  terminalRun?: TerminalRun;
  startTimer?: NodeJS.Timeout;
  /** pids from the latest inspector state: the processes to check once the app should be gone. */
  pids: number[];
}

/** Fields of a launch configuration handed on unchanged to the debugger that runs it. */
const PASS_THROUGH = ['preLaunchTask', 'postDebugTask', 'presentation', 'console', 'skipFiles', 'outFiles', 'sourceMaps',
  'smartStep', 'internalConsoleOptions', 'outputCapture', 'justMyCode', 'envFile'];

export class Launcher implements vscode.Disposable {
  private readonly launches = new Map<string, Launch>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly ended = new vscode.EventEmitter<{ appId: string; stopped: number[] }>();
  /** Fires once an app's processes are all gone (stopped: the pids that had to be killed). */
  readonly onDidEnd = this.ended.event;

  constructor(private readonly model: WorkersModel, private readonly log: vscode.LogOutputChannel, private readonly extensionPath: string) {
    this.disposables.push(
      vscode.debug.onDidStartDebugSession((s) => this.sessionStarted(s)),
      vscode.debug.onDidTerminateDebugSession((s) => this.sessionEnded(s)),
      this.ended,
    );
    const track = model.onDidChange((appId) => {
      for (const launch of appId ? [this.launches.get(appId)] : this.launches.values()) {
        const workers = launch && model.get(launch.id)?.state?.workers;
        // Only processes the inspector last saw running: the pid of one that ended may belong to anything by now
        // (where /proc cannot confirm a pid is still ours, this list is all the sweep goes by).
        if (launch && workers) launch.pids = Object.values(workers).flatMap((r) => (typeof r.pid === 'number' && !ENDED_STATES.has(String(r.state)) ? [r.pid] : []));
      }
    });
    this.disposables.push(track);
  }

  /** Run App (debug false) / Debug App (debug true) for a file. */
  async start(file: string, debug: boolean): Promise<boolean> {
    const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(file));
    const { workers, dev, args } = launchDefaults(folder);
    const config: WorkerManagerLaunchConfiguration = {
      type: DEBUG_TYPE,
      request: 'launch',
      name: `${debug ? 'Debug' : 'Run'} ${path.basename(file)}`,
      app: file,
      workers,
      dev,
      ...(args.length ? { args } : {}),
    };
    // A plain run, or a Sanic app without the Python debugger, runs in a terminal: no debug session at all.
    if (!debug || (runtimeForFile(file) === 'python' && !debugpyInstalled())) {
      const before = this.launches.size;
      await this.resolve(folder, { ...config, noDebug: !debug });
      return this.launches.size > before;
    }
    const before = new Set(this.launches.keys());
    const started = await vscode.debug.startDebugging(folder, config);
    if (!started) for (const id of this.launches.keys()) if (!before.has(id) && !this.launches.get(id)?.session) this.forget(id);
    return started;
  }

  /** Stops a launched app: ends its debug session (or terminal run); the rest follows from that. */
  async stop(appId: string): Promise<boolean> {
    const launch = this.launches.get(appId);
    if (!launch) return false;
    if (launch.session) await vscode.debug.stopDebugging(launch.session);
    else launch.terminalRun?.stop();
    return true;
  }

  isLaunched(appId: string): boolean {
    return this.launches.has(appId);
  }

  session(appId: string): vscode.DebugSession | undefined {
    return this.launches.get(appId)?.session;
  }

  terminal(appId: string): TerminalRun | undefined {
    return this.launches.get(appId)?.terminalRun;
  }

  /**
   * Turns a workerManager configuration into the one VS Code runs (`node` or `debugpy`), before variable
   * substitution so that the target debugger's own resolution runs on it. Returns undefined when there
   * is nothing for a debugger to do: the configuration was wrong (the user was told), or the app runs in
   * a terminal.
   */
  async resolve(folder: vscode.WorkspaceFolder | undefined, config: WorkerManagerLaunchConfiguration): Promise<vscode.DebugConfiguration | undefined> {
    try {
      return await this.prepare(folder, config);
    } catch (e) {
      if (e instanceof LaunchCancelled) return undefined; // the user dismissed a prompt
      const message = e instanceof Error ? e.message : String(e);
      this.log.error(`launch "${config.name}": ${message}`);
      void vscode.window.showErrorMessage(`Worker Manager: ${message}`);
      return undefined;
    }
  }

  private async prepare(folder: vscode.WorkspaceFolder | undefined, config: WorkerManagerLaunchConfiguration): Promise<vscode.DebugConfiguration | undefined> {
    const activeFile = vscode.window.activeTextEditor?.document.uri.scheme === 'file' ? vscode.window.activeTextEditor.document.uri.fsPath : undefined;
    const vars = { file: activeFile, workspaceFolder: folder?.uri.fsPath, env: process.env };
    const interactive = new InteractiveVariables(folder, config);
    const sub = async (v: string) => substituteVariables(await interactive.resolve(v), vars);
    if (!config.app) throw new Error('the launch configuration needs "app": the app file, e.g. "${file}" or "src/app.js:app"');
    const { file: rawFile, exportName } = splitAppTarget(await sub(config.app));
    const file = path.resolve(folder?.uri.fsPath ?? path.dirname(rawFile), rawFile);
    if (!fs.existsSync(file)) throw new Error(`app file not found: ${file}`);
    const runtime = config.runtime ?? runtimeForFile(file);
    if (!runtime) throw new Error(`cannot tell how to run ${path.basename(file)}: set "runtime" to "node" or "python"`);
    const workers = config.workers ?? launchDefaults(folder).workers;
    if (!Number.isInteger(workers) || workers < 1) throw new Error(`"workers" must be a whole number of at least 1, not ${workers}`);
    const cwd = config.cwd ? path.resolve(folder?.uri.fsPath ?? path.dirname(file), await sub(config.cwd)) : (folder?.uri.fsPath ?? path.dirname(file));
    const dev = config.dev ?? launchDefaults(folder).dev;
    const noDebug = config.noDebug === true;
    const endpoint = await newEndpoint();
    const id = randomUUID();
    const env = { ...(config.env ?? {}), ...inspectorEnv(runtime, endpoint) };
    const passThrough = Object.fromEntries(PASS_THROUGH.filter((k) => k in config).map((k) => [k, config[k]]));

    // Debugging goes through the runtime's debugger; a plain run (and a Sanic app without debugpy) runs
    // in a terminal, as a child process of its own: no debugger between the user and the app.
    let resolved: vscode.DebugConfiguration | undefined;
    let terminalRun: TerminalRun | undefined;
    const title = `${noDebug ? 'Run' : 'Debug'} ${path.basename(file)}`;
    if (runtime === 'node') {
      const cli = findWmCli([path.dirname(file), cwd], path.join(this.extensionPath, 'dist', 'wm.js'));
      this.log.info(`launch ${file}: manager CLI ${cli.path} (${cli.source}), inspector on ${endpoint.host}:${endpoint.port}`);
      const options: NodeLaunchOptions = {
        name: config.name, target: exportName ? `${file}:${exportName}` : file, workers, dev, cwd, cli: cli.path, env,
        extraArgs: config.args, runtimeExecutable: config.runtimeExecutable, runtimeArgs: config.runtimeArgs,
      };
      if (noDebug) terminalRun = runInTerminal(title, nodeRunCommand(options));
      else resolved = { ...(nodeLaunchConfig(options) as vscode.DebugConfiguration), ...passThrough };
    } else {
      const source = fs.readFileSync(file, 'utf8');
      const { target, cwd: appCwd } = sanicTarget(file, cwd, exportName ?? sanicAppVariable(source));
      const options: SanicLaunchOptions = { name: config.name, target, workers, dev, cwd: appCwd, python: config.python ?? pythonPath(folder), env, extraArgs: config.args };
      this.log.info(`launch ${file}: python -m sanic ${target}, inspector on ${endpoint.host}:${endpoint.port}`);
      if (!noDebug && debugpyInstalled()) {
        resolved = { ...(sanicDebugConfig(options) as vscode.DebugConfiguration), ...passThrough };
      } else {
        const hint = noDebug ? undefined
          : 'Worker Manager: running without a debugger; install the Python Debugger extension (ms-python.debugpy) to debug Sanic workers.';
        terminalRun = runInTerminal(title, sanicCommand(options), hint);
      }
    }
    if (resolved) resolved[LAUNCH_ID_KEY] = id;

    const launch: Launch = { id, runtime, endpoint, terminalRun, pids: [] };
    this.launches.set(id, launch);
    this.model.add({
      id,
      name: path.basename(file),
      origin: 'launched',
      endpoint,
      updates: liveUpdates(),
      launch: { file, runtime, debug: !!resolved },
    });
    if (terminalRun) {
      void terminalRun.exited.then(() => this.finish(id));
    } else {
      launch.startTimer = setTimeout(() => !launch.session && this.forget(id), SESSION_START_TIMEOUT_MS);
    }
    return resolved;
  }

  private sessionStarted(session: vscode.DebugSession): void {
    const launch = this.launches.get(session.configuration[LAUNCH_ID_KEY]);
    if (!launch || launch.session || session.parentSession) return;
    launch.session = session;
    clearTimeout(launch.startTimer);
  }

  private sessionEnded(session: vscode.DebugSession): void {
    const launch = this.launches.get(session.configuration[LAUNCH_ID_KEY]);
    if (launch?.session?.id === session.id) void this.finish(launch.id);
  }

  /** The app's session (or terminal run) ended: make sure none of its processes outlives it. */
  private async finish(id: string): Promise<void> {
    const launch = this.launches.get(id);
    if (!launch) return;
    this.launches.delete(id);
    this.model.markStopped(id);
    const marker = launchMarkerVariable(launch.runtime);
    const ours = launch.pids.filter((pid) => hasEnvironment(pid, marker, launch.endpoint.apiKey) !== false);
    const stopped = await stopSurvivors([...ours, ...pidsWithEnvironment(marker, launch.endpoint.apiKey)]);
    if (stopped.length) this.log.warn(`app ${id}: stopped processes that outlived their session: ${stopped.join(', ')}`);
    this.model.remove(id);
    this.ended.fire({ appId: id, stopped });
  }

  private forget(id: string): void {
    const launch = this.launches.get(id);
    if (!launch) return;
    clearTimeout(launch.startTimer);
    this.launches.delete(id);
    this.model.remove(id);
  }

  dispose(): void {
    for (const launch of this.launches.values()) {
      clearTimeout(launch.startTimer);
      launch.terminalRun?.stop();
    }
    this.disposables.forEach((d) => d.dispose());
  }
}
