// Attach Debugger by pid: SIGUSR1 opens a running Node process's inspector. Real processes and sockets.
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import * as net from 'node:net';
import { test } from 'node:test';
import { listeningPortOwner, openInspectorByPid } from 'wm-vscode-client/out/launch/nodeInspect';
import { freePort } from 'wm-vscode-client/out/launch/portsAndKeys';

/** A Node process that idles; SIGUSR1 opens its inspector on `inspectPort` (as 9229 would be by default). */
async function idler(inspectPort: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [`--inspect-port=127.0.0.1:${inspectPort}`, '-e', 'setInterval(() => {}, 1000); console.log("up")'], { stdio: ['ignore', 'pipe', 'ignore'] });
  await once(child.stdout!, 'data');
  return child;
}

test('listeningPortOwner names the process that holds a listening port', async () => {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const { port } = server.address() as net.AddressInfo;
    assert.equal(listeningPortOwner(port), process.pid);
    assert.equal(listeningPortOwner(port, 1), process.pid, 'a wrong candidate is looked past');
  } finally {
    server.close();
  }
  assert.equal(listeningPortOwner(await freePort()), undefined, 'nobody listens there');
});

test('attaching to the same worker twice reuses its open inspector; another process cannot take the port', async () => {
  const port = await freePort();
  const first = await idler(port);
  const second = await idler(port);
  try {
    assert.equal(await openInspectorByPid(first.pid!, 5000, port), port);
    assert.equal(listeningPortOwner(port, first.pid), first.pid);
    // Node keeps the inspector open after a debugger detaches: a second attach finds it held by the same pid.
    assert.equal(await openInspectorByPid(first.pid!, 5000, port), port);
    await assert.rejects(openInspectorByPid(second.pid!, 5000, port), new RegExp(`port ${port} is taken by pid ${first.pid}`));
  } finally {
    first.kill();
    second.kill();
  }
});
