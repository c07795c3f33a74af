/**
 * Who may talk to the inspector. Checked in this order, before any routing:
 * 1. Host: the configured host, INSPECTOR_ALLOWED_HOSTS, or a loopback name/address (a page on a rebinding DNS
 *    name is refused).
 * 2. Browsers: any `Origin` header, or a `Sec-Fetch-Site` other than none/same-origin, is refused, so no web page
 *    in the user's browser can drive the inspector (Sanic's takes a cross-site text/plain POST).
 * 3. API key, compared in constant time: `Authorization: Bearer <key>`, `Token <key>` or the bare key (as Sanic).
 * Body rules (JSON content type, size limit) are in body.ts.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import * as os from 'node:os';
import { isLoopbackHost, isWildcardHost, stripBrackets } from './config';
import { HttpError } from './respond';

export interface SecurityOptions {
  /** INSPECTOR_HOST as configured. */
  host: string;
  /** INSPECTOR_API_KEY; empty: no key needed. */
  apiKey: string;
  /** INSPECTOR_ALLOWED_HOSTS: more names clients may address it by. */
  allowedHosts?: string[];
}

export class RequestGuard {
  private readonly allowedHosts: Set<string>;
  private readonly keyDigest?: Buffer;

  constructor(private readonly options: SecurityOptions) {
    this.allowedHosts = allowedHostNames(options.host);
    for (const name of options.allowedHosts ?? []) this.allowedHosts.add(hostName(name));
    this.keyDigest = options.apiKey ? digest(options.apiKey) : undefined;
  }

  /** Throws the HttpError that refuses `req`, or returns when it may go on to routing. */
  check(req: IncomingMessage): void {
    this.checkHost(req.headers.host);
    this.checkBrowser(req);
    this.checkApiKey(req.headers.authorization);
  }

  private checkHost(header: string | undefined): void {
    // HTTP/1.0 may omit Host; browsers never do, and Node refuses an HTTP/1.1 request without one.
    if (header === undefined) return;
    const name = hostName(header);
    if (isLoopbackHost(name) || this.allowedHosts.has(name)) return;
    throw new HttpError(
      403,
      `Host "${header}" is not this inspector's address (DNS-rebinding protection). ` +
        `Address it as ${[...new Set([this.options.host, ...(this.options.allowedHosts ?? []), 'localhost', '127.0.0.1'])].join(', ')}, ` +
        'or add the name clients use to INSPECTOR_ALLOWED_HOSTS.',
    );
  }

  private checkBrowser(req: IncomingMessage): void {
    const fetchSite = req.headers['sec-fetch-site'];
    const fromPage = req.headers.origin !== undefined || (fetchSite !== undefined && fetchSite !== 'none' && fetchSite !== 'same-origin');
    if (!fromPage) return;
    throw new HttpError(
      403,
      'Requests from web pages are refused (they carry an Origin or Sec-Fetch-Site header): no page in a browser may drive ' +
        'the inspector. Use wm inspect or the inspector client.',
    );
  }

  private checkApiKey(authorization: string | undefined): void {
    if (!this.keyDigest) return;
    const given = authorization === undefined ? undefined : credentials(authorization);
    // Digests have one length whatever the key's, so the comparison time tells nothing about the key.
    if (given !== undefined && timingSafeEqual(digest(given), this.keyDigest)) return;
    throw new HttpError(401, 'Bad API key', { 'www-authenticate': 'Bearer realm="inspector"' });
  }
}

/** The credentials of an Authorization header as Sanic's `request.token` reads them. */
export function credentials(header: string): string {
  const value = header.trim();
  const space = value.indexOf(' ');
  if (space > 0) {
    const scheme = value.slice(0, space).toLowerCase();
    if (scheme === 'bearer' || scheme === 'token') return value.slice(space + 1).trim();
  }
  return value;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** The host part of a Host header, lower case, without port, brackets or a trailing dot. */
export function hostName(header: string): string {
  let host = header.trim().toLowerCase();
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    host = end > 0 ? host.slice(0, end + 1) : host;
  } else {
    const colon = host.lastIndexOf(':');
    if (colon >= 0 && host.indexOf(':') === colon) host = host.slice(0, colon);
  }
  host = stripBrackets(host);
  return host.endsWith('.') ? host.slice(0, -1) : host;
}

/**
 * Names a client may put in Host besides loopback ones: the configured host, and when it is a wildcard address
 * (every interface; an API key is then required), this machine's own addresses and host name.
 */
function allowedHostNames(configured: string): Set<string> {
  const names = new Set<string>([hostName(configured)]);
  if (isWildcardHost(configured)) {
    names.add(os.hostname().toLowerCase());
    for (const list of Object.values(os.networkInterfaces())) {
      for (const entry of list ?? []) names.add(entry.address.toLowerCase().replace(/%.*$/, ''));
    }
  }
  return names;
}
