// PM2's counterpart of the inspector's `GET /`: `pm2.list()` over PM2's RPC socket to its daemon (the private
// PM2_HOME of the benchmark). Prints { n, p50, p99, mean } in ms on stdout.
'use strict';
const pm2 = require('pm2');

const n = Number(process.argv[2] || 300);
const list = () => new Promise((resolve, reject) => pm2.list((error, procs) => (error ? reject(error) : resolve(procs))));

pm2.connect(async (error) => {
  if (error) throw error;
  try {
    for (let i = 0; i < 30; i++) await list();
    const samples = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      await list();
      samples.push(performance.now() - t0);
    }
    samples.sort((a, b) => a - b);
    const at = (q) => samples[Math.min(samples.length - 1, Math.ceil(q * samples.length) - 1)];
    const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
    process.stdout.write(JSON.stringify({ n, p50: at(0.5), p99: at(0.99), max: samples.at(-1), mean }) + '\n');
  } finally {
    pm2.disconnect();
  }
});
