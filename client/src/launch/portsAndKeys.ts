// A fresh inspector endpoint for every launch: a free port on loopback and a random API key, passed
// to the app through environment variables, so the extension can connect at once and nothing else on
// the machine can drive the app.
import { randomBytes } from 'node:crypto';
import * as net from 'node:net';

export type Runtime = 'node' | 'python';

export interface LaunchEndpoint {
  host: string;
  port: number;
  apiKey: string;
}

/** A port the OS just handed out on `host`; the app binds it a moment later. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** 32 random bytes, URL-safe: fits an HTTP header and an environment variable as is. */
export function newApiKey(): string {
  return randomBytes(32).toString('base64url');
}

export async function newEndpoint(host = '127.0.0.1'): Promise<LaunchEndpoint> {
  return { host, port: await freePort(host), apiKey: newApiKey() };
}

/** Our manager reads WM_INSPECTOR_*, Sanic reads SANIC_INSPECTOR_* (its env-to-config prefix). */
export function inspectorEnv(runtime: Runtime, endpoint: LaunchEndpoint): Record<string, string> {
  const prefix = runtime === 'python' ? 'SANIC_INSPECTOR' : 'WM_INSPECTOR';
  return {
    [prefix]: 'true',
    [`${prefix}_HOST`]: endpoint.host,
    [`${prefix}_PORT`]: String(endpoint.port),
    [`${prefix}_API_KEY`]: endpoint.apiKey,
  };
}

/** The environment variable whose value marks every process of one launch (children inherit it). */
export function launchMarkerVariable(runtime: Runtime): string {
  return runtime === 'python' ? 'SANIC_INSPECTOR_API_KEY' : 'WM_INSPECTOR_API_KEY';
}
