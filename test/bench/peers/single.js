// Peer: a single plain Node process serving the hello handler (no manager, no cluster).
'use strict';
const http = require('node:http');
const hello = require('./hello');

const server = http.createServer(hello).listen(Number(process.env.BENCH_PORT || 0), '127.0.0.1', () => {
  process.stdout.write(`Listening on http://127.0.0.1:${server.address().port}\n`);
});
const stop = () => server.close(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
