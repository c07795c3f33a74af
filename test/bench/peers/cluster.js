// Peer: Node's own `cluster`, as people hand-roll it. BENCH_POLICY=rr (round-robin, the default on Linux) or none
// (SCHED_NONE: every worker accepts on the shared socket). BENCH_WORKERS workers on 127.0.0.1:BENCH_PORT (0: a
// free port).
// SIGHUP: the usual graceful reload, one worker after another: fork the new one, wait for 'listening', then
// worker.disconnect() the old one (its server closes, idle keep-alive connections are closed, busy ones finish)
// and wait for it to exit (killed after BENCH_GRACE_MS, the usual safety net).
// SIGTERM/SIGINT: disconnect every worker and exit.
'use strict';
const cluster = require('node:cluster');
const http = require('node:http');
const hello = require('./hello');

const workers = Number(process.env.BENCH_WORKERS || 1);
const port = Number(process.env.BENCH_PORT || 0);
const graceMs = Number(process.env.BENCH_GRACE_MS || 15000);
cluster.schedulingPolicy = process.env.BENCH_POLICY === 'none' ? cluster.SCHED_NONE : cluster.SCHED_RR;

if (cluster.isPrimary) {
  let listening = 0;
  let announced = false;
  const fork = () => {
    const worker = cluster.fork();
    return new Promise((resolve) => worker.once('listening', (address) => resolve({ worker, address })));
  };
  for (let i = 0; i < workers; i++) {
    void fork().then(({ address }) => {
      listening += 1;
      if (listening === workers && !announced) {
        announced = true;
        process.stdout.write(`Listening on http://127.0.0.1:${address.port}\n`);
      }
    });
  }

  let reloading = false;
  process.on('SIGHUP', async () => {
    if (reloading) return;
    reloading = true;
    const started = Date.now();
    for (const old of Object.values(cluster.workers)) {
      await fork();
      const exited = new Promise((resolve) => old.once('exit', resolve));
      const timer = setTimeout(() => old.process.kill('SIGKILL'), graceMs);
      old.disconnect();
      await exited;
      clearTimeout(timer);
    }
    reloading = false;
    process.stdout.write(`Reloaded in ${Date.now() - started} ms\n`);
  });

  const stop = () => {
    for (const worker of Object.values(cluster.workers)) worker.disconnect();
    setTimeout(() => process.exit(0), graceMs).unref();
    cluster.on('exit', () => {
      if (Object.keys(cluster.workers).length === 0) process.exit(0);
    });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
} else {
  http.createServer(hello).listen(port, '127.0.0.1');
}
