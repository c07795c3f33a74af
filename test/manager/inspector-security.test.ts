// WM-12 security: API key variants and auth before routing, browser requests (Origin, Sec-Fetch-Site) and DNS
// rebinding (Host) refused, JSON-only bodies with a size limit, TLS, refusal to start when exposed without a key,
// and a taken port that leaves the app serving. Real `wm serve` process trees, real sockets.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InspectorClient, InspectorUnreachableError } from 'worker-manager';
import { request, startWm, until } from '../helpers/manager-process';
import { assertError, call, freePort, INSPECTED_APP, resultOf, startInspected, type InspectedApp } from './inspector-helpers';

const KEY = 'correct-horse-battery-staple-7f3a';

describe('inspector security: API key', () => {
  let app: InspectedApp;
  let base: string;
  before(async () => {
    app = await startInspected(['--workers', '1'], { env: { WM_INSPECTOR_API_KEY: KEY } });
    base = app.inspectorUrl;
  });
  after(() => app?.stop());

  it('takes the key as "Bearer <key>", "Token <key>" or the bare key (as Sanic)', async () => {
    for (const authorization of [`Bearer ${KEY}`, `Token ${KEY}`, KEY, `bearer ${KEY}`]) {
      assert.equal(resultOf(await call(base, 'GET', '/', { headers: { authorization } }), 'info').info.app, 'inspected', authorization);
    }
  });

  it('refuses a missing or wrong key with 401 "Bad API key"', async () => {
    const wrong = [undefined, '', 'Bearer', `Bearer ${KEY}x`, `Bearer ${KEY.slice(0, -1)}`, `Basic ${KEY}`, `Bearer  ${KEY}extra`, 'x'.repeat(4000)];
    for (const authorization of wrong) {
      const answer = await call(base, 'GET', '/', { headers: authorization === undefined ? {} : { authorization } });
      assertError(answer, 401, 'Bad API key');
      assert.match(String(answer.headers['www-authenticate']), /^Bearer/);
    }
  });

  it('checks the key before routing: unknown paths, wrong methods and bad bodies are 401 without it', async () => {
    const cases: [string, string, string | undefined][] = [
      ['POST', '/a/b', undefined],
      ['POST', '/nope', undefined],
      ['GET', '/reload', undefined],
      ['POST', '/reload', '{not json'],
      ['GET', '/events', undefined],
      ['POST', '/shutdown', undefined],
    ];
    for (const [method, path, body] of cases) {
      assertError(await call(base, method, path, { body, headers: body ? { 'content-type': 'application/json' } : {} }), 401, 'Bad API key');
    }
    const authorization = `Bearer ${KEY}`;
    assertError(await call(base, 'POST', '/a/b', { headers: { authorization } }), 404, /Nothing at \/a\/b/);
    assertError(await call(base, 'POST', '/nope', { headers: { authorization } }), 404, /Unknown inspector action "nope"/);
    assert.equal(app.proc.exitCode, null, 'the app still runs');
  });
});

describe('inspector security: browsers, DNS rebinding, bodies (no API key, the default)', () => {
  let app: InspectedApp;
  let base: string;
  let port: number;
  before(async () => {
    // The default host (localhost) and no key: the set-up a page in the user's browser would attack.
    app = await startInspected(['--workers', '1'], { env: { WM_INSPECTOR_HOST: 'localhost' } });
    base = `http://127.0.0.1:${app.inspectorPort}`;
    port = app.inspectorPort;
  });
  after(() => app?.stop());

  const serverPids = async () => Object.values(resultOf(await call(base, 'GET', '/'), 'info').workers as Record<string, { pid: number }>).map((r) => r.pid);

  it('refuses any request with an Origin header, and Sec-Fetch-Site other than none/same-origin', async () => {
    const pagey: http.OutgoingHttpHeaders[] = [
      { origin: 'https://evil.example' },
      { origin: 'null' },
      { origin: `http://localhost:${port}` },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
    ];
    for (const headers of pagey) {
      assertError(await call(base, 'GET', '/', { headers }), 403, /Requests from web pages are refused/);
      assertError(await call(base, 'POST', '/reload', { headers }), 403, /Requests from web pages are refused/);
    }
    for (const site of ['none', 'same-origin']) {
      resultOf(await call(base, 'GET', '/', { headers: { 'sec-fetch-site': site } }), 'info');
    }
  });

  it("cannot be driven by a cross-site text/plain POST (Sanic's can): 403 from a page, 415 without Origin", async () => {
    const before = await serverPids();
    // Exactly what a page's fetch(..., {method: 'POST', mode: 'no-cors', body}) or a text/plain form sends.
    const fromPage = { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors', 'content-type': 'text/plain;charset=UTF-8' };
    assertError(await call(base, 'POST', '/scale', { headers: fromPage, body: '{"replicas": 1}' }), 403, /Requests from web pages are refused/);
    assertError(await call(base, 'POST', '/shutdown', { headers: fromPage, body: '{}' }), 403, /Requests from web pages are refused/);
    // Even with the browser headers stripped (a proxy, an old browser), a text/plain body is never JSON here.
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      assertError(await call(base, 'POST', '/shutdown', { headers: { 'content-type': type }, body: '{}' }), 415, /must be JSON sent with Content-Type: application\/json/);
    }
    assertError(await call(base, 'POST', '/reload', { body: '{"zero_downtime": true}' }), 415, /\(got none\)/);
    assert.deepEqual(await serverPids(), before, 'nothing was reloaded, scaled or shut down');
    assert.equal(app.proc.exitCode, null);
  });

  it('refuses a Host that is not the configured host or loopback (DNS rebinding)', async () => {
    for (const host of [`evil.example:${port}`, 'evil.example', `localhost.evil.example:${port}`, `127.0.0.1.nip.io:${port}`, `192.168.1.20:${port}`, `[fe80::1]:${port}`]) {
      assertError(await call(base, 'GET', '/', { headers: { host } }), 403, /is not this inspector's address \(DNS-rebinding protection\)/);
      assertError(await call(base, 'POST', '/shutdown', { headers: { host } }), 403, /DNS-rebinding/);
    }
    for (const host of [`localhost:${port}`, 'localhost', `LOCALHOST:${port}`, `localhost.:${port}`, `127.0.0.1:${port}`, `127.0.0.2:${port}`, `[::1]:${port}`, `app.localhost:${port}`]) {
      resultOf(await call(base, 'GET', '/', { headers: { host } }), 'info');
    }
  });

  it('refuses a body over INSPECTOR_MAX_BODY with 413 (declared or streamed) and keeps serving', async () => {
    const big = JSON.stringify({ zero_downtime: false, padding: 'x'.repeat(70_000) });
    const declared = await call(base, 'POST', '/reload', { body: big, headers: { 'content-type': 'application/json' } });
    assertError(declared, 413, 'The request body is larger than 65536 bytes (INSPECTOR_MAX_BODY).');
    assert.equal(declared.headers.connection, 'close');
    const streamed = await chunkedPost(port, '/reload', [big.slice(0, 40_000), big.slice(40_000)]);
    assert.match(streamed, /^HTTP\/1\.1 413 /);
    assert.match(streamed, /larger than 65536 bytes/);
    resultOf(await call(base, 'GET', '/'), 'info');
  });

  it('holds at most 32 event streams; the next one is 503 until one closes', async () => {
    const open: http.ClientRequest[] = [];
    try {
      for (let i = 0; i < 32; i++) {
        await new Promise<void>((resolve, reject) => {
          const req = http.get({ host: '127.0.0.1', port, path: '/events', agent: false }, (res) => {
            assert.equal(res.statusCode, 200);
            res.once('data', () => resolve());
          });
          req.on('error', reject);
          open.push(req);
        });
      }
      assertError(await call(base, 'GET', '/events'), 503, /Too many open event streams \(32\); close some, or poll GET \/ instead/);
      resultOf(await call(base, 'GET', '/'), 'info');
      open.pop()!.destroy();
      await until(async () => (await streamStatus(port)) === 200, 'a stream slot frees once one closes', 5000);
    } finally {
      for (const req of open) req.destroy();
    }
  });

  it('survives garbage on the wire', async () => {
    const reply = await rawExchange(port, 'NOT HTTP AT ALL\r\n\r\n');
    assert.match(reply, /^HTTP\/1\.1 400 /);
    resultOf(await call(base, 'GET', '/'), 'info');
  });
});

describe('inspector security: TLS', () => {
  let dir: string;
  let cert: string;
  let key: string;
  let app: InspectedApp;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wm-inspector-tls-'));
    cert = join(dir, 'cert.pem');
    key = join(dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore' });
    app = await startInspected(['--workers', '1'], { env: { WM_INSPECTOR_TLS_CERT: cert, WM_INSPECTOR_TLS_KEY: key, WM_INSPECTOR_API_KEY: KEY } });
  });
  after(async () => {
    await app?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves HTTPS with the configured certificate; the client verifies it against a CA it is given', async () => {
    assert.match(app.inspectorUrl, /^https:\/\//);
    const trusting = new InspectorClient({ host: '127.0.0.1', port: app.inspectorPort, tls: true, ca: readFileSync(cert, 'utf8'), apiKey: KEY });
    const byPath = new InspectorClient({ host: 'localhost', port: app.inspectorPort, tls: true, ca: cert, apiKey: KEY });
    const unverified = new InspectorClient({ host: '127.0.0.1', port: app.inspectorPort, tls: true, rejectUnauthorized: false, apiKey: KEY });
    const untrusting = new InspectorClient({ host: '127.0.0.1', port: app.inspectorPort, tls: true, apiKey: KEY });
    try {
      assert.equal((await trusting.info()).info.app, 'inspected');
      assert.equal((await byPath.info()).info.app, 'inspected');
      assert.equal(await trusting.command('greet', [], { name: 'tls' }), 'Hello, tls!');
      assert.equal((await unverified.info()).info.app, 'inspected');
      await assert.rejects(untrusting.info(), (e: Error) => e instanceof InspectorUnreachableError && /TLS certificate is not trusted/.test(e.message));
    } finally {
      for (const c of [trusting, byPath, unverified, untrusting]) c.close();
    }
  });

  it('closes a plain-HTTP connection to the TLS port without an HTTP answer', async () => {
    const reply = await rawExchange(app.inspectorPort, `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${KEY}\r\n\r\n`);
    assert.doesNotMatch(reply, /^HTTP\//);
    const plain = new InspectorClient({ host: '127.0.0.1', port: app.inspectorPort, apiKey: KEY });
    try {
      await assert.rejects(plain.info(), (e: Error) => e instanceof InspectorUnreachableError && /connect with tls \/ -s/.test(e.message));
    } finally {
      plain.close();
    }
  });
});

describe('inspector security: settings that must stop the app', () => {
  const refuses = async (env: Record<string, string>, message: RegExp) => {
    const app = await startWm(INSPECTED_APP, ['--inspector'], { env: { WM_INSPECTOR_PORT: '0', ...env }, waitForListening: false });
    const exit = await app.exited;
    assert.deepEqual(exit, { code: 1, signal: null }, app.output());
    assert.match(app.output(), message);
    assert.doesNotMatch(app.output(), /Listening on|WM-Server-0-0/, 'nothing started');
  };

  it('refuses to start on a non-loopback INSPECTOR_HOST without an API key, saying how to fix it', async () => {
    await refuses({ WM_INSPECTOR_HOST: '0.0.0.0' }, /INSPECTOR_HOST=0\.0\.0\.0 would let other machines drive this app .* without an API key\.\n\s+Set INSPECTOR_API_KEY \(WM_INSPECTOR_API_KEY\)/);
    await refuses({ WM_INSPECTOR_HOST: 'example.com' }, /INSPECTOR_HOST=example\.com would let other machines/);
  });

  it('refuses missing or unusable TLS files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wm-inspector-tls-bad-'));
    try {
      await refuses({ WM_INSPECTOR_TLS_CERT: join(dir, 'nope.pem'), WM_INSPECTOR_TLS_KEY: join(dir, 'nope.key') }, /Cannot read the inspector's TLS certificate .*nope\.pem: it does not exist\.\n\s+Set INSPECTOR_TLS_CERT/);
      writeFileSync(join(dir, 'junk.pem'), 'not a certificate');
      await refuses({ WM_INSPECTOR_TLS_CERT: join(dir, 'junk.pem'), WM_INSPECTOR_TLS_KEY: join(dir, 'junk.pem') }, /cannot be used together/);
      await refuses({ WM_INSPECTOR_TLS_CERT: join(dir, 'junk.pem') }, /needs both INSPECTOR_TLS_CERT and INSPECTOR_TLS_KEY/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('listens on loopback only by default: reachable on 127.0.0.1, refused on the machine\'s other addresses', async () => {
    const port = await freePort();
    const app = await startWm(INSPECTED_APP, ['--workers', '1', '--inspector'], { env: { WM_INSPECTOR_HOST: undefined, WM_INSPECTOR_PORT: String(port) } });
    try {
      await app.waitFor(new RegExp(`Inspector listening on http://localhost:${port}`));
      resultOf(await call(`http://127.0.0.1:${port}`, 'GET', '/'), 'info');
      const outside = Object.values(networkInterfaces()).flat().filter((i) => i && !i.internal && i.family === 'IPv4').map((i) => i!.address);
      for (const address of outside) {
        await assert.rejects(call(`http://${address}:${port}`, 'GET', '/'), /ECONNREFUSED/, `${address}:${port} must not answer`);
      }
    } finally {
      await app.stop();
    }
  });

  it('starts on every interface when given an API key, and still refuses foreign Host headers (but those allowed)', async () => {
    const env = { WM_INSPECTOR_HOST: '0.0.0.0', WM_INSPECTOR_API_KEY: KEY, WM_INSPECTOR_ALLOWED_HOSTS: 'wm.example.com, proxy.internal' };
    const app = await startInspected(['--workers', '1'], { env });
    try {
      const base = `http://127.0.0.1:${app.inspectorPort}`;
      const authorization = `Bearer ${KEY}`;
      resultOf(await call(base, 'GET', '/', { headers: { authorization } }), 'info');
      assertError(await call(base, 'GET', '/', { headers: { authorization, host: 'evil.example' } }), 403, /DNS-rebinding.*INSPECTOR_ALLOWED_HOSTS/);
      resultOf(await call(base, 'GET', '/', { headers: { authorization, host: `WM.example.com:${app.inspectorPort}` } }), 'info');
      resultOf(await call(base, 'GET', '/', { headers: { authorization, host: 'proxy.internal' } }), 'info');
    } finally {
      await app.stop();
    }
  });
});

describe('inspector security: its port is taken', () => {
  it('says so once, clearly, keeps the app serving, shows the error in the table, and binds once the port frees', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    const app = await startWm(INSPECTED_APP, ['--workers', '1', '--inspector'], { env: { WM_INSPECTOR_HOST: '127.0.0.1', WM_INSPECTOR_PORT: String(port) } });
    try {
      const clear = new RegExp(
        `\\[WM-Inspector-0\\] ERROR The inspector cannot listen on 127\\.0\\.0\\.1:${port}: port ${port} is already in use\\. ` +
          `The app keeps running without it; retrying every few seconds\\. To fix: set INSPECTOR_PORT \\(env WM_INSPECTOR_PORT\\) to a free port, or stop the program that holds port ${port}\\.`,
      );
      assert.match(app.output(), clear);
      assert.match(app.output(), /WM-Inspector-0\s+STARTED\s+\d+.*cannot listen on 127\.0\.0\.1:\d+: port \d+ is already in use; retrying/, 'the table shows why');
      assert.equal((await request(app.url)).status, 200, 'the app serves');
      await new Promise((r) => setTimeout(r, 3500)); // two retries
      assert.equal(app.output().match(/cannot listen on/g)?.length, 2, 'one log line (and one table cell), not one per retry');
      assert.equal(app.proc.exitCode, null);

      await new Promise((resolve) => blocker.close(resolve));
      await app.waitFor(new RegExp(`Inspector listening on http://127\\.0\\.0\\.1:${port}`), 10_000);
      const state = resultOf(await call(`http://127.0.0.1:${port}`, 'GET', '/'), 'info');
      await until(async () => resultOf(await call(`http://127.0.0.1:${port}`, 'GET', '/'), 'info').workers['WM-Inspector-0'].error === undefined, 'the error is cleared');
      assert.equal(state.info.app, 'inspected');
    } finally {
      blocker.close();
      await app.stop();
    }
  });
});

describe('inspector restarts', () => {
  it('a restart of the inspector clears the error its predecessor recorded', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    const app = await startWm(INSPECTED_APP, ['--workers', '1', '--inspector'], { env: { WM_INSPECTOR_HOST: '127.0.0.1', WM_INSPECTOR_PORT: String(port) } });
    try {
      assert.match(app.output(), /WM-Inspector-0\s+STARTED\s+\d+.*cannot listen on/, 'the first inspector recorded why it cannot listen');
      await new Promise((resolve) => blocker.close(resolve));
      // Restarted before its own retry: the new inspector binds at once, and the record it inherits is cleaned.
      assert.equal((await request(`${app.url}/restart?name=WM-Inspector-0`)).status, 200);
      const base = `http://127.0.0.1:${port}`;
      let workers: any;
      await until(async () => {
        try {
          workers = resultOf(await call(base, 'GET', '/'), 'info').workers;
        } catch {
          return false; // not bound yet
        }
        return workers['WM-Inspector-0'].starts === 2 && workers['WM-Inspector-0'].error === undefined;
      }, 'the inspector up again without the old error', 10_000).catch(() => assert.fail(`record: ${JSON.stringify(workers?.['WM-Inspector-0'])}`));
    } finally {
      blocker.close();
      await app.stop();
    }
  });

  it('a zero-downtime restart of the inspector is shutdown-first: its port is never found taken by its old self', async () => {
    // A fixed port: a restarted inspector binds INSPECTOR_PORT again, and 0 would be a new one each time.
    const port = await freePort();
    const app = await startInspected(['--workers', '1'], { env: { WM_INSPECTOR_PORT: String(port) } });
    try {
      const before = resultOf(await call(app.inspectorUrl, 'GET', '/'), 'info').workers['WM-Inspector-0'];
      const answer = await call(app.inspectorUrl, 'POST', '/restart', { body: { names: ['WM-Inspector-0'], zero_downtime: true } });
      assert.equal(answer.status, 200, answer.text);
      let after: any;
      await until(async () => {
        try {
          after = resultOf(await call(app.inspectorUrl, 'GET', '/'), 'info').workers['WM-Inspector-0'];
          return after.pid !== before.pid && after.state === 'STARTED';
        } catch {
          return false; // between the old inspector's exit and the new one's bind
        }
      }, 'a new inspector on the same port', 10_000);
      assert.equal(after.starts, 2);
      assert.equal(after.error, undefined);
      assert.doesNotMatch(app.output(), /cannot listen/);
    } finally {
      await app.stop();
    }
  });
});

/** The status of a fresh `GET /events` (the stream is closed at once). */
function streamStatus(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/events', agent: false }, (res) => {
      resolve(res.statusCode ?? 0);
      req.destroy();
    });
    req.on('error', reject);
  });
}

/** Sends `text` on a fresh connection and returns everything the server sent back before closing. */
function rawExchange(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    let reply = '';
    socket.setEncoding('latin1');
    socket.on('data', (c: string) => (reply += c));
    socket.on('close', () => resolve(reply));
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? resolve(reply) : reject(error)));
    socket.setTimeout(5000, () => socket.destroy(new Error('no close within 5 s')));
  });
}

/** A chunked POST (no Content-Length: the size is known only as the body arrives); returns the raw reply. */
function chunkedPost(port: number, path: string, chunks: string[]): Promise<string> {
  const body = chunks.map((c) => `${Buffer.byteLength(c).toString(16)}\r\n${c}\r\n`).join('') + '0\r\n\r\n';
  return rawExchange(port, `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${body}`);
}
