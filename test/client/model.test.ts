import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { InspectorEndpoint, InspectorState } from 'wm-vscode-client/out/workers/inspector';
import { WorkersModel } from 'wm-vscode-client/out/workers/model';
import { FakeClock, FakeInspector, flush } from './fakes';
import wmJson from './fixtures/wm-info.json';

const recorded = wmJson as unknown as InspectorState;
const endpoint: InspectorEndpoint = { host: '127.0.0.1', port: 6457, apiKey: 'k' };

function setup(opts: { updates?: 'auto' | 'poll'; origin?: 'launched' | 'configured' } = {}) {
  const clock = new FakeClock();
  const inspectors: FakeInspector[] = [];
  const endpoints: InspectorEndpoint[] = [];
  const model = new WorkersModel((e) => {
    endpoints.push(e);
    const i = new FakeInspector();
    inspectors.push(i);
    return i;
  }, { clock, pollMs: 1000, initialBackoffMs: 1000, maxBackoffMs: 8000, launchGraceMs: 5000 });
  const changes: Array<string | undefined> = [];
  model.onDidChange((id) => changes.push(id));
  model.add({ id: 'a', name: 'app.js', origin: opts.origin ?? 'configured', endpoint, updates: opts.updates });
  return { model, clock, inspector: inspectors[0], endpoints, changes };
}

test('an added app follows its inspector through watch() and goes live on the first state', () => {
  const { model, inspector, endpoints, changes } = setup();
  assert.deepEqual(endpoints, [endpoint]);
  assert.equal(model.get('a')?.status, 'connecting');
  assert.equal(inspector.open.length, 1);
  assert.equal(inspector.open[0].opts.pollMs, 1000);
  inspector.push(recorded);
  const app = model.get('a')!;
  assert.equal(app.status, 'live');
  assert.deepEqual(app.state, recorded);
  assert.deepEqual(changes, [undefined, 'a']);
});

test('only real changes are announced', () => {
  const { inspector, changes } = setup();
  inspector.push(recorded);
  inspector.push(recorded);
  const moved = structuredClone(recorded);
  moved.workers['WM-Server-10-0'].state = 'ACKED';
  inspector.push(moved);
  assert.deepEqual(changes, [undefined, 'a', 'a']);
});

test('the update mode the client reports is kept', () => {
  const { model, inspector, changes } = setup();
  inspector.open[0].opts.onMode?.('stream');
  assert.equal(model.get('a')?.mode, 'stream');
  inspector.open[0].opts.onMode?.('stream');
  assert.deepEqual(changes, [undefined, 'a']);
});

test('an unreachable inspector is marked so and retried with growing backoff, capped', async () => {
  const { model, clock, inspector } = setup();
  inspector.push(recorded);
  inspector.fail('connect ECONNREFUSED 127.0.0.1:6457');
  let app = model.get('a')!;
  assert.equal(app.status, 'unreachable');
  assert.equal(app.error, 'connect ECONNREFUSED 127.0.0.1:6457');
  assert.equal(app.retryAt, clock.now() + 1000);
  assert.equal(inspector.open.length, 0, 'the failed watch is closed');
  const delays: number[] = [];
  for (let i = 0; i < 5; i++) {
    delays.push(clock.pending[0]);
    await clock.advance(clock.pending[0]);
    assert.equal(inspector.open.length, 1, 'reconnected');
    inspector.fail('still down');
  }
  assert.deepEqual(delays, [1000, 2000, 4000, 8000, 8000]);
  await clock.advance(clock.pending[0]);
  inspector.push(recorded);
  app = model.get('a')!;
  assert.equal(app.status, 'live');
  assert.equal(app.error, undefined);
  inspector.fail('down again');
  assert.equal(clock.pending[0], 1000, 'a successful state resets the backoff');
});

test('a launched app stays "connecting" and retries quickly while its inspector starts', async () => {
  const { model, clock, inspector } = setup({ origin: 'launched' });
  inspector.fail('ECONNREFUSED');
  assert.equal(model.get('a')?.status, 'connecting');
  assert.equal(clock.pending[0], 250);
  await clock.advance(5000);
  inspector.fail('ECONNREFUSED');
  assert.equal(model.get('a')?.status, 'unreachable', 'after the grace period it is unreachable like any other');
});

test('late callbacks of a replaced subscription are ignored', async () => {
  const { model, inspector } = setup();
  const old = inspector.open[0];
  inspector.fail('down');
  old.onState(recorded);
  assert.equal(model.get('a')?.status, 'unreachable');
});

test('an error reported inside watch() itself does not leave a watcher open', async () => {
  const clock = new FakeClock();
  const inspector = new FakeInspector();
  inspector.watch = (onState, opts = {}) => {
    const w = { onState, opts, closed: false };
    inspector.watchers.push(w);
    opts.onError?.(new Error('sync failure'));
    return { close: () => void (w.closed = true) };
  };
  const model = new WorkersModel(() => inspector, { clock });
  model.add({ id: 'x', name: 'x', origin: 'configured', endpoint });
  assert.equal(model.get('x')?.status, 'unreachable');
  assert.equal(inspector.open.length, 0);
});

test("updates 'poll' reads info() every pollMs instead of watching", async () => {
  const { model, clock, inspector } = setup({ updates: 'poll' });
  assert.equal(inspector.watchers.length, 0);
  await clock.advance(0);
  assert.equal(model.get('a')?.status, 'unreachable', 'the first info() failed (nothing listens yet)');
  inspector.next = recorded;
  await clock.advance(1000);
  assert.equal(model.get('a')?.status, 'live');
  assert.equal(model.get('a')?.mode, 'poll');
  const before = inspector.infoCalls;
  await clock.advance(3000);
  assert.equal(inspector.infoCalls - before, 3);
  inspector.next = new Error('ECONNRESET');
  await clock.advance(1000);
  assert.equal(model.get('a')?.status, 'unreachable');
});

test('refresh reconnects at once; stop and remove close the subscription', async () => {
  const { model, clock, inspector, changes } = setup();
  inspector.fail('down');
  assert.equal(clock.pending[0], 1000);
  model.refresh('a');
  assert.equal(inspector.open.length, 1);
  assert.deepEqual(clock.pending, []);
  model.markStopped('a');
  assert.equal(model.get('a')?.status, 'stopped');
  assert.equal(inspector.open.length, 0);
  model.refresh('a');
  assert.equal(inspector.open.length, 0, 'a stopped app is not reconnected');
  model.remove('a');
  assert.equal(model.get('a'), undefined);
  assert.equal(changes.at(-1), undefined);
  await flush();
});

test('adding an app with a known id replaces it', () => {
  const { model, inspector } = setup();
  model.add({ id: 'a', name: 'renamed', origin: 'configured', endpoint: { ...endpoint, port: 7000 } });
  assert.equal(inspector.open.length, 0);
  assert.equal(model.list().length, 1);
  assert.equal(model.get('a')?.name, 'renamed');
});

test('an endpoint no client can be made for (an unreadable CA file) is an unreachable app with the reason, not an exception', async () => {
  const clock = new FakeClock();
  const model = new WorkersModel((e) => {
    if (e.ca) throw new Error(`Cannot read the CA certificate ${e.ca}`);
    return new FakeInspector();
  }, { clock, initialBackoffMs: 1000, maxBackoffMs: 8000 });
  assert.doesNotThrow(() => model.add({ id: 'bad', name: 'remote', origin: 'configured', endpoint: { ...endpoint, tls: true, ca: '/nope.pem' } }));
  model.add({ id: 'good', name: 'local', origin: 'configured', endpoint });
  const bad = model.get('bad')!;
  assert.equal(bad.status, 'unreachable');
  assert.equal(bad.error, 'Cannot read the CA certificate /nope.pem');
  assert.ok(bad.retryAt !== undefined, 'retried: the file may appear');
  assert.equal(model.get('good')?.status, 'connecting', 'the other apps are followed as usual');
  await assert.rejects(model.inspector('bad')!.reload(), /Cannot read the CA certificate/);
});
