// A worker-manager app that starts itself without the main guard: every worker would run app.run() again.
const { App } = require('worker-manager');

const app = new App('unguarded', (req, res) => res.end('hi'));

app.run({ workers: 2 });
