/**
 * Inspector settings: the checks that must stop the app before anything starts (run in the main process), and
 * the small readings of config the inspector process and its security checks share.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { createSecureContext } from 'node:tls';
import type { Config } from '../config';
import { WorkerManagerError } from '../errors';

/** True for names and addresses that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = stripBrackets(host.trim().toLowerCase());
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(h);
  return false;
}

/** True for the "every interface" addresses. */
export function isWildcardHost(host: string): boolean {
  const h = stripBrackets(host.trim().toLowerCase());
  return h === '' || h === '0.0.0.0' || h === '::' || h === '0:0:0:0:0:0:0:0';
}

export function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

export interface InspectorSettings {
  host: string;
  port: number;
  apiKey: string;
  /** Host names accepted besides `host` and loopback (INSPECTOR_ALLOWED_HOSTS). */
  allowedHosts: string[];
  tls?: { certFile: string; keyFile: string };
  maxBody: number;
}

/** The inspector's settings out of the app's config. */
export function inspectorSettings(config: Config): InspectorSettings {
  const cert = String(config.INSPECTOR_TLS_CERT ?? '');
  const key = String(config.INSPECTOR_TLS_KEY ?? '');
  return {
    host: String(config.INSPECTOR_HOST ?? 'localhost') || 'localhost',
    port: Number(config.INSPECTOR_PORT),
    apiKey: String(config.INSPECTOR_API_KEY ?? ''),
    allowedHosts: String(config.INSPECTOR_ALLOWED_HOSTS ?? '')
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean),
    tls: cert && key ? { certFile: cert, keyFile: key } : undefined,
    maxBody: Number(config.INSPECTOR_MAX_BODY),
  };
}

/** Reads the TLS files; throws a WorkerManagerError that names the file and the fix. */
export function readTlsFiles(tls: { certFile: string; keyFile: string }): { cert: Buffer; key: Buffer } {
  const read = (file: string, what: string, key: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : (error as Error).message;
      throw new WorkerManagerError(
        `Cannot read the inspector's TLS ${what} ${file}: ${reason}.`,
        `Set ${key} (WM_${key}) to a readable PEM file, or unset INSPECTOR_TLS_CERT and INSPECTOR_TLS_KEY for plain HTTP on loopback.`,
      );
    }
  };
  const cert = read(tls.certFile, 'certificate', 'INSPECTOR_TLS_CERT');
  const key = read(tls.keyFile, 'key', 'INSPECTOR_TLS_KEY');
  try {
    createSecureContext({ cert, key });
  } catch (error) {
    throw new WorkerManagerError(
      `The inspector's TLS certificate ${tls.certFile} and key ${tls.keyFile} cannot be used together: ${(error as Error).message}.`,
      'Give a PEM certificate and the PEM private key that belongs to it.',
    );
  }
  return { cert, key };
}

/** Checks that must stop the app with a clear message when INSPECTOR is on. Runs before anything starts. */
export function validateInspectorConfig(config: Config): void {
  const settings = inspectorSettings(config);
  if (!isLoopbackHost(settings.host) && !settings.apiKey) {
    throw new WorkerManagerError(
      `INSPECTOR_HOST=${settings.host} would let other machines drive this app (reload, scale, shut down) without an API key.`,
      'Set INSPECTOR_API_KEY (WM_INSPECTOR_API_KEY) to a long random secret, or bind the inspector to loopback ' +
        '(INSPECTOR_HOST=localhost, the default).',
    );
  }
  if (Boolean(config.INSPECTOR_TLS_CERT) !== Boolean(config.INSPECTOR_TLS_KEY)) {
    throw new WorkerManagerError(
      'The inspector needs both INSPECTOR_TLS_CERT and INSPECTOR_TLS_KEY for TLS; only one is set.',
      'Set both (paths to PEM files), or neither for plain HTTP on loopback.',
    );
  }
  if (settings.tls) readTlsFiles(settings.tls);
}
