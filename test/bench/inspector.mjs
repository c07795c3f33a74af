// Inspector figures: `GET /` latency over keep-alive, and change-stream latency (a state change to the SSE event
// at the client). Writes test/bench/results/inspector.md and inspector.json.
//   node test/bench/inspector.mjs [--requests 3000] [--changes 300] [--scales 30]
//
// Change-stream latency is timed three ways:
// - state: a worker sets a key on its own state (app.m.state) and stamps it with CLOCK_MONOTONIC
//   (process.hrtime.bigint(), one clock for every process on the machine); the time is from that stamp to the
//   moment the SSE event with it is parsed here. The path: worker -> manager -> inspector -> client.
// - scale: from sending `POST /scale` to the first event listing the new worker (STARTING), and
// - restart: from sending `POST /restart` to the first event showing the worker restarting (a new pid).
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const RESULTS = join(ROOT, 'test', 'bench', 'results');
const { values } = parseArgs({ options: { requests: { type: 'string', default: '3000' }, changes: { type: 'string', default: '300' }, scales: { type: 'string', default: '30' } } });
const REQUESTS = Number(values.requests);
const CHANGES = Number(values.changes);
const SCALES = Number(values.scales);

const now = () => process.hrtime.bigint();
const ms = (ns) => Number(ns) / 1e6;

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  const round = (x) => Math.round(x * 1000) / 1000;
  return { n: sorted.length, p50: round(at(0.5)), p90: round(at(0.9)), p99: round(at(0.99)), max: round(sorted.at(-1)), mean: round(sorted.reduce((a, b) => a + b, 0) / sorted.length) };
}

/** `wm serve` of the inspector fixture app with its inspector on a free port. */
async function startApp() {
  const proc = spawn(process.execPath, [join(ROOT, 'manager', 'bin', 'wm.js'), 'serve', join(ROOT, 'test', 'fixtures', 'apps', 'inspector-app.js'), '--workers', '2', '--port', '0', '--inspector'], {
    env: { ...process.env, NO_COLOR: '1', WM_INSPECTOR_HOST: '127.0.0.1', WM_INSPECTOR_PORT: '0', WM_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout.on('data', (c) => (out += c));
  proc.stderr.on('data', (c) => (out += c));
  const deadline = Date.now() + 20_000;
  for (;;) {
    const app = /Listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
    const inspector = /Inspector listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
    if (app && inspector) return { proc, appPort: Number(app[1]), port: Number(inspector[1]) };
    if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`the app did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function request(agent, port, method, path, body) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers = payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) };
    const req = http.request({ host: '127.0.0.1', port, method, path, agent, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

async function getLatency(port) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  for (let i = 0; i < 200; i++) await request(agent, port, 'GET', '/');
  const samples = [];
  const started = now();
  for (let i = 0; i < REQUESTS; i++) {
    const t0 = now();
    const { status } = await request(agent, port, 'GET', '/');
    samples.push(ms(now() - t0));
    if (status !== 200) throw new Error(`GET / answered ${status}`);
  }
  const seconds = ms(now() - started) / 1000;
  agent.destroy();
  return { ...stats(samples), requestsPerSecond: Math.round(REQUESTS / seconds) };
}

/**
 * An SSE subscription, resolved once the first event (the state at once) has come: `next(predicate)` resolves
 * with [state, arrival] of the latest event if it matches, else of the first later one that does.
 */
function subscribe(port) {
  return new Promise((resolve, reject) => {
    const waiters = new Set();
    let last;
    let lastAt;
    const req = http.get({ host: '127.0.0.1', port, path: '/events', agent: false }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`GET /events answered ${res.statusCode}`));
      res.socket.setNoDelay(true);
      res.setEncoding('utf8');
      let buffer = '';
      res.on('data', (text) => {
        const at = now();
        buffer += text;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split('\n').find((l) => l.startsWith('data: '));
          if (!data) continue;
          const first = last === undefined;
          last = JSON.parse(data.slice(6));
          lastAt = at;
          for (const w of [...waiters]) if (w.predicate(last)) (waiters.delete(w), w.resolve([last, at]));
          if (first) resolve(subscription);
        }
      });
      const subscription = {
        latest: () => last,
        next: (predicate, timeoutMs = 10_000) =>
          new Promise((res2, rej2) => {
            if (predicate(last)) return res2([last, lastAt]);
            const w = { predicate, resolve: (v) => (clearTimeout(timer), res2(v)) };
            const timer = setTimeout(() => (waiters.delete(w), rej2(new Error('no matching event within 10 s'))), timeoutMs);
            waiters.add(w);
          }),
        close: () => req.destroy(),
      };
    });
    req.on('error', reject);
  });
}

async function stateLatency(stream, appPort) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const samples = [];
  for (let i = 0; i < CHANGES; i++) {
    const before = stream.latest();
    const { body } = await request(agent, appPort, 'GET', '/state?stamp=1');
    const { name } = JSON.parse(body);
    const previous = before?.workers[name]?.stamp;
    const [state, at] = await stream.next((s) => s.workers[name]?.stamp !== undefined && s.workers[name].stamp !== previous);
    samples.push(ms(at - BigInt(state.workers[name].stamp)));
  }
  agent.destroy();
  return stats(samples);
}

async function scaleLatency(stream, port) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const samples = [];
  const serving = (s) => Object.values(s.workers).filter((r) => r.server && r.state === 'ACKED').length;
  for (let i = 0; i < SCALES; i++) {
    const known = new Set(Object.keys(stream.latest().workers));
    const seen = stream.next((s) => Object.keys(s.workers).some((n) => n.startsWith('WM-Server-') && !known.has(n)));
    const t0 = now();
    await request(agent, port, 'POST', '/scale', { replicas: 3 });
    const [, at] = await seen;
    samples.push(ms(at - t0));
    await stream.next((s) => serving(s) === 3);
    await request(agent, port, 'POST', '/scale', { replicas: 2 });
    await stream.next((s) => serving(s) === 2);
  }
  agent.destroy();
  return stats(samples);
}

async function restartLatency(stream, port) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const samples = [];
  for (let i = 0; i < SCALES; i++) {
    const oldPid = stream.latest().workers['WM-Server-0-0'].pid;
    const seen = stream.next((s) => s.workers['WM-Server-0-0'].pid !== oldPid);
    const t0 = now();
    await request(agent, port, 'POST', '/restart', { names: ['WM-Server-0-0'], zero_downtime: true });
    const [, at] = await seen;
    samples.push(ms(at - t0));
    await stream.next((s) => s.workers['WM-Server-0-0'].state === 'ACKED' && s.workers['WM-Server-0-0'].pid !== oldPid);
  }
  agent.destroy();
  return stats(samples);
}

const app = await startApp();
try {
  const loadBefore = os.loadavg()[0];
  const get = await getLatency(app.port);
  const stream = await subscribe(app.port);
  const state = await stateLatency(stream, app.appPort);
  const scale = await scaleLatency(stream, app.port);
  const restart = await restartLatency(stream, app.port);
  stream.close();
  const result = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, platform: `${os.type()} ${os.release()}`, loadAverage1m: [loadBefore, os.loadavg()[0]].map((x) => Math.round(x * 100) / 100) },
    getInfo: { ...get, note: 'GET / over one keep-alive connection, sequential; each answer asks the manager for info and the table' },
    stream: { state, scale, restart },
  };
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, 'inspector.json'), JSON.stringify(result, null, 2) + '\n');
  const row = (name, s) => `| ${name} | ${s.n} | ${s.p50} | ${s.p90} | ${s.p99} | ${s.max} |`;
  const md = `# Inspector figures

${result.date}, ${result.machine.cpus} CPU (${result.machine.model}), Node ${result.machine.node}, ${result.machine.platform}.
1-minute load average before/after: ${result.machine.loadAverage1m.join(' / ')} (a shared machine: other suites may run).
App: test/fixtures/apps/inspector-app.js, 2 server workers, inspector on 127.0.0.1, no TLS, no API key.

All times in milliseconds.

| measure | n | p50 | p90 | p99 | max |
|---|---|---|---|---|---|
${row('`GET /` (keep-alive, sequential)', get)}
${row('stream: worker state change -> SSE event at the client', state)}
${row('stream: `POST /scale` sent -> event with the new worker', scale)}
${row('stream: `POST /restart` (zero-downtime) sent -> event with the new pid', restart)}

\`GET /\`: ${get.requestsPerSecond} requests/s on one connection.

How: \`GET /\` is timed per request over one keep-alive connection after 200 warm-up requests. A state change is a
worker setting \`app.m.state.stamp\` to \`process.hrtime.bigint()\` (CLOCK_MONOTONIC, the same clock in every
process), timed to the moment the SSE event carrying it is parsed by the client: worker -> manager (IPC) ->
inspector (IPC) -> client (HTTP). Scale and restart are timed from sending the request to the first event that
shows its effect. Re-run: \`node test/bench/inspector.mjs\`.
`;
  writeFileSync(join(RESULTS, 'inspector.md'), md);
  process.stdout.write(md);
} finally {
  app.proc.kill('SIGTERM');
}
