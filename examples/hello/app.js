// The example app: a hello-world server under the worker manager, with a shared request counter.
//   npx wm serve examples/hello/app.js --workers 4 --inspector      (the CLI)
//   node examples/hello/app.js                                      (a script: app.run below)
'use strict';
const { App, Value, isMain } = require('worker-manager');

const app = new App('hello', async (req, res) => {
  if (req.url === '/count') {
    const total = await app.sharedCtx.requests.get();
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ requests: total }) + '\n');
    return;
  }
  if (req.url === '/slow') {
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  app.sharedCtx.requests.add(1).catch(() => {});
  res.setHeader('content-type', 'text/plain');
  res.end(`Hello from ${app.m.name} (pid ${process.pid})\n`);
});

// Shared objects are made once, in the main process, before any worker starts.
app.mainProcessStart((app) => {
  app.sharedCtx.requests = new Value(0);
});

// A custom inspector command: `wm inspect greet --name=you`.
app.inspectorCommand('greet', ({ name = 'world' }) => `Hello, ${name}!`);

module.exports = { app };

if (isMain(module)) app.run({ workers: 4, inspector: true });
