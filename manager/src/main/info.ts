/** The app's `info`, as the inspector's `GET /` shows it (Sanic's keys; `node` stands where Sanic has `python`). */
import * as os from 'node:os';
import type { App } from '../app';
import type { AppInfo } from '../protocol';

const VERSION: string = (require('../../package.json') as { version: string }).version;

/** What our inspector offers beyond Sanic's, so clients can tell the two apart. */
export const CAPABILITIES = ['restart', 'events', 'scale-down-drain', 'crash-recovery'];

export function appInfo(app: App, servers: number, dev: boolean): AppInfo {
  const info: AppInfo = {
    app: app.name,
    mode: `${dev ? 'debug' : 'production'}, w/ ${servers} worker${servers === 1 ? '' : 's'}`,
    server: 'node:http',
    node: process.version,
    platform: `${os.type()}-${os.release()}-${process.arch}`,
    packages: [`worker-manager==${VERSION}`],
    extra: { capabilities: CAPABILITIES, commands: [...app.inspectorCommands.keys()] },
  };
  if (dev) info['auto-reload'] = 'enabled';
  return info;
}
