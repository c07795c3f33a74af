// `wm` refuses bad input with one clear message that says what to do, and the right exit status.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as net from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FIXTURES, ROOT, startWm, WM_BIN } from '../helpers/manager-process';

function wm(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [WM_BIN, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', ...env }, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('wm command line', () => {
  it('prints help and its version', () => {
    const help = wm(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.out, /wm serve <module>\[:export\]/);
    assert.match(help.out, /--single-process/);
    assert.match(wm(['--version']).out, /^\d+\.\d+\.\d+\n$/);
  });

  it('rejects an unknown command and an unknown flag with usage status 2', () => {
    const cmd = wm(['frobnicate']);
    assert.equal(cmd.code, 2);
    assert.match(cmd.err, /Unknown command "frobnicate"/);
    const flag = wm(['serve', 'examples/hello/app.js', '--wrokers', '2']);
    assert.equal(flag.code, 2);
    assert.match(flag.err, /Unknown option '--wrokers'/);
    assert.match(flag.err, /wm serve --help/);
  });

  it('explains --workers 0 and points at --single-process', () => {
    const r = wm(['serve', 'examples/hello/app.js', '--workers', '0']);
    assert.equal(r.code, 1);
    assert.match(r.err, /--workers must be a whole number of at least 1 \(got 0\)/);
    assert.match(r.err, /--single-process/);
    assert.equal(wm(['serve', 'examples/hello/app.js', '--workers', 'many']).code, 2);
  });

  it('reads config from WM_ env vars and names them in errors', () => {
    const r = wm(['serve', 'examples/hello/app.js'], { WM_WORKERS: '-3' });
    assert.equal(r.code, 1);
    assert.match(r.err, /WM_WORKERS must be a whole number of at least 1 \(got -3\)/);
    const bool = wm(['serve', 'examples/hello/app.js'], { WM_INSPECTOR: 'maybe' });
    assert.match(bool.err, /WM_INSPECTOR=maybe is not a boolean/);
  });

  it('says which module is missing and where it looked', () => {
    const r = wm(['serve', 'no/such/app.js']);
    assert.equal(r.code, 1);
    assert.match(r.err, /Cannot find the app module "no\/such\/app.js"/);
    assert.match(r.err, /relative to /);
    assert.equal(r.err.trim().split('\n').length, 2, `one message and one hint, got:\n${r.err}`);
  });

  it('lists the exports when the named export is missing, and says what an App is', () => {
    const missing = wm(['serve', join(FIXTURES, 'control.js:nope')]);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /has no export named "nope"/);
    assert.match(missing.err, /Its exports: app/);
    const notApp = wm(['serve', join(FIXTURES, 'jobs.js:once')]);
    assert.match(notApp.err, /is a function, not an App/);
    assert.match(notApp.err, /--factory/);
    const none = wm(['serve', join(FIXTURES, 'jobs.js')]);
    assert.match(none.err, /does not export an App/);
  });

  it('shows the error of a module that throws while loading', () => {
    const r = wm(['serve', join(FIXTURES, 'broken-module.js')]);
    assert.equal(r.code, 1);
    assert.match(r.err, /failed to load: Error: broken on purpose/);
    assert.match(r.err, /broken-module\.js:\d+/, 'the stack points into the module');
  });

  it('reports a port in use, and mentions the main-guard only for scripts', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = String((blocker.address() as net.AddressInfo).port);
    try {
      const cli = wm(['serve', 'examples/hello/app.js', '--port', port]);
      assert.equal(cli.code, 1);
      assert.match(cli.err, new RegExp(`Cannot listen on 127.0.0.1:${port}: the address is already in use`));
      assert.doesNotMatch(cli.err, /main-guard/);
      const script = spawnSync(process.execPath, [join(FIXTURES, 'script-app.js')], {
        cwd: ROOT,
        env: { ...process.env, NO_COLOR: '1', WM_PORT: port },
        encoding: 'utf8',
        timeout: 30_000,
      });
      assert.equal(script.status, 1);
      assert.match(script.stderr, /already in use/);
      assert.match(script.stderr, /main-guard/);
    } finally {
      blocker.close();
    }
  });
});

describe('misspelled settings', () => {
  it('warns about a WM_ variable that looks like a known setting, and lets the app\'s own keys pass', async () => {
    const app = await startWm('examples/hello/app.js', [], { env: { WM_WORKRES: '4', WM_MY_APP_SETTING: 'x' } });
    try {
      assert.match(app.output(), /WM_WORKRES is not a setting; did you mean WM_WORKERS\?/);
      assert.doesNotMatch(app.output(), /WM_MY_APP_SETTING/);
    } finally {
      await app.stop();
    }
  });
});
