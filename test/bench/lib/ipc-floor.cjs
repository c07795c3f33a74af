// The IPC floor for the shared-context primitives: a forked child (like a worker) makes round trips to its parent
// (like the manager), which answers each message at once, with the same (advanced) serialization and message shape
// as a primitive call. On { go: n } the child makes n round trips and reports { rate } (round trips per second).
'use strict';
const roundTrip = (m) =>
  new Promise((resolve) => {
    process.once('message', resolve);
    process.send(m);
  });

process.on('message', async (m) => {
  if (!m || !m.go) return;
  const t0 = performance.now();
  for (let i = 0; i < m.go; i++) await roundTrip({ t: 'call', id: i, method: 'shared', params: { id: 1, op: 'add', args: [1] } });
  process.send({ rate: (m.go / (performance.now() - t0)) * 1000 });
});
process.send({ ready: true });
