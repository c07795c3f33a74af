/**
 * The manager's logger: one line per message, prefixed with the process name, to stderr so an app's own stdout
 * stays clean. Level from WM_LOG_LEVEL (debug, info, warn, error, silent).
 */

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
export type LogLevel = keyof typeof LEVELS;

const COLORS: Record<Exclude<LogLevel, 'silent'>, string> = {
  debug: '\x1b[90m',
  info: '\x1b[36m',
  warn: '\x1b[33m',
  error: '\x1b[31m',
};

function currentLevel(): number {
  const name = (process.env.WM_LOG_LEVEL ?? 'info').toLowerCase();
  return name in LEVELS ? LEVELS[name as LogLevel] : LEVELS.info;
}

let processName = process.env.WM_PROCESS_NAME ?? 'WM-Main';

export function setLogProcessName(name: string): void {
  processName = name;
}

function write(level: Exclude<LogLevel, 'silent'>, message: string): void {
  if (LEVELS[level] < currentLevel()) return;
  const color = process.stderr.isTTY && !process.env.NO_COLOR;
  const tag = level.toUpperCase().padEnd(5);
  const prefix = color ? `${COLORS[level]}[${processName}] ${tag}\x1b[0m` : `[${processName}] ${tag}`;
  process.stderr.write(`${prefix} ${message}\n`);
}

export const log = {
  debug: (message: string) => write('debug', message),
  info: (message: string) => write('info', message),
  warn: (message: string) => write('warn', message),
  error: (message: string) => write('error', message),
};
