/**
 * The inspector's HTTP(S) service: security checks first (security.ts: host, browsers, API key), then routing:
 *   GET /            the state (action "info")
 *   GET /events      the change stream (ours)
 *   POST /<action>   a registered action (actions.ts)
 *   GET /<action>    405, Allow: POST       anything deeper: 404
 * Every failure is one JSON error response; nothing a client sends can crash the process.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { log } from '../log';
import type { ActionRegistry } from './actions';
import { checkBodyHeaders, declaresBody, readJsonObject } from './body';
import type { EventStreams } from './events';
import { HttpError, sendError, sendResult } from './respond';
import { RequestGuard } from './security';

export interface InspectorServerOptions {
  host: string;
  apiKey: string;
  allowedHosts: string[];
  maxBody: number;
  tls?: { cert: Buffer; key: Buffer };
  actions: ActionRegistry;
  streams: EventStreams;
}

export type InspectorServer = http.Server | https.Server;

export function createInspectorServer(options: InspectorServerOptions): InspectorServer {
  const guard = new RequestGuard({ host: options.host, apiKey: options.apiKey, allowedHosts: options.allowedHosts });
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => void handle(req, res, guard, options);
  const server = options.tls ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, handler) : http.createServer(handler);
  // Small limits: the inspector serves a few tools, and a slow or idle client must not hold it.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  server.maxHeadersCount = 100;
  server.maxConnections = 256;
  return server;
}

async function handle(req: http.IncomingMessage, res: http.ServerResponse, guard: RequestGuard, options: InspectorServerOptions): Promise<void> {
  let bodyRead = false;
  try {
    guard.check(req);
    const { path, query } = splitTarget(req.url ?? '/');
    const method = req.method ?? 'GET';
    if (path === '/') {
      if (method !== 'GET' && method !== 'HEAD') throw notAllowed('GET, HEAD', 'GET / reads the state; actions are POST /<action>.');
      sendResult(res, 'info', await options.actions.state());
      return;
    }
    const action = singleSegment(path);
    if (action === undefined) {
      throw new HttpError(404, `Nothing at ${path}. The inspector serves GET /, GET /events and POST /<action>.`);
    }
    if (action === 'events') {
      if (method !== 'GET') throw notAllowed('GET', 'GET /events is the change stream.');
      options.streams.serve(req, res, query);
      return;
    }
    if (method !== 'POST') throw notAllowed('POST', `Actions are run with POST /${action}.`);
    options.actions.assertKnown(action);
    checkBodyHeaders(req, options.maxBody);
    const body = await readJsonObject(req, options.maxBody);
    bodyRead = true;
    log.info(`Incoming inspector action: ${action}`);
    sendResult(res, action, await options.actions.run(action, body));
  } catch (error) {
    const httpError = error instanceof HttpError ? error : unexpected(error);
    // A body left unread would be taken for the next request on this connection: close it instead.
    if (!bodyRead && declaresBody(req) && !httpError.headers.connection) httpError.headers.connection = 'close';
    sendError(res, httpError);
  }
}

function notAllowed(allow: string, message: string): HttpError {
  return new HttpError(405, `Method not allowed here. ${message}`, { allow });
}

function unexpected(error: unknown): HttpError {
  const err = error instanceof Error ? error : new Error(String(error));
  log.error(`The inspector failed on a request: ${err.stack ?? err.message}`);
  return new HttpError(500, `The inspector failed: ${err.message}`);
}

/** Path and query of a request target. Parsed by hand: `new URL('//x', base)` would read `x` as a host. */
function splitTarget(target: string): { path: string; query: URLSearchParams } {
  let rest = target;
  if (!rest.startsWith('/')) {
    // absolute-form (`http://host/path`), as proxies send it
    try {
      const url = new URL(rest);
      rest = url.pathname + url.search;
    } catch {
      throw new HttpError(400, `Cannot read the request target ${JSON.stringify(target)}.`);
    }
  }
  const q = rest.indexOf('?');
  const path = q < 0 ? rest : rest.slice(0, q);
  return { path: path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path, query: new URLSearchParams(q < 0 ? '' : rest.slice(q + 1)) };
}

/** The decoded name of a one-segment path (`/reload` -> `reload`), or undefined for deeper paths. */
function singleSegment(path: string): string | undefined {
  const match = /^\/([^/]+)$/.exec(path);
  if (!match) return undefined;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    throw new HttpError(400, `Cannot decode the path ${path}.`);
  }
}
