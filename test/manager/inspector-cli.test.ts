// `wm inspect` against our inspector, as a real process: the table, --raw, every action, options before or after
// the action, env defaults, and one clear line with exit 1 when something is wrong.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { formatInfo, parseInspectArgs } from 'worker-manager/dist/cli/inspect';
import { call, freePort, resultOf, startInspected, wmInspect, type InspectedApp } from './inspector-helpers';

const KEY = 'cli-test-key-0b8e';

describe('wm inspect', () => {
  let app: InspectedApp;
  let at: string[];
  before(async () => {
    app = await startInspected(['--workers', '2'], { env: { WM_INSPECTOR_API_KEY: KEY } });
    at = ['-H', '127.0.0.1', '-p', String(app.inspectorPort), '-k', KEY];
  });
  after(() => app?.stop());
  const state = async () => resultOf(await call(app.inspectorUrl, 'GET', '/', { headers: { authorization: `Bearer ${KEY}` } }), 'info');

  it('prints the app line and a table of processes with their custom keys', async () => {
    const run = await wmInspect(at);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, '');
    const lines = run.stdout.trimEnd().split('\n');
    assert.match(lines[0], new RegExp(`^inspected · production, w/ 2 workers · node ${process.version.replace(/\./g, '\\.')} · http://127\\.0\\.0\\.1:${app.inspectorPort}$`));
    assert.match(lines[1], /^NAME\s+STATE\s+PID\s+UPTIME\s+STARTS\s+SERVING\s+QUEUE_DEPTH$/);
    assert.match(lines[2], new RegExp(`^WM-Main\\s+MAIN\\s+${app.pid}$`));
    const { workers } = await state();
    assert.match(lines[3], new RegExp(`^WM-Server-0-0\\s+ACKED\\s+${workers['WM-Server-0-0'].pid}\\s+\\d+s\\s+1\\s+yes\\s+3$`));
    assert.match(lines[4], /^WM-Server-1-0\s+ACKED\s+\d+\s+\d+s\s+1\s+yes\s+3$/);
    assert.match(lines[5], /^WM-Inspector-0\s+STARTED\s+\d+\s+\d+s\s+1$/);
    assert.equal(lines.length, 6);
  });

  it('--raw prints the JSON result on one line', async () => {
    const run = await wmInspect(['--raw', ...at]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.trimEnd().split('\n').length, 1);
    const result = JSON.parse(run.stdout);
    assert.deepEqual(Object.keys(result), ['info', 'workers']);
    assert.equal(result.workers['WM-Server-0-0'].queue_depth, 3);
    const greet = await wmInspect(['greet', '--name=raw', '--raw', ...at]);
    assert.equal(greet.stdout, '"Hello, raw!"\n');
  });

  it('takes the options before or after the action, and defaults from WM_INSPECTOR_* env vars', async () => {
    const after = await wmInspect(['greet', '--name=after', ...at]);
    assert.equal(after.stdout, 'Hello, after!\n');
    const before = await wmInspect([...at, 'greet', '--name=before']);
    assert.equal(before.stdout, 'Hello, before!\n');
    const mixed = await wmInspect(['-p', String(app.inspectorPort), 'greet', '-k', KEY, '--name=mixed', '-H', '127.0.0.1']);
    assert.equal(mixed.stdout, 'Hello, mixed!\n');
    const fromEnv = await wmInspect(['greet', '--name=env'], { WM_INSPECTOR_HOST: '127.0.0.1', WM_INSPECTOR_PORT: String(app.inspectorPort), WM_INSPECTOR_API_KEY: KEY });
    assert.equal(fromEnv.code, 0, fromEnv.stderr);
    assert.equal(fromEnv.stdout, 'Hello, env!\n');
  });

  it('custom commands: positional args, --k=v, --flag, --no-flag', async () => {
    const sum = await wmInspect(['sum', '1', '2', '3', ...at]);
    assert.equal(sum.stdout, '6\n');
    const echo = await wmInspect(['echo', 'a', 'b', '--x=1', '--y=a=b', '--flag', '--no-other', '--dash-ed', ...at]);
    assert.equal(echo.code, 0, echo.stderr);
    assert.deepEqual(JSON.parse(echo.stdout), { kwargs: { x: '1', y: 'a=b', flag: true, other: false, dash_ed: true }, args: ['a', 'b'] });
    const nothing = await wmInspect(['nothing', ...at]);
    assert.deepEqual([nothing.code, nothing.stdout], [0, '']);
  });

  it('scale N, restart NAME --zero-downtime and reload say what they started', async () => {
    const scale = await wmInspect(['scale', '3', ...at]);
    assert.deepEqual([scale.code, scale.stdout], [0, 'Scaling to 3\n']);
    const restart = await wmInspect(['restart', 'WM-Server-0-0', '--zero-downtime', ...at]);
    assert.deepEqual([restart.code, restart.stdout], [0, 'Restarting WM-Server-0-0 (zero-downtime).\n']);
    const reload = await wmInspect(['reload', ...at]);
    assert.deepEqual([reload.code, reload.stdout], [0, 'Reloading every server worker.\n']);
    const zero = await wmInspect(['reload', '--zero-downtime', '--raw', ...at]);
    assert.deepEqual([zero.code, zero.stdout], [0, 'null\n']);
  });

  it('a refusal by the inspector is one line on stderr and exit 1', async () => {
    const unknown = await wmInspect(['restart', 'WM-Nope-0', ...at]);
    assert.equal(unknown.code, 1);
    assert.equal(unknown.stdout, '');
    assert.match(unknown.stderr, /^wm inspect: The inspector at http:\/\/127\.0\.0\.1:\d+ answered 404: No process named "WM-Nope-0"\. Known processes: .*\n$/);
    const command = await wmInspect(['nope', ...at]);
    assert.equal(command.code, 1);
    assert.match(command.stderr, /^wm inspect: .*answered 404: Unknown inspector action "nope"\. Known actions: reload, restart, scale, shutdown, greet, .*\n$/);
    const wrongKey = await wmInspect(['-H', '127.0.0.1', '-p', String(app.inspectorPort), '-k', 'wrong']);
    assert.equal(wrongKey.code, 1);
    assert.match(wrongKey.stderr, /^wm inspect: The inspector at http:\/\/127\.0\.0\.1:\d+ refused the API key \(401 Bad API key\)\..*\n$/);
  });

  it('bad usage exits 2 and says how to call it', async () => {
    for (const args of [['scale'], ['scale', 'x'], ['scale', '0'], ['restart'], ['reload', '--now'], ['shutdown', 'now'], ['-p'], ['-p', 'abc'], ['-z']]) {
      const run = await wmInspect([...args, ...(args[0] === '-p' ? [] : ['-p', String(app.inspectorPort)])]);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, /wm inspect/);
    }
  });

  it('shutdown stops the app', async () => {
    const run = await wmInspect(['shutdown', ...at]);
    assert.deepEqual([run.code, run.stdout], [0, 'Shutting the app down.\n']);
    assert.deepEqual(await app.exited, { code: 0, signal: null });
  });
});

describe('wm inspect with no inspector there', () => {
  it('prints one clear line naming host:port and exits 1', async () => {
    const port = await freePort();
    for (const args of [[], ['reload'], ['greet', '--name=x']]) {
      const run = await wmInspect([...args, '-p', String(port)]);
      assert.equal(run.code, 1);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, new RegExp(`^wm inspect: Cannot reach the inspector at http://localhost:${port}: connection refused \\(nothing listens there\\)\\. Is the app running with its inspector on .*\\?\\n$`));
    }
  });

  it('-s against a plain-HTTP inspector says so in one line', async () => {
    const app = await startInspected(['--workers', '1']);
    try {
      const run = await wmInspect(['-s', '-H', '127.0.0.1', '-p', String(app.inspectorPort)]);
      assert.equal(run.code, 1);
      assert.match(run.stderr, /^wm inspect: Cannot reach the inspector at https:\/\/127\.0\.0\.1:\d+: the TLS handshake failed: the inspector does not seem to use TLS \(drop tls \/ -s\)\.\n$/);
    } finally {
      await app.stop();
    }
  });
});

describe('wm inspect argument rules (as sanic inspect)', () => {
  it('turns --k=v, --flag, --no-flag into keyword arguments with Sanic\'s names', () => {
    const args = parseInspectArgs(['deploy', 'v2', '--env=prod', '--dry-run', '--no-cache', '-p', '7000', '--raw'], {});
    assert.equal(args.action, 'deploy');
    assert.deepEqual(args.positionals, ['v2']);
    assert.deepEqual(args.kwargs, { env: 'prod', dry_run: true, cache: false });
    assert.equal(args.port, 7000);
    assert.equal(args.raw, true);
    assert.equal(args.host, 'localhost');
  });

  it('reads defaults from WM_INSPECTOR_*; a wildcard bind address is reached over loopback', () => {
    const args = parseInspectArgs([], { WM_INSPECTOR_HOST: '0.0.0.0', WM_INSPECTOR_PORT: '7001', WM_INSPECTOR_API_KEY: 'k' });
    assert.deepEqual([args.action, args.host, args.port, args.apiKey], ['info', 'localhost', 7001, 'k']);
    assert.equal(parseInspectArgs(['-H', 'https://example.com'], {}).host, 'https://example.com');
    assert.equal(parseInspectArgs([], {}).secure, false);
    assert.equal(parseInspectArgs([], { WM_INSPECTOR_TLS_CERT: 'c.pem', WM_INSPECTOR_TLS_KEY: 'k.pem' }).secure, true, 'TLS as the app turns it on');
  });

  it('shows the app line with the runtime, and auto-reload in development mode', () => {
    const line = formatInfo({ app: 'a', mode: 'debug, w/ 1 worker', node: 'v20.0.0', 'auto-reload': 'enabled' }, 'http://localhost:6457');
    assert.equal(line, 'a · debug, w/ 1 worker · node v20.0.0 · auto-reload enabled · http://localhost:6457');
  });
});
