// Interop with Sanic 25.12. Sanic cannot be installed here, so test/fixtures/sanic_inspector.py stands in for both
// its inspector (the behaviour inspector-protocol.md records) and its `sanic inspect` CLI (the same requests).
//  - our client and `wm inspect` against Sanic's inspector: envelope, 200/null for unknown actions, no stream
//    (polling), no restart, Sanic- names, the bodies and headers Sanic's CLI sends;
//  - Sanic's CLI against our inspector.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { InspectorAuthError, InspectorClient, InspectorUnsupportedError } from 'worker-manager';
import { call, record, resultOf, sanicInspect, startInspected, startSanic, Watched, wmInspect, type InspectedApp, type SanicStandIn } from './inspector-helpers';

const KEY = 'sanic-interop-key-5d1e';

describe('InspectorClient against a Sanic inspector', () => {
  let sanic: SanicStandIn;
  let client: InspectorClient;
  before(async () => {
    sanic = await startSanic(['--api-key', KEY, '--workers', '4']);
    client = new InspectorClient({ host: '127.0.0.1', port: sanic.port, apiKey: KEY });
  });
  after(async () => {
    client?.close();
    await sanic?.stop();
  });
  const lastRequest = () => sanic.requests().at(-1)!;

  it('info() reads Sanic state: Sanic- names, python, no capabilities', async () => {
    const state = await client.info();
    assert.equal(state.info.app, 'PeerApp');
    assert.equal(state.info.mode, 'production, w/ 4 workers');
    assert.match(String(state.info.python), /^3\./);
    assert.deepEqual(Object.keys(state.workers), ['Sanic-Main', 'Sanic-Server-0-0', 'Sanic-Server-1-0', 'Sanic-Server-2-0', 'Sanic-Server-3-0', 'Sanic-Inspector-0']);
    assert.equal(record(state, 'Sanic-Server-0-0')!.state, 'ACKED');
    assert.deepEqual(await client.capabilities(), []);
    assert.equal(lastRequest().headers.authorization, `Bearer ${KEY}`);
  });

  it("reload() sends Sanic's body with the key and a JSON content type, and gets null", async () => {
    assert.equal(await client.reload(), null);
    let sent = lastRequest();
    assert.equal(sent.method, 'POST');
    assert.equal(sent.path, '/reload');
    assert.equal(sent.headers['content-type'], 'application/json');
    assert.equal(sent.headers.authorization, `Bearer ${KEY}`);
    assert.deepEqual(JSON.parse(sent.body), { zero_downtime: false });
    assert.equal(await client.reload({ zeroDowntime: true }), null);
    sent = lastRequest();
    assert.deepEqual(JSON.parse(sent.body), { zero_downtime: true });
    assert.equal(record(await client.info(), 'Sanic-Server-0-0')!.starts, 3);
  });

  it('command() sends keyword arguments and "args" as sanic inspect does; an unknown command is null (Sanic)', async () => {
    assert.equal(await client.command('hello', [], { name: 'Sanic' }), 'Hello, Sanic!');
    assert.deepEqual(await client.command('echo', ['a', 'b'], { x: '1', flag: true, other: false }), { args: ['a', 'b'], kwargs: { x: '1', flag: true, other: false } });
    assert.equal(lastRequest().body, JSON.stringify({ x: '1', flag: true, other: false, args: ['a', 'b'] }));
    assert.equal(await client.command('no_such_command'), null);
    const bare = lastRequest();
    assert.equal(bare.body, '', 'no arguments: no body, as sanic inspect');
    assert.equal(bare.headers['content-type'], undefined);
  });

  it('restart() is refused with a clear error, and nothing is sent to /restart', async () => {
    await assert.rejects(client.restart(['Sanic-Server-0-0']), (e: Error) => e instanceof InspectorUnsupportedError && /cannot restart processes by name .*Use reload/.test(e.message));
    assert.ok(!sanic.requests().some((r) => r.path === '/restart'));
  });

  it('scale() gets "Scaling to N"; watch() polls (no stream) and sees the change', async () => {
    const watched = new Watched(client, { pollMs: 200 });
    try {
      await watched.waitForMode('poll');
      assert.equal(await client.scale(2), 'Scaling to 2');
      const seen = await watched.waitFor((s) => record(s, 'Sanic-Server-3-0')?.state === 'TERMINATED', 'the scale-down', 0, 3000);
      assert.equal(record(seen.state, 'Sanic-Server-2-0')!.state, 'TERMINATED');
      assert.deepEqual(watched.modes, ['poll']);
      assert.ok(!sanic.requests().some((r) => r.path.startsWith('/events')), 'no stream was tried: none is advertised');
    } finally {
      watched.close();
    }
  });

  it('a wrong key is an InspectorAuthError', async () => {
    const wrong = new InspectorClient({ host: '127.0.0.1', port: sanic.port, apiKey: 'nope' });
    try {
      await assert.rejects(wrong.info(), InspectorAuthError);
    } finally {
      wrong.close();
    }
  });
});

describe('wm inspect against a Sanic inspector', () => {
  let sanic: SanicStandIn;
  before(async () => {
    sanic = await startSanic(['--api-key', KEY, '--workers', '2']);
  });
  after(() => sanic?.stop());
  const at = () => ['-p', String(sanic.port), '-k', KEY];

  it('prints the app line and the process table with Sanic names', async () => {
    const run = await wmInspect(at());
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trimEnd().split('\n');
    assert.match(lines[0], new RegExp(`^PeerApp · production, w/ 2 workers · python 3\\.[\\d.]+ · http://localhost:${sanic.port}$`));
    assert.match(lines[1], /^NAME\s+STATE\s+PID\s+UPTIME\s+STARTS\s+SERVING$/);
    assert.match(lines[2], /^Sanic-Main\s+MAIN\s+\d+$/);
    assert.match(lines[3], /^Sanic-Server-0-0\s+ACKED\s+\d+\s+\d+s\s+1\s+yes$/);
    assert.match(lines[5], /^Sanic-Inspector-0\s+STARTED\s+\d+\s+\d+s\s+1$/);
  });

  it('--raw prints the JSON result', async () => {
    const run = await wmInspect(['--raw', ...at()]);
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout);
    assert.deepEqual(Object.keys(result.workers), ['Sanic-Main', 'Sanic-Server-0-0', 'Sanic-Server-1-0', 'Sanic-Inspector-0']);
  });

  it('sends a custom command exactly as sanic inspect does', async () => {
    const ours = await wmInspect(['echo', 'a', 'b', '--x=1', '--flag', '--no-other', ...at()]);
    assert.equal(ours.code, 0, ours.stderr);
    const oursSent = sanic.requests().at(-1)!;
    const theirs = await sanicInspect(['echo', 'a', 'b', '--x=1', '--flag', '--no-other', ...at()]);
    assert.equal(theirs.code, 0, theirs.stderr);
    const theirsSent = sanic.requests().at(-1)!;
    assert.equal(oursSent.path, '/echo');
    // Same keys in the same order, same values: {"x": "1", "flag": true, "other": false, "args": ["a", "b"]}.
    assert.equal(JSON.stringify(JSON.parse(oursSent.body)), JSON.stringify({ x: '1', flag: true, other: false, args: ['a', 'b'] }));
    assert.equal(JSON.stringify(JSON.parse(oursSent.body)), JSON.stringify(JSON.parse(theirsSent.body)));
    for (const header of ['content-type', 'authorization']) assert.equal(oursSent.headers[header], theirsSent.headers[header], header);
    assert.deepEqual(JSON.parse(ours.stdout), JSON.parse(theirs.stdout));
  });

  it('reload and scale send what sanic inspect sends', async () => {
    for (const words of [['reload'], ['reload', '--zero-downtime'], ['scale', '3']]) {
      assert.equal((await wmInspect([...words, ...at()])).code, 0);
      const ours = sanic.requests().at(-1)!;
      assert.equal((await sanicInspect([...words, ...at()])).code, 0);
      const theirs = sanic.requests().at(-1)!;
      assert.equal(ours.path, theirs.path, words.join(' '));
      assert.deepEqual(JSON.parse(ours.body), JSON.parse(theirs.body), words.join(' '));
      assert.equal(ours.headers['content-type'], theirs.headers['content-type']);
    }
  });

  it('restart: one clear line and exit 1 (Sanic lacks it)', async () => {
    const run = await wmInspect(['restart', 'Sanic-Server-0-0', ...at()]);
    assert.equal(run.code, 1);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /^wm inspect: The inspector at http:\/\/localhost:\d+ cannot restart processes by name/);
    assert.equal(run.stderr.trimEnd().split('\n').length, 1);
  });

  it('shutdown stops it', async () => {
    const run = await wmInspect(['shutdown', ...at()]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'Shutting the app down.\n');
    assert.equal(await sanic.exited, 0);
  });
});

describe("Sanic's CLI against our inspector", () => {
  let app: InspectedApp;
  before(async () => {
    app = await startInspected(['--workers', '2'], { env: { WM_INSPECTOR_API_KEY: KEY } });
  });
  after(() => app?.stop());
  const at = () => ['-H', '127.0.0.1', '-p', String(app.inspectorPort), '-k', KEY];
  const state = async () => resultOf(await call(app.inspectorUrl, 'GET', '/', { headers: { authorization: `Bearer ${KEY}` } }), 'info');

  it('sanic inspect (info) shows our app and processes', async () => {
    const run = await sanicInspect(at());
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^app: inspected$/m);
    assert.match(run.stdout, /^mode: production, w\/ 2 workers$/m);
    assert.match(run.stdout, /^\s+WM-Server-0-0\n\s+server: True\n\s+state: ACKED/m);
    assert.match(run.stdout, /queue_depth: 3/);
  });

  it('sanic inspect --raw prints our result', async () => {
    const run = await sanicInspect([...at(), '--raw']);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(Object.keys(JSON.parse(run.stdout).workers), ['WM-Main', 'WM-Server-0-0', 'WM-Server-1-0', 'WM-Inspector-0']);
  });

  it('sanic inspect reload, reload --zero-downtime and scale N work on ours', async () => {
    const before = await state();
    const reload = await sanicInspect(['reload', ...at()]);
    assert.equal(reload.code, 0, reload.stderr);
    assert.equal(reload.stdout, '', 'result null: Sanic prints nothing');
    const zero = await sanicInspect(['reload', '--zero-downtime', ...at()]);
    assert.equal(zero.code, 0, zero.stderr);
    const scale = await sanicInspect(['scale', '3', ...at()]);
    assert.equal(scale.code, 0, scale.stderr);
    assert.equal(scale.stdout, 'Scaling to 3\n');
    const client = new InspectorClient({ host: '127.0.0.1', port: app.inspectorPort, apiKey: KEY });
    const watched = new Watched(client);
    try {
      await watched.waitFor(
        (s) =>
          record(s, 'WM-Server-2-0')?.state === 'ACKED' &&
          ['WM-Server-0-0', 'WM-Server-1-0'].every((n) => record(s, n)!.starts === before.workers[n].starts + 2 && record(s, n)!.state === 'ACKED'),
        'two reloads and a third worker',
      );
    } finally {
      watched.close();
      client.close();
    }
  });

  it('sanic inspect <custom> with args and --k=v --flag --no-flag reaches our command', async () => {
    const greet = await sanicInspect(['greet', '--name=Sanic', ...at()]);
    assert.equal(greet.code, 0, greet.stderr);
    assert.equal(greet.stdout, 'Hello, Sanic!\n');
    const echo = await sanicInspect(['echo', 'a', 'b', '--x=1', '--flag', '--no-other', ...at()]);
    assert.equal(echo.code, 0, echo.stderr);
    assert.deepEqual(JSON.parse(echo.stdout), { kwargs: { x: '1', flag: true, other: false }, args: ['a', 'b'] });
  });

  it('an unknown command: ours answers 404 (Sanic: 200/null), which Sanic\'s CLI reports as a failure', async () => {
    const run = await sanicInspect(['no_such_command', ...at()]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /HTTP Error 404/);
  });

  it('a wrong key is refused', async () => {
    const run = await sanicInspect(['-H', '127.0.0.1', '-p', String(app.inspectorPort), '-k', 'wrong']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /HTTP Error 401/);
  });

  it('sanic inspect shutdown stops our app with status 0', async () => {
    const run = await sanicInspect(['shutdown', ...at()]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(await app.exited, { code: 0, signal: null });
  });
});
