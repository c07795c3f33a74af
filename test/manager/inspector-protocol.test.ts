// WM-12: every row of inspector-protocol.md, over real HTTP against a real `wm serve --inspector` process tree.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { InspectorClient } from 'worker-manager';
import { alive, descendants, until } from '../helpers/manager-process';
import { assertError, call, record, resultOf, startInspected, Watched, type InspectedApp } from './inspector-helpers';

const ISO_WITH_OFFSET = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/;

describe('inspector protocol', () => {
  let app: InspectedApp;
  let base: string;
  let client: InspectorClient;
  const info = async () => resultOf(await call(base, 'GET', '/'), 'info');

  before(async () => {
    app = await startInspected(['--workers', '2']);
    base = app.inspectorUrl;
    client = new InspectorClient({ host: '127.0.0.1', port: app.inspectorPort });
  });
  after(async () => {
    client?.close();
    await app?.stop();
  });

  it('GET / answers {info, workers} in the envelope, with custom state keys', async () => {
    const result = await info();
    assert.deepEqual(Object.keys(result), ['info', 'workers']);
    const { info: i, workers } = result;
    assert.equal(i.app, 'inspected');
    assert.equal(i.mode, 'production, w/ 2 workers');
    assert.equal(i.node, process.version);
    assert.ok(Array.isArray(i.packages) && i.packages.some((p: string) => p.startsWith('worker-manager==')));
    assert.ok(i.extra.capabilities.includes('restart') && i.extra.capabilities.includes('events'), 'our extensions are advertised');
    assert.deepEqual(i.extra.commands, ['greet', 'sum', 'echo', 'nothing', 'fail', 'bigint']);
    assert.deepEqual(Object.keys(workers), ['WM-Main', 'WM-Server-0-0', 'WM-Server-1-0', 'WM-Inspector-0']);
    assert.deepEqual(workers['WM-Main'], { pid: app.pid });
    for (const name of ['WM-Server-0-0', 'WM-Server-1-0']) {
      const r = workers[name];
      assert.equal(r.server, true);
      assert.equal(r.state, 'ACKED');
      assert.equal(r.serving, true);
      assert.equal(r.starts, 1);
      assert.match(r.start_at, ISO_WITH_OFFSET);
      assert.ok(alive(r.pid));
      assert.equal(r.queue_depth, 3, 'a key the app set on its own state');
    }
    const inspector = workers['WM-Inspector-0'];
    assert.equal(inspector.server, false);
    assert.equal(inspector.state, 'STARTED');
    assert.equal(inspector.error, undefined);
  });

  it('POST /reload (plain, or an empty body) restarts every server worker stop-first; result null', async () => {
    const watched = new Watched(client);
    try {
      await watched.waitForMode('stream');
      const before = await info();
      const oldPid = before.workers['WM-Server-0-0'].pid;
      const from = watched.states.length;
      assert.equal(resultOf(await call(base, 'POST', '/reload', { body: { zero_downtime: false } }), 'reload'), null);
      // Stop-first: by the time the replacement exists, the old process is gone.
      const starting = await watched.waitFor((s) => record(s, 'WM-Server-0-0')?.pid !== oldPid, 'a new WM-Server-0-0', from);
      assert.equal(alive(oldPid), false, 'the old worker stopped before its replacement started');
      assert.ok(starting.state);
      const done = await watched.waitFor((s) => ['WM-Server-0-0', 'WM-Server-1-0'].every((n) => record(s, n)?.starts === 2 && record(s, n)?.state === 'ACKED'), 'both reloaded');
      assert.match(record(done.state, 'WM-Server-0-0')!.restart_at, ISO_WITH_OFFSET);

      assert.equal(resultOf(await call(base, 'POST', '/reload'), 'reload'), null, 'no body at all');
      await watched.waitFor((s) => ['WM-Server-0-0', 'WM-Server-1-0'].every((n) => record(s, n)?.starts === 3 && record(s, n)?.state === 'ACKED'), 'reloaded again');
    } finally {
      watched.close();
    }
  });

  it('POST /reload {"zero_downtime": true} starts each replacement before the old worker stops', async () => {
    const watched = new Watched(client);
    try {
      await watched.waitForMode('stream');
      const oldPid = (await info()).workers['WM-Server-1-0'].pid;
      assert.equal(resultOf(await call(base, 'POST', '/reload', { body: { zero_downtime: true } }), 'reload'), null);
      await watched.waitFor((s) => record(s, 'WM-Server-1-0')?.pid !== oldPid, 'a new WM-Server-1-0');
      assert.equal(alive(oldPid), true, 'the old worker still runs while its replacement starts');
      await watched.waitFor((s) => ['WM-Server-0-0', 'WM-Server-1-0'].every((n) => record(s, n)?.state === 'ACKED' && record(s, n)?.serving === true && record(s, n)?.pid !== oldPid), 'replacements serving');
      await until(() => !alive(oldPid), 'the old worker exits after the handover');
    } finally {
      watched.close();
    }
  });

  it('POST /scale {"replicas": N} answers "Scaling to N" and the workers follow', async () => {
    const watched = new Watched(client);
    try {
      assert.equal(resultOf(await call(base, 'POST', '/scale', { body: { replicas: 3 } }), 'scale'), 'Scaling to 3');
      const up = await watched.waitFor((s) => record(s, 'WM-Server-2-0')?.state === 'ACKED', 'a third worker');
      assert.equal(up.state.info.mode, 'production, w/ 3 workers');
      assert.equal(resultOf(await call(base, 'POST', '/scale', { body: { replicas: '2' } }), 'scale'), 'Scaling to 2', 'Sanic takes "2" too');
      await watched.waitFor((s) => record(s, 'WM-Server-2-0')?.state === 'TERMINATED', 'back to two');
    } finally {
      watched.close();
    }
  });

  it('POST /scale without replicas, or not a whole number, is 400 saying what to send (Sanic: 500)', async () => {
    const before = Object.keys((await info()).workers);
    for (const body of [undefined, {}, { replicas: 'abc' }, { replicas: 2.5 }, { replicas: true }, { replicas: null }]) {
      assertError(await call(base, 'POST', '/scale', { body }), 400, /scale needs "replicas", a whole number of server workers .*e\.g\. \{"replicas": 4\}/);
    }
    assertError(await call(base, 'POST', '/scale', { body: { replicas: 2, extra: 1 } }), 400, /scale takes only "replicas"; got "extra"/);
    assertError(await call(base, 'POST', '/scale', { body: [3] }), 400, /must be a JSON object of keyword arguments/);
    assert.deepEqual(Object.keys((await info()).workers), before, 'nothing changed');
  });

  it('POST /scale with fewer than one replica scales to one, as Sanic does ("Scaling to 1")', async () => {
    const watched = new Watched(client);
    try {
      const records = (s: { workers: object }) => Object.values(s.workers) as { server?: boolean; state?: string }[];
      const servers = (s: { workers: object }) => records(s).filter((r) => r.server && r.state !== 'TERMINATED').length;
      for (const replicas of [0, -3]) {
        assert.equal(resultOf(await call(base, 'POST', '/scale', { body: { replicas } }), 'scale'), 'Scaling to 1');
        await watched.waitFor((s) => servers(s) === 1, `one server worker after scale ${replicas}`);
        assert.equal(resultOf(await call(base, 'POST', '/scale', { body: { replicas: 2 } }), 'scale'), 'Scaling to 2');
        await watched.waitFor((s) => servers(s) === 2 && records(s).filter((r) => r.server && r.state === 'ACKED').length === 2, 'two again');
      }
    } finally {
      watched.close();
    }
  });

  it('POST /restart (ours) restarts named processes; unknown names are 404 naming the known ones', async () => {
    const watched = new Watched(client);
    try {
      const before = (await info()).workers;
      const result = resultOf(await call(base, 'POST', '/restart', { body: { names: ['WM-Server-0-0'], zero_downtime: true } }), 'restart');
      assert.deepEqual(result, ['WM-Server-0-0']);
      const done = await watched.waitFor((s) => record(s, 'WM-Server-0-0')?.starts === before['WM-Server-0-0'].starts + 1 && record(s, 'WM-Server-0-0')?.state === 'ACKED', 'restarted');
      assert.equal(record(done.state, 'WM-Server-1-0')!.pid, before['WM-Server-1-0'].pid, 'the other worker was left alone');

      assertError(await call(base, 'POST', '/restart', { body: { names: ['WM-Server-9-0'] } }), 404, /No process named "WM-Server-9-0"\. Known processes: WM-Server-0-0, WM-Server-1-0, .*WM-Inspector-0/);
      assertError(await call(base, 'POST', '/restart', { body: {} }), 400, /restart needs "names", a list of process names/);
      assertError(await call(base, 'POST', '/restart', { body: { names: ['WM-Server-0-0'], zero_downtime: 'yes' } }), 400, /"zero_downtime" must be true or false/);
    } finally {
      watched.close();
    }
  });

  it('custom commands: keyword arguments from the body, positional ones from "args", sync or async; the value is the result; a WorkerManagerError is a 400', async () => {
    assert.equal(resultOf(await call(base, 'POST', '/greet', { body: { name: 'inspector' } }), 'greet'), 'Hello, inspector!');
    assert.equal(resultOf(await call(base, 'POST', '/greet'), 'greet'), 'Hello, world!');
    assert.equal(resultOf(await call(base, 'POST', '/sum', { body: { args: [1, 2, '3'] } }), 'sum'), 6, 'async, positional');
    assert.deepEqual(resultOf(await call(base, 'POST', '/echo', { body: { x: '1', flag: true, other: false, args: ['a', 'b'] } }), 'echo'), {
      kwargs: { x: '1', flag: true, other: false },
      args: ['a', 'b'],
    });
    assert.equal(resultOf(await call(base, 'POST', '/nothing'), 'nothing'), null);
    assertError(await call(base, 'POST', '/echo', { body: { args: 'a' } }), 400, /"args" holds the positional arguments of echo and must be a JSON array/);
    assertError(await call(base, 'POST', '/sum', { body: { args: [1, 'x'] } }), 400, 'sum: every argument must be a number (got "x"). e.g. wm inspect sum 1 2 3');
    assertError(await call(base, 'POST', '/fail'), 500, 'The command "fail" failed: the fixture command failed on purpose');
    assertError(await call(base, 'POST', '/bigint'), 500, /The command "bigint" returned a value that cannot be sent as JSON/);
    assert.equal(resultOf(await call(base, 'POST', '/greet', { body: { name: 'still up' } }), 'greet'), 'Hello, still up!', 'a failing command does not take the inspector down');
  });

  it('GET /<action> is 405 with Allow: POST; other methods too; POST / is 405 with Allow: GET', async () => {
    for (const path of ['/reload', '/scale', '/shutdown', '/greet', '/anything']) {
      const answer = await call(base, 'GET', path);
      assertError(answer, 405, /Actions are run with POST/);
      assert.equal(answer.headers.allow, 'POST');
    }
    const put = await call(base, 'PUT', '/reload');
    assertError(put, 405, /POST \/reload/);
    assert.equal(put.headers.allow, 'POST');
    const postRoot = await call(base, 'POST', '/');
    assertError(postRoot, 405, /GET \/ reads the state/);
    assert.equal(postRoot.headers.allow, 'GET, HEAD');
  });

  it('POST /a/b (any deeper path) is 404', async () => {
    assertError(await call(base, 'POST', '/a/b'), 404, /Nothing at \/a\/b\. The inspector serves GET \/, GET \/events and POST \/<action>/);
    assertError(await call(base, 'GET', '/reload/now'), 404, /Nothing at/);
  });

  it('a body that is not JSON is 400 "Failed when parsing body as json"', async () => {
    for (const body of ['{"zero_downtime": tru', '{', 'zero_downtime=true']) {
      assertError(await call(base, 'POST', '/reload', { body, headers: { 'content-type': 'application/json' } }), 400, 'Failed when parsing body as json');
    }
  });

  it('an unknown action is 404 naming the known ones (Sanic: 200/null); nothing else is reachable', async () => {
    assertError(await call(base, 'POST', '/nope'), 404, 'Unknown inspector action "nope". Known actions: reload, restart, scale, shutdown, greet, sum, echo, nothing, fail, bigint; GET / for the state.');
    // Sanic's underscore methods and anything an object inherits are not actions here.
    for (const name of ['_state_to_json', 'constructor', '__proto__', 'toString', 'hasOwnProperty', 'info', 'events']) {
      const answer = await call(base, 'POST', `/${name}`);
      assert.ok(answer.status === 404 || (name === 'events' && answer.status === 405), `${name}: ${answer.status} ${answer.text}`);
    }
  });

  it('GET /events streams the state at once, then after each change (ours)', async () => {
    const events: { data: any; at: bigint }[] = [];
    const controller = new AbortController();
    const response = await fetch(`${base}/events`, { signal: controller.signal });
    try {
      assert.equal(response.status, 200);
      assert.match(String(response.headers.get('content-type')), /^text\/event-stream/);
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      const readUntil = async (predicate: (data: any) => boolean) => {
        for (;;) {
          const found = events.find((e) => predicate(e.data));
          if (found) return found;
          const { value, done } = await reader.read();
          assert.equal(done, false, 'the stream ended');
          buffer += value;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = block.split('\n').find((l) => l.startsWith('data: '));
            if (block.includes('event: state') && data) events.push({ data: JSON.parse(data.slice(6)), at: process.hrtime.bigint() });
          }
        }
      };
      const first = await readUntil(() => true);
      assert.deepEqual(Object.keys(first.data), ['info', 'workers']);
      assert.equal(first.data.info.app, 'inspected');
      const stamped = (await fetch(`${app.url}/state?stamp=1`).then((r) => r.json())) as { name: string };
      const seen = await readUntil((d) => d.workers[stamped.name]?.stamp !== undefined);
      // Pushed, not polled: well under the second a poll would take (the 100 ms figure is timed in the client tests).
      const ms = Number(seen.at - BigInt(seen.data.workers[stamped.name].stamp)) / 1e6;
      assert.ok(ms < 1000, `the change reached the stream in ${ms.toFixed(1)} ms`);
    } finally {
      controller.abort();
    }
  });
  it('GET /events sends a heartbeat comment at the period asked (?heartbeat=ms), and refuses a silly one', async () => {
    const controller = new AbortController();
    try {
      const response = await fetch(`${base}/events?heartbeat=100`, { signal: controller.signal });
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
      let text = '';
      const started = Date.now();
      while ((text.match(/^: ping$/gm) ?? []).length < 3) text += (await reader.read()).value;
      const elapsed = Date.now() - started;
      assert.match(text, /^retry: 1000\n: heartbeat 100\n\n/);
      assert.ok(elapsed >= 250 && elapsed < 2000, `three heartbeats in ${elapsed} ms`);
    } finally {
      controller.abort();
    }
    assertError(await call(base, 'GET', '/events?heartbeat=5'), 400, /heartbeat must be a whole number of milliseconds between 100 and 60000/);
    assertError(await call(base, 'POST', '/events'), 405, /GET \/events is the change stream/);
  });

  it('HEAD / answers the headers of GET / without a body', async () => {
    const answer = await call(base, 'HEAD', '/');
    assert.equal(answer.status, 200);
    assert.match(String(answer.headers['content-type']), /^application\/json/);
    assert.equal(answer.text, '');
  });
});

describe('inspector protocol: shutdown', () => {
  it('POST /shutdown answers null and the whole app exits with status 0, leaving no process behind', async () => {
    const app = await startInspected(['--workers', '2']);
    try {
      const pids = descendants(app.pid);
      assert.ok(pids.length >= 3, `workers and inspector run: ${pids}`);
      assert.equal(resultOf(await call(app.inspectorUrl, 'POST', '/shutdown'), 'shutdown'), null);
      const exit = await app.exited;
      assert.deepEqual(exit, { code: 0, signal: null });
      await until(() => pids.every((pid) => !alive(pid)), 'every process of the app gone');
    } finally {
      await app.stop();
    }
  });
});
