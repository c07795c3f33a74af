// The one request handler every peer serves in the benchmark: a trivial hello world, the same bytes everywhere.
'use strict';
const BODY = 'Hello, world\n';

module.exports = function hello(req, res) {
  res.setHeader('content-type', 'text/plain');
  res.end(BODY);
};
