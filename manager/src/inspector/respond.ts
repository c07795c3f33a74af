/**
 * Responses on the wire, exactly as Sanic's inspector sends them: success is 200 with
 * `{"meta": {"action": ...}, "result": ...}`; errors are `{"description": ..., "status": ..., "message": ...}`.
 * Ours sends errors as JSON whatever the request asked for (Sanic: only to JSON requests).
 */
import { STATUS_CODES, type ServerResponse } from 'node:http';

/** An error that becomes one HTTP error response. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** Headers on every response: nothing here is cacheable, and nothing may be sniffed as HTML. */
const COMMON_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

export function sendResult(res: ServerResponse, action: string, result: unknown): void {
  sendJson(res, 200, { meta: { action }, result: result === undefined ? null : result });
}

export function sendError(res: ServerResponse, error: HttpError): void {
  const description = STATUS_CODES[error.status] ?? 'Error';
  sendJson(res, error.status, { description, status: error.status, message: error.message }, error.headers);
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...COMMON_HEADERS,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export { COMMON_HEADERS };
