/**
 * Configuration: defaults, `WM_*` environment variables (as Sanic reads `SANIC_*`), values set in code, and
 * validation with errors that say how to fix them. Keys are UPPER_CASE like Sanic's so the same names work in
 * code, in env vars and across processes.
 */
import { WorkerManagerError } from './errors';

export const ENV_PREFIX = 'WM_';

export const DEFAULTS = {
  /** Server workers to run. */
  WORKERS: 1,
  HOST: '127.0.0.1',
  PORT: 8000,
  /** Listen backlog of the shared socket: connections wait here while workers restart. */
  BACKLOG: 511,
  /** Ack threshold in units of 0.1 s (WorkerManager.THRESHOLD). */
  THRESHOLD: 300,
  /** Seconds a stopping worker gets to finish in-flight requests before it is killed. */
  GRACEFUL_SHUTDOWN_TIMEOUT: 15,
  /** Seconds an idle keep-alive connection stays open (Node's server.keepAliveTimeout). */
  KEEP_ALIVE_TIMEOUT: 5,
  /** A worker that dies sooner than this many seconds after it started serving counts as unstable. */
  MIN_UPTIME: 1,
  /** Consecutive unstable deaths of one worker after which it is no longer replaced. */
  CRASH_LOOP_LIMIT: 5,
  /** First replacement delay in seconds after an unstable death; doubles each time. */
  RESTART_BACKOFF: 0.1,
  RESTART_BACKOFF_MAX: 10,
  INSPECTOR: false,
  INSPECTOR_HOST: 'localhost',
  INSPECTOR_PORT: 6457,
  INSPECTOR_API_KEY: '',
  /**
   * Names clients may give in the Host header besides INSPECTOR_HOST and loopback, comma separated: the DNS name
   * of a machine, a proxy's or a container's published address.
   */
  INSPECTOR_ALLOWED_HOSTS: '',
  INSPECTOR_TLS_CERT: '',
  INSPECTOR_TLS_KEY: '',
  /** Largest inspector request body in bytes. */
  INSPECTOR_MAX_BODY: 65536,
  AUTO_RELOAD: false,
  /** Extra directories the auto-reloader watches, comma separated. */
  RELOAD_DIRS: '',
  /** Milliseconds of quiet after a file change before the reloader acts. */
  RELOAD_DEBOUNCE: 200,
};

export type KnownConfig = { -readonly [K in keyof typeof DEFAULTS]: (typeof DEFAULTS)[K] };
export type ConfigKey = keyof KnownConfig;

/** Rules for numeric keys: [minimum, integer only]. */
const NUMBER_RULES: Partial<Record<ConfigKey, [number, boolean]>> = {
  WORKERS: [1, true],
  PORT: [0, true],
  BACKLOG: [1, true],
  THRESHOLD: [1, true],
  GRACEFUL_SHUTDOWN_TIMEOUT: [0, false],
  KEEP_ALIVE_TIMEOUT: [0, false],
  MIN_UPTIME: [0, false],
  CRASH_LOOP_LIMIT: [1, true],
  RESTART_BACKOFF: [0, false],
  RESTART_BACKOFF_MAX: [0, false],
  INSPECTOR_PORT: [0, true],
  INSPECTOR_MAX_BODY: [1, true],
  RELOAD_DEBOUNCE: [0, true],
};

export type Config = KnownConfig & Record<string, unknown>;

export function isConfigKey(key: string): key is ConfigKey {
  return Object.prototype.hasOwnProperty.call(DEFAULTS, key);
}

/** Turns an env var's text into the type of the key it sets (unknown keys: best guess, like Sanic). */
export function parseEnvValue(key: string, raw: string): unknown {
  const expected = isConfigKey(key) ? typeof DEFAULTS[key] : undefined;
  if (expected === 'string') return raw;
  const lower = raw.trim().toLowerCase();
  if (expected === 'boolean' || (expected === undefined && ['true', 'false', 'yes', 'no', 'on', 'off'].includes(lower))) {
    if (['true', '1', 'yes', 'on'].includes(lower)) return true;
    if (['false', '0', 'no', 'off', ''].includes(lower)) return false;
    throw new WorkerManagerError(
      `${ENV_PREFIX}${key}=${raw} is not a boolean.`,
      `Set ${ENV_PREFIX}${key} to true or false.`,
    );
  }
  if (expected === 'number' || (expected === undefined && /^-?\d+(\.\d+)?$/.test(raw.trim()))) {
    const value = Number(raw);
    if (raw.trim() === '' || Number.isNaN(value)) {
      throw new WorkerManagerError(`${ENV_PREFIX}${key}=${raw} is not a number.`, `Set ${ENV_PREFIX}${key} to a number.`);
    }
    return value;
  }
  return raw;
}

/** Every `WM_*` variable of an environment as config entries. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || raw === undefined) continue;
    const key = name.slice(ENV_PREFIX.length);
    // Variables the manager uses to describe a child process to itself are not configuration.
    if (INTERNAL_ENV.has(name)) continue;
    out[key] = parseEnvValue(key, raw);
  }
  return out;
}

/** Env vars the manager sets on its children for their own bootstrap (see worker/entry.ts). */
export const INTERNAL_ENV: ReadonlySet<string> = new Set([
  'WM_PROCESS_NAME',
  'WM_PROCESS_KIND',
  'WM_APP_MODULE',
  'WM_APP_EXPORT',
  'WM_APP_NAME',
  'WM_APP_FACTORY',
  'WM_CONFIG_JSON',
  'WM_LOG_LEVEL',
  'WM_BUNDLED',
  'WM_CUSTOM_TARGET',
  'WM_WARM',
]);

export function createConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return { ...DEFAULTS, ...configFromEnv(env) } as Config;
}

/** Checks the known keys; throws the first problem with the fix. `source` names where a value came from. */
export function validateConfig(config: Config, source: (key: ConfigKey) => string = (k) => `config ${k}`): void {
  for (const [key, [min, integer]] of Object.entries(NUMBER_RULES) as [ConfigKey, [number, boolean]][]) {
    const value = config[key];
    const ok = typeof value === 'number' && Number.isFinite(value) && value >= min && (!integer || Number.isInteger(value));
    if (!ok) {
      const what = integer ? `a whole number of at least ${min}` : `a number of at least ${min}`;
      const hint =
        key === 'WORKERS'
          ? `Give ${source(key)} ${what}, or use --single-process to serve in this process without workers.`
          : `Give ${source(key)} ${what}.`;
      throw new WorkerManagerError(`${source(key)} must be ${what} (got ${JSON.stringify(value)}).`, hint);
    }
  }
  if (config.PORT > 65535 || config.INSPECTOR_PORT > 65535) {
    const key: ConfigKey = config.PORT > 65535 ? 'PORT' : 'INSPECTOR_PORT';
    throw new WorkerManagerError(`${source(key)} must be at most 65535.`, `Choose a port between 1 and 65535 (0 picks a free one).`);
  }
  if (Boolean(config.INSPECTOR_TLS_CERT) !== Boolean(config.INSPECTOR_TLS_KEY)) {
    throw new WorkerManagerError(
      'The inspector needs both INSPECTOR_TLS_CERT and INSPECTOR_TLS_KEY for TLS; only one is set.',
      'Set both (paths to PEM files), or neither for plain HTTP on loopback.',
    );
  }
}

/** Levenshtein distance, for "did you mean" on misspelled settings. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}

/**
 * `WM_*` variables that look like a misspelled setting (`WM_WORKRES`): each with the key it probably meant.
 * Other unknown keys are the app's own config and pass silently, as in Sanic.
 */
export function misspelledEnvKeys(env: NodeJS.ProcessEnv = process.env): { name: string; suggestion: string }[] {
  const out: { name: string; suggestion: string }[] = [];
  for (const name of Object.keys(env)) {
    if (!name.startsWith(ENV_PREFIX) || INTERNAL_ENV.has(name)) continue;
    const key = name.slice(ENV_PREFIX.length);
    if (isConfigKey(key)) continue;
    const best = (Object.keys(DEFAULTS) as ConfigKey[])
      .map((known) => ({ known, d: distance(key, known) }))
      .sort((x, y) => x.d - y.d)[0];
    if (best && best.d > 0 && best.d <= Math.min(2, Math.floor(key.length / 3))) out.push({ name, suggestion: `${ENV_PREFIX}${best.known}` });
  }
  return out;
}
