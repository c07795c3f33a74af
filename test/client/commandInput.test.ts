import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { parseAddress, parseCommandArguments, validateReplicas } from 'wm-vscode-client/out/workers/commandInput';

test('scale accepts whole numbers from 1 to 256', () => {
  for (const ok of ['1', '4', ' 12 ', '256']) assert.equal(validateReplicas(ok), undefined, ok);
  for (const bad of ['', '0', '-1', '2.5', 'four', '257', '1e3']) assert.ok(validateReplicas(bad), bad);
});

test("custom-command arguments read like Sanic's CLI", () => {
  assert.deepEqual(parseCommandArguments(''), { args: [], kwargs: {} });
  assert.deepEqual(parseCommandArguments('a b --x=1 --flag --no-other'), { args: ['a', 'b'], kwargs: { x: '1', flag: true, other: false } });
  assert.deepEqual(parseCommandArguments('--name="two words" \'single quoted\' --dash-key=v'), { args: ['single quoted'], kwargs: { name: 'two words', dash_key: 'v' } });
  assert.deepEqual(parseCommandArguments('--empty= "a \\"q\\""'), { args: ['a "q"'], kwargs: { empty: '' } });
});

test('Connect to Inspector reads host:port, IPv6 in brackets', () => {
  assert.deepEqual(parseAddress('127.0.0.1:6457'), { host: '127.0.0.1', port: 6457 });
  assert.deepEqual(parseAddress(' inspector.internal:443 '), { host: 'inspector.internal', port: 443 });
  assert.deepEqual(parseAddress('[::1]:6457'), { host: '::1', port: 6457 });
  for (const bad of ['', 'localhost', ':6457', 'host:0', 'host:70000', '::1:6457', 'a b:1', 'host:12a']) assert.equal(parseAddress(bad), undefined, bad);
});
