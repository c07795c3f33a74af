// Peer: the hello app as PM2 runs it in cluster mode (`pm2 start pm2-app.js -i N`, `pm2 reload`), with the
// graceful stop PM2's documentation recommends: on SIGINT close the server, then exit (PM2 kills it after
// kill_timeout otherwise). BENCH_READY_FILE: each worker appends its pid once listening, so the benchmark can
// tell when all N serve.
'use strict';
const fs = require('node:fs');
const http = require('node:http');
const hello = require('./hello');

const server = http.createServer(hello).listen(Number(process.env.BENCH_PORT), '127.0.0.1', () => {
  if (process.env.BENCH_READY_FILE) fs.appendFileSync(process.env.BENCH_READY_FILE, `${process.pid}\n`);
});
process.on('SIGINT', () => server.close(() => process.exit(0)));
