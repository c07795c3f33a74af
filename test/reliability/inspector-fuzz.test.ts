// Inspector fuzzing: thousands of malformed, oversized, wrong-method, wrong-auth, cross-origin and randomly
// mutated requests, sent raw over TCP to an inspector with an API key. Asserts: every request gets the right 4xx
// (exactly, for each crafted case; from the allowed set of refusals for random mutations, which never carry the
// key), never a 2xx without the key, never a 5xx; the inspector never crashes (same process, never restarted);
// and no action ever runs (the server workers keep their pids and start counts, their number is unchanged, the
// custom command never wrote its mark, the app is still up).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { alive, startWm } from '../helpers/manager-process';
import { LONG, RELIABILITY_APP, servers, table } from './lib/app';

const KEY = 's3cret';
/** Differs from KEY in every position: no one- to three-byte mutation can turn it into the key. */
const WRONG = 'XXXXXX';
const MUTATIONS = LONG ? 20_000 : 2_500;

interface Answer {
  status?: number;
  /** The connection closed with no response. */
  closed?: boolean;
  timeout?: boolean;
}

/**
 * Sends `bytes` on a fresh connection and reads the status of the first response. A request the server is still
 * waiting to complete after `patienceMs` (a mutation cut it short) gets the client's half-close, as when a client
 * gives up: the server must then refuse it or close, not hang.
 */
function raw(port: number, bytes: Buffer | string, patienceMs = 150): Promise<Answer> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let data = '';
    let settled = false;
    const done = (answer: Answer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(patience);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => done({ timeout: true }), 5000);
    const patience = setTimeout(() => socket.end(), patienceMs);
    socket.on('connect', () => socket.write(bytes));
    socket.on('data', (chunk) => {
      data += chunk.toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(data);
      if (m) done({ status: Number(m[1]) });
    });
    socket.on('error', () => done({ closed: true }));
    socket.on('close', () => done({ closed: true }));
  });
}

function request(method: string, path: string, headers: Record<string, string> = {}, body?: string): string {
  const lines = [`${method} ${path} HTTP/1.1`];
  const all: Record<string, string> = { Host: '127.0.0.1', ...headers };
  if (body !== undefined) all['Content-Length'] ??= String(Buffer.byteLength(body));
  for (const [k, v] of Object.entries(all)) lines.push(`${k}: ${v}`);
  return `${lines.join('\r\n')}\r\n\r\n${body ?? ''}`;
}

interface Case {
  category: string;
  bytes: string | Buffer;
  /** The one right answer ('closed': no request to answer); undefined for mutations (any refusal in ALLOWED). */
  expect?: number | 'closed';
}

/** Refusals a mutated request may get: it never carries the key, so nothing past the security checks. */
const ALLOWED = new Set([400, 401, 403, 413, 414, 415, 431]);

function craftedCases(): Case[] {
  const cases: Case[] = [];
  const methods = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'];
  const paths = ['/', '/reload', '/shutdown', '/scale', '/restart', '/mark', '/events', '/nope', '/a/b', '//x', '/%2e%2e/reload', '/reload?zero_downtime=true', '/scale/', '/_state_to_json'];
  const wrongAuth = [
    undefined,
    `Bearer ${WRONG}`,
    'Bearer',
    'Bearer ',
    `Bearer ${KEY.slice(0, -1)}`,
    `Bearer ${KEY}x`,
    `Bearer ${KEY.toUpperCase()}`,
    `Basic ${Buffer.from(`user:${KEY}`).toString('base64')}`,
    `Token ${WRONG}`,
    `${KEY}${KEY}`,
    `Bearer ${'k'.repeat(8000)}`,
  ];
  // 1. No key or a wrong one: 401 before any routing, whatever the method and path.
  for (const method of methods) {
    for (const path of paths) {
      for (const auth of wrongAuth) {
        const headers: Record<string, string> = auth === undefined ? {} : { Authorization: auth };
        const body = method === 'POST' ? '{"replicas": 1, "zero_downtime": true}' : undefined;
        if (body) headers['Content-Type'] = 'application/json';
        cases.push({ category: 'wrong or missing key', bytes: request(method, path, headers, body), expect: 401 });
      }
    }
  }
  // 2. From a web page (any Origin, or a cross-site fetch), even with the key: 403.
  for (const [k, v] of [
    ['Origin', 'http://evil.example'],
    ['Origin', 'null'],
    ['Origin', 'http://127.0.0.1'],
    ['Origin', 'http://localhost:6457'],
    ['Sec-Fetch-Site', 'cross-site'],
    ['Sec-Fetch-Site', 'same-site'],
  ]) {
    for (const [method, path, body] of [
      ['GET', '/', undefined],
      ['POST', '/reload', '{}'],
      ['POST', '/shutdown', '{}'],
      ['POST', '/scale', '{"replicas": 1}'],
      ['POST', '/mark', '{}'],
      ['GET', '/events', undefined],
    ] as const) {
      for (const auth of [`Bearer ${KEY}`, undefined]) {
        const headers: Record<string, string> = { [k]: v, ...(auth ? { Authorization: auth } : {}) };
        if (body !== undefined) headers['Content-Type'] = 'application/json';
        cases.push({ category: 'cross-origin', bytes: request(method, path, headers, body), expect: 403 });
      }
    }
  }
  // 3. DNS rebinding: a Host that is not this inspector's, even with the key: 403.
  for (const host of ['evil.example', 'evil.example:6457', '127.0.0.1.evil.example', 'localhost.evil.example', '10.0.0.1']) {
    for (const [method, path, body] of [
      ['GET', '/', undefined],
      ['POST', '/reload', '{}'],
      ['POST', '/shutdown', '{}'],
      ['POST', '/mark', '{}'],
    ] as const) {
      const headers: Record<string, string> = { Host: host, Authorization: `Bearer ${KEY}` };
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      cases.push({ category: 'foreign Host', bytes: request(method, path, headers, body), expect: 403 });
    }
  }
  const keyed = { Authorization: `Bearer ${KEY}` };
  // 4. Wrong method, with the key: 405.
  for (const method of ['GET', 'PUT', 'DELETE', 'PATCH']) {
    for (const path of ['/reload', '/shutdown', '/scale', '/restart', '/mark']) {
      cases.push({ category: 'wrong method', bytes: request(method, path, keyed), expect: 405 });
    }
  }
  for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) cases.push({ category: 'wrong method', bytes: request(method, '/', keyed), expect: 405 });
  for (const method of ['POST', 'PUT', 'DELETE']) cases.push({ category: 'wrong method', bytes: request(method, '/events', keyed), expect: 405 });
  // 5. Unknown or deep paths, with the key: 404 (400 when the path cannot be decoded).
  for (const path of ['/nope', '/_state_to_json', '/reload/now', '/a/b/c', '/%00', '/..', '/scale%2F2']) {
    cases.push({ category: 'unknown path', bytes: request('POST', path, keyed), expect: 404 });
  }
  cases.push({ category: 'unknown path', bytes: request('POST', '/%zz', keyed), expect: 400 });
  // 6. Bodies that must not run the action, with the key.
  const json = { ...keyed, 'Content-Type': 'application/json' };
  for (const path of ['/reload', '/shutdown', '/scale', '/restart', '/mark']) {
    for (const body of ['{bad', '[]', '"x"', '1', 'null', '{"a":', '\u0000', '{"replicas": 2}}']) {
      cases.push({ category: 'malformed body', bytes: request('POST', path, json, body), expect: 400 });
    }
    cases.push({ category: 'wrong content type', bytes: request('POST', path, { ...keyed, 'Content-Type': 'text/plain' }, '{}'), expect: 415 });
    cases.push({ category: 'wrong content type', bytes: request('POST', path, { ...keyed, 'Content-Type': 'application/x-www-form-urlencoded' }, 'a=1'), expect: 415 });
    cases.push({ category: 'wrong content type', bytes: request('POST', path, keyed, '{}'), expect: 415 });
    cases.push({ category: 'oversized', bytes: request('POST', path, { ...json, 'Content-Length': '70000' }, `{"x":"${'a'.repeat(69990)}"}`), expect: 413 });
    cases.push({
      category: 'oversized',
      bytes: `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${KEY}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n11170\r\n${'a'.repeat(70000)}\r\n0\r\n\r\n`,
      expect: 413,
    });
  }
  for (const body of ['{}', '{"replicas": "two"}', '{"replicas": "2.5"}', '{"replicas": 1.5}', '{"replicas": null}', '{"replicas": [2]}']) {
    cases.push({ category: 'bad scale', bytes: request('POST', '/scale', json, body), expect: 400 });
  }
  // 7. Not HTTP, or broken HTTP: the parser's refusal.
  const broken: [string | Buffer, number | 'closed'][] = [
    ['GARBAGE\r\n\r\n', 400],
    ['\r\n\r\n\r\n', 'closed'], // empty lines before a request are skipped (RFC 9112 2.2): then nothing came
    [Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]), 400],
    ['PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 400],
    ['GET / HTTP/1.1\r\n\r\n', 400], // HTTP/1.1 without Host
    [`GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
    [`GET /${'a'.repeat(20_000)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`, 431],
    ['GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: abc\r\n\r\n', 400],
    ['GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab', 400],
    ['POST /scale HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400],
    [`POST /scale HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${KEY}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`, 400],
    ['GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header: x\r\n\r\n', 400],
    ['GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX: a\u0000b\r\n\r\n', 400],
    ['G@T / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', 400],
    ['GET / HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n', 400],
    ['GET\r\n\r\n', 400],
    [' GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', 400],
    ['GET / HTTP/1.1\nHost: 127.0.0.1\n\n', 400],
  ];
  for (const [bytes, expect] of broken) cases.push({ category: 'broken HTTP', bytes, expect });
  return cases;
}

/** Seeded PRNG (mulberry32): a failure can be replayed from its seed. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutatedCases(count: number, seed: number): Case[] {
  const rand = prng(seed);
  const pick = <T>(list: T[]): T => list[Math.floor(rand() * list.length)];
  const templates = [
    request('GET', '/', { Authorization: `Bearer ${WRONG}` }),
    request('GET', '/events', { Authorization: `Bearer ${WRONG}` }),
    request('POST', '/reload', { Authorization: `Bearer ${WRONG}`, 'Content-Type': 'application/json' }, '{"zero_downtime": true}'),
    request('POST', '/shutdown', { Authorization: `Token ${WRONG}`, 'Content-Type': 'application/json' }, '{}'),
    request('POST', '/scale', { Authorization: WRONG, 'Content-Type': 'application/json' }, '{"replicas": 1}'),
    request('POST', '/mark', { Authorization: `Bearer ${WRONG}`, 'Content-Type': 'application/json' }, '{"args": [1]}'),
    request('POST', '/restart', { 'Content-Type': 'application/json' }, '{"names": ["WM-Server-0-0"], "zero_downtime": true}'),
    request('POST', '/shutdown', { 'Content-Type': 'application/json' }, '{}'),
  ].map((t) => Buffer.from(t, 'latin1'));
  const special = [0x00, 0x0d, 0x0a, 0x20, 0x3a, 0x25, 0x7f, 0xff, 0x22, 0x7b, 0x09];
  const out: Case[] = [];
  for (let i = 0; i < count; i++) {
    let b = Buffer.from(pick(templates));
    const ops = 1 + Math.floor(rand() * 3);
    for (let k = 0; k < ops; k++) {
      const at = Math.floor(rand() * b.length);
      switch (Math.floor(rand() * 6)) {
        case 0: // flip a bit
          b[at] ^= 1 << Math.floor(rand() * 8);
          break;
        case 1: // a special byte
          b[at] = pick(special);
          break;
        case 2: // insert a byte
          b = Buffer.concat([b.subarray(0, at), Buffer.from([Math.floor(rand() * 256)]), b.subarray(at)]);
          break;
        case 3: // delete a few bytes
          b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + Math.floor(rand() * 4)))]);
          break;
        case 4: {
          // repeat a chunk
          const chunk = b.subarray(at, at + 16);
          b = Buffer.concat([b.subarray(0, at), ...Array.from({ length: 1 + Math.floor(rand() * 40) }, () => chunk), b.subarray(at)]);
          break;
        }
        default: // truncate
          b = b.subarray(0, Math.max(1, at));
      }
    }
    out.push({ category: 'mutated', bytes: b });
  }
  return out;
}

async function runAll(port: number, cases: Case[], concurrency = 16): Promise<Answer[]> {
  const answers: Answer[] = new Array(cases.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < cases.length) {
        const i = next++;
        answers[i] = await raw(port, cases[i].bytes);
      }
    }),
  );
  return answers;
}

describe('inspector fuzzing', () => {
  it(`answers crafted and ${MUTATIONS} mutated bad requests with the right 4xx; never crashes; never runs an action`, async (t) => {
    const mark = join(mkdtempSync(join(tmpdir(), 'wm-rel-')), 'mark');
    const app = await startWm(RELIABILITY_APP, ['--workers', '2'], {
      env: { WM_INSPECTOR: 'true', WM_INSPECTOR_HOST: '127.0.0.1', WM_INSPECTOR_PORT: '0', WM_INSPECTOR_API_KEY: KEY, REL_COMMAND_MARK: mark },
    });
    try {
      const port = Number((await app.waitFor(/Inspector listening on http:\/\/127\.0\.0\.1:(\d+)/))[1]);
      const before = await table(app.url);
      const inspectorPid = before['WM-Inspector-0'].pid;
      // The key works, so the refusals below are the checks', not a broken inspector's.
      assert.equal((await raw(port, request('GET', '/', { Authorization: `Bearer ${KEY}` }), 4000)).status, 200);

      const seed = Number(process.env.REL_FUZZ_SEED ?? 20261203);
      const crafted = craftedCases();
      const mutated = mutatedCases(MUTATIONS, seed);
      const t0 = Date.now();
      const craftedAnswers = await runAll(port, crafted);
      const mutatedAnswers = await runAll(port, mutated);
      const seconds = (Date.now() - t0) / 1000;

      const wrong = crafted
        .map((c, i) => ({ category: c.category, expect: c.expect, got: craftedAnswers[i], request: String(c.bytes).slice(0, 120) }))
        .filter((x) => (x.expect === 'closed' ? !x.got.closed : x.got.status !== x.expect));
      const histogram = (answers: Answer[]) => {
        const h: Record<string, number> = {};
        for (const a of answers) {
          const key = a.status ? String(a.status) : a.timeout ? 'timeout' : 'closed';
          h[key] = (h[key] ?? 0) + 1;
        }
        return h;
      };
      const badMutated = mutated
        .map((c, i) => ({ got: mutatedAnswers[i], request: c.bytes.toString('latin1').slice(0, 160) }))
        .filter((x) => !(x.got.status && ALLOWED.has(x.got.status)) && !x.got.closed);
      t.diagnostic(
        `${crafted.length} crafted + ${mutated.length} mutated requests (seed ${seed}) in ${seconds.toFixed(1)} s; ` +
          `crafted answers ${JSON.stringify(histogram(craftedAnswers))}; mutated answers ${JSON.stringify(histogram(mutatedAnswers))}`,
      );
      assert.deepEqual(wrong.slice(0, 10), [], `${wrong.length} crafted requests got the wrong answer`);
      assert.deepEqual(badMutated.slice(0, 10), [], `${badMutated.length} mutated requests got something other than a refusal`);
      assert.ok(mutatedAnswers.every((a) => !a.timeout), 'no request hung');

      // Nothing crashed, nothing ran.
      assert.ok(alive(inspectorPid), 'the inspector process is the same one');
      const after = await table(app.url);
      assert.equal(after['WM-Inspector-0'].pid, inspectorPid);
      assert.equal(after['WM-Inspector-0'].starts, 1, 'the inspector was never restarted');
      assert.deepEqual(
        servers(after).map(([name, r]) => [name, r.pid, r.starts]),
        servers(before).map(([name, r]) => [name, r.pid, r.starts]),
        'no reload, restart or scale happened',
      );
      assert.ok(!existsSync(mark), 'the custom command never ran');
      assert.ok(alive(app.pid), 'no shutdown happened');
      assert.doesNotMatch(app.output(), /Scaling|Shutting down|Received SIG/);
      // Every malformed request is the client's fault: the inspector itself never fails on one (clients that give
      // up halfway through a body included).
      const failures = app.output().match(/The inspector failed on a request: .*/g) ?? [];
      assert.deepEqual(failures, [], 'the inspector never failed on a request');
      assert.equal((await raw(port, request('GET', '/', { Authorization: `Bearer ${KEY}` }), 4000)).status, 200, 'still answers');
    } finally {
      assert.equal((await app.stop()).code, 0);
    }
  });
});
