/**
 * Request bodies: a POST body must be JSON (declared `Content-Type: application/json`, so an HTML form or a
 * text/plain fetch from a page can never be one), at most INSPECTOR_MAX_BODY bytes, and a JSON object.
 */
import type { IncomingMessage } from 'node:http';
import { HttpError } from './respond';

/** True when the request says it carries a body (a length above 0, or chunked). */
export function declaresBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return Number(length) > 0;
  return req.headers['transfer-encoding'] !== undefined;
}

export function isJsonContentType(value: string | undefined): boolean {
  if (!value) return false;
  const media = value.split(';')[0].trim().toLowerCase();
  return media === 'application/json' || (media.startsWith('application/') && media.endsWith('+json'));
}

/** Refuses what can be refused from the headers alone, before a byte of the body is read. */
export function checkBodyHeaders(req: IncomingMessage, maxBody: number): void {
  if (!declaresBody(req)) return;
  if (!isJsonContentType(req.headers['content-type'])) {
    throw new HttpError(
      415,
      `A request body must be JSON sent with Content-Type: application/json (got ${req.headers['content-type'] ? `"${req.headers['content-type']}"` : 'none'}).`,
    );
  }
  const length = Number(req.headers['content-length']);
  if (Number.isFinite(length) && length > maxBody) throw tooLarge(maxBody);
}

/** Reads the body as keyword arguments: `{}` when empty. */
export async function readJsonObject(req: IncomingMessage, maxBody: number): Promise<Record<string, unknown>> {
  const raw = await readLimited(req, maxBody);
  const text = raw.toString('utf8');
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'Failed when parsing body as json');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HttpError(
      400,
      `The body must be a JSON object of keyword arguments, with positional ones under "args" (got ${Array.isArray(value) ? 'an array' : typeof value}).`,
    );
  }
  return value as Record<string, unknown>;
}

/**
 * The whole body, or a 413 as soon as it grows past the limit. Reading stops there without destroying the
 * request, so the 413 still reaches the client (its response closes the connection).
 */
function readLimited(req: IncomingMessage, maxBody: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBody) {
        cleanup();
        req.pause();
        reject(tooLarge(maxBody));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks));
    };
    const onError = (error: NodeJS.ErrnoException) => {
      cleanup();
      // A client that gives up halfway through its body is the client's doing, not the inspector's failure.
      const gaveUp = error.message === 'aborted' || error.code === 'ECONNRESET';
      reject(gaveUp ? new HttpError(400, 'The client closed the connection before its body arrived.') : error);
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

function tooLarge(maxBody: number): HttpError {
  return new HttpError(413, `The request body is larger than ${maxBody} bytes (INSPECTOR_MAX_BODY).`, { connection: 'close' });
}
