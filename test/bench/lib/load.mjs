// The load generator, run in a child process of the benchmark (fork) so that its CPU is not the bench's: on a
// 2-core machine autocannon alone takes most of one core, and the bench process must stay responsive to time
// the reload and read /proc.
//
// The parent sends one message { url, connections, durationS, account, pipelining }, may later send 'stop', and
// gets back { summary, accounting?, samples? }.
//
// Accounting mode (account: true) fixes two blind spots of autocannon 8 for zero-downtime measurements:
// - When the server closes a connection that has a request in flight, autocannon reconnects and re-sends
//   silently: the lost request is counted nowhere. Here every reconnect counts the requests still pending on
//   the old connection as failed ("lost": closed or reset under the client).
// - autocannon ignores `Connection: close` and writes its next request on a connection the server is closing.
//   Real clients (browsers, Node's http agent, wrk) open a new connection instead; so does this one, so that
//   a server that drains politely is not charged for a client bug.
// It also records every request (end time, latency, ok) for the latency-over-time plot.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const autocannon = require('autocannon');
const { HTTPParser } = require('http-parser-js');

const now = () => performance.timeOrigin + performance.now();

process.once('message', (config) => {
  const { url, connections = 64, durationS = 10, account = false, pipelining = 1, timeoutS = 10 } = config;
  const accounting = { lost: 0, closeHonoured: 0, timeouts: 0, non2xx: 0, ok: 0, failures: [] };
  // Per-request samples: end times (epoch ms), latencies (ms), 1 = ok / 0 = failed.
  const ends = [];
  const lats = [];
  const oks = [];

  const setupClient = account
    ? (client) => {
        const connect = client._connect;
        client._connect = function () {
          if (this.conn) {
            // A reconnect: whatever was still pending on the old connection will never be answered.
            const pending = this.pipelinedRequests.size();
            if (pending > 0) {
              const t = now();
              for (const p of this.pipelinedRequests.toArray()) {
                const [s, ns] = process.hrtime(p.startTime);
                ends.push(t);
                lats.push(s * 1e3 + ns / 1e6);
                oks.push(0);
              }
              accounting.lost += pending;
              accounting.failures.push({ t, kind: 'lost', n: pending });
            }
            this.pipelinedRequests.clear();
            // The old connection must not trigger another reconnect nor feed the parser any more.
            this.conn.removeAllListeners('error');
            this.conn.removeAllListeners('end');
            this.conn.removeAllListeners('data');
            this.conn.on('error', () => {});
            this.conn.destroy();
            this.parser.initialize(HTTPParser.RESPONSE);
          }
          return connect.call(this);
        };
        client.on('headers', (info) => {
          if (!info.shouldKeepAlive) client.closeAfterResponse = client.conn;
        });
        const doRequest = client._doRequest;
        client._doRequest = function () {
          if (this.closeAfterResponse && this.closeAfterResponse === this.conn) {
            // The server said Connection: close: the next request goes on a new connection.
            this.closeAfterResponse = undefined;
            accounting.closeHonoured += 1;
            this.conn.removeAllListeners('error');
            this.conn.removeAllListeners('end');
            this.conn.removeAllListeners('data');
            this.conn.on('error', () => {});
            this.conn.end();
            this.conn = undefined;
            this.parser.initialize(HTTPParser.RESPONSE);
            return connect.call(this);
          }
          return doRequest.apply(this, arguments);
        };
        client.on('timeout', () => {
          const t = now();
          accounting.timeouts += 1;
          accounting.failures.push({ t, kind: 'timeout', n: 1 });
          ends.push(t);
          lats.push(timeoutS * 1000);
          oks.push(0);
        });
      }
    : undefined;

  const instance = autocannon(
    { url, connections, pipelining, duration: durationS, timeout: timeoutS, setupClient },
    (error, result) => {
      if (error) {
        process.send({ error: String(error?.stack ?? error) }, () => process.exit(1));
        return;
      }
      const summary = {
        requests: result.requests.total,
        sent: result.requests.sent,
        rps: result.requests.average,
        durationS: result.duration,
        latency: {
          mean: result.latency.mean,
          p50: result.latency.p50,
          p90: result.latency.p90,
          p99: result.latency.p99,
          max: result.latency.max,
        },
        errors: result.errors,
        timeouts: result.timeouts,
        non2xx: result.non2xx,
      };
      const reply = { summary };
      if (account) {
        accounting.non2xx = result.non2xx;
        reply.accounting = accounting;
        reply.samples = { ends, lats, oks };
      }
      process.send(reply, () => process.exit(0));
    },
  );
  if (account) {
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      const ok = statusCode >= 200 && statusCode < 300;
      if (ok) accounting.ok += 1;
      else accounting.failures.push({ t: now(), kind: `status ${statusCode}`, n: 1 });
      ends.push(now());
      lats.push(responseTime);
      oks.push(ok ? 1 : 0);
    });
  }
  instance.on('start', () => process.send({ started: now() }));
  process.on('message', (m) => {
    if (m === 'stop') instance.stop();
  });
});
