// `npm run bench`: our manager against real peers, in one run, on this machine.
//   node test/bench/run.mjs [--quick] [--only startup,throughput,reload,shared,inspector,lsp]
// Peers: Node's cluster (round-robin and SCHED_NONE, hand-rolled graceful reload: peers/cluster.js), PM2 7 from
// npm in cluster mode (`pm2 reload`, private PM2_HOME, `pm2 kill` at the end), and for one process plain node.
// Load: autocannon 8 (programmatic API) in a child process (lib/load.mjs), 127.0.0.1 only, bounded in time.
// Writes test/bench/results/bench.{md,json} and reload-latency.svg; folds in the inspector's and the language
// server's own benchmarks (test/bench/inspector.mjs, test/bench/lsp.mjs) when they are there.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runLoad } from './lib/load-driver.mjs';
import { clusterNone, clusterRr, nowMs, ours, Pm2, ROOT, single, launch } from './lib/peers.mjs';
import { alive, cpuBetween, loadAverage, treeCpu, treeRss } from './lib/proc.mjs';
import { reloadLatencySvg } from './lib/svg.mjs';

const { values: args } = parseArgs({ options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } } });
const QUICK = args.quick;
const ONLY = args.only ? new Set(args.only.split(',')) : undefined;
const want = (section) => !ONLY || ONLY.has(section);
const RESULTS = join(ROOT, 'test', 'bench', 'results');
const P = {
  startupReps: QUICK ? 3 : 7,
  startupWorkers: [1, 2, 4],
  tpRounds: QUICK ? 2 : 8,
  tpSeconds: QUICK ? 2 : 3,
  tpWarmupSeconds: 0.5,
  tpConnections: 64,
  reloads: QUICK ? 1 : 3,
  reloadWorkers: 4,
  reloadConnections: 64,
  reloadLeadMs: 2000,
  reloadTailMs: 1500,
  sharedOps: QUICK ? 500 : 2000,
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (...a) => process.stderr.write(`[bench] ${a.join(' ')}\n`);
const median = (a) => {
  const s = a.filter((x) => x !== undefined && !Number.isNaN(x)).sort((x, y) => x - y);
  if (s.length === 0) return undefined;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const quantile = (a, q) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] : undefined;
};
const r1 = (x) => (x === undefined ? undefined : Math.round(x * 10) / 10);
const r2 = (x) => (x === undefined ? undefined : Math.round(x * 100) / 100);
const mb = (bytes) => r1(bytes / 1024 / 1024);
const rotate = (list, k) => list.map((_, i) => list[(i + k) % list.length]);

/** 95% bootstrap interval of the median of `xs` (deterministic seed, 2000 resamples). */
function bootstrapMedianCi(xs) {
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const medians = [];
  for (let b = 0; b < 2000; b++) medians.push(median(xs.map(() => xs[Math.floor(rand() * xs.length)])));
  medians.sort((a, b) => a - b);
  return [medians[Math.floor(0.025 * medians.length)], medians[Math.floor(0.975 * medians.length)]];
}

/** The commit measured, and whether the manager's sources differed from it (a shared checkout). */
function gitInfo() {
  const git = (...a) => spawnSync('git', a, { cwd: ROOT, encoding: 'utf8' }).stdout?.trim() ?? '';
  const dirty = git('status', '--porcelain', '--', 'manager/src').split('\n').filter(Boolean);
  return { head: git('rev-parse', '--short', 'HEAD'), managerSourcesModified: dirty.map((l) => l.slice(3)) };
}

const pm2 = new Pm2();
const results = {
  date: new Date().toISOString(),
  machine: {
    cpus: os.cpus().length,
    model: os.cpus()[0]?.model,
    memoryGb: r1(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    autocannon: JSON.parse(readFileSync(join(ROOT, 'node_modules', 'autocannon', 'package.json'), 'utf8')).version,
    pm2: JSON.parse(readFileSync(join(ROOT, 'node_modules', 'pm2', 'package.json'), 'utf8')).version,
  },
  commit: gitInfo(),
  parameters: P,
  loadAverage: { start: loadAverage() },
};

/** Stops every peer in `running` even when a step failed. */
async function stopAll(running) {
  for (const peer of running) {
    try {
      await peer.stop();
    } catch (error) {
      log(`stopping a peer failed: ${error.message}`);
    }
  }
}

// ------------------------------------------------------------------ start-up

async function startup() {
  const defs = [ours, clusterRr, clusterNone, pm2];
  const out = [];
  for (const workers of P.startupWorkers) {
    const samples = Object.fromEntries(defs.map((d) => [d.id, []]));
    const cpu = Object.fromEntries(defs.map((d) => [d.id, []]));
    for (let rep = 0; rep < P.startupReps; rep++) {
      for (const def of rotate(defs, rep)) {
        const peer = await def.start({ workers });
        samples[def.id].push(peer.startupMs);
        // CPU spent by the whole tree to get there (the daemon excluded for PM2: it was up already).
        const tree = def === pm2 ? peer.workerPids().map((p) => treeCpu(p)) : [treeCpu(peer.mainPid)];
        cpu[def.id].push(tree.reduce((s, m) => s + cpuBetween(new Map(), m), 0));
        await peer.stop();
      }
    }
    for (const def of defs) {
      out.push({
        peer: def.id,
        label: def.label,
        workers,
        medianMs: r1(median(samples[def.id])),
        minMs: r1(Math.min(...samples[def.id])),
        maxMs: r1(Math.max(...samples[def.id])),
        samplesMs: samples[def.id].map(r1),
        cpuMsMedian: median(cpu[def.id]),
      });
    }
    const get = (id) => out.find((r) => r.peer === id && r.workers === workers);
    const bestCluster = Math.min(get('cluster-rr').medianMs, get('cluster-none').medianMs);
    const row = get('ours');
    row.ratioToCluster = r2(row.medianMs / bestCluster);
    // Paired per repetition (the peers of one repetition ran back to back) against the faster cluster policy of it.
    const ratios = samples.ours.map((ms, i) => ms / Math.min(samples['cluster-rr'][i], samples['cluster-none'][i]));
    const ci = bootstrapMedianCi(ratios);
    row.pairedRatioMedian = r2(median(ratios));
    row.pairedRatioCi95 = ci.map(r2);
    row.cpuRatio = r2(row.cpuMsMedian / Math.min(get('cluster-rr').cpuMsMedian, get('cluster-none').cpuMsMedian));
    row.goalMet = row.pairedRatioMedian <= 1.2 ? true : ci[0] <= 1.2 ? 'noise' : false;
    log(`start-up N=${workers}: ours ${row.medianMs} ms, cluster rr ${get('cluster-rr').medianMs}, none ${get('cluster-none').medianMs}, pm2 ${get('pm2').medianMs} (ratio ${row.ratioToCluster})`);
  }
  return out;
}

// ------------------------------------------------------------------ throughput, latency, memory

async function measureLoad(peer, warmupS = P.tpWarmupSeconds) {
  await runLoad({ url: peer.url, connections: P.tpConnections, durationS: warmupS });
  const cpuBefore = treeCpu(peer.mainPid);
  const { summary } = await runLoad({ url: peer.url, connections: P.tpConnections, durationS: P.tpSeconds });
  const cpuMs = cpuBetween(cpuBefore, treeCpu(peer.mainPid));
  return { ...summary, serverCpuMs: cpuMs, cpuUsPerRequest: summary.requests ? (cpuMs * 1000) / summary.requests : undefined };
}

async function throughput() {
  const configs = [
    { workers: 0, defs: [ours, single] },
    { workers: 2, defs: [ours, clusterRr, clusterNone, pm2] },
    { workers: 4, defs: [ours, clusterRr, clusterNone, pm2] },
  ];
  const rows = [];
  const memory = [];
  for (const { workers, defs } of configs) {
    const running = [];
    try {
      const peers = [];
      for (const def of defs) {
        const peer = await def.start({ workers });
        running.push(peer);
        peers.push({ def, peer });
      }
      await sleep(1000);
      const idle = new Map(peers.map(({ def, peer }) => [def.id, treeRss(peer.mainPid)]));
      const runs = Object.fromEntries(defs.map((d) => [d.id, []]));
      for (const { peer } of peers) await runLoad({ url: peer.url, connections: P.tpConnections, durationS: 2 });
      for (let round = 0; round < P.tpRounds; round++) {
        for (const { def, peer } of rotate(peers, round)) {
          const m = await measureLoad(peer);
          m.loadAverage = loadAverage()[0];
          runs[def.id].push(m);
          log(`throughput ${workers || 'single'} ${def.id} round ${round + 1}: ${Math.round(m.rps)} req/s, p50 ${m.latency.p50} ms, p99 ${m.latency.p99} ms, ${r1(m.cpuUsPerRequest)} µs CPU/req`);
        }
      }
      for (const { def, peer } of peers) {
        const list = runs[def.id];
        rows.push({
          peer: def.id,
          label: def.id === 'ours' && workers === 0 ? 'ours (--single-process)' : def.label,
          workers,
          rps: Math.round(median(list.map((m) => m.rps))),
          rpsRounds: list.map((m) => Math.round(m.rps)),
          p50Ms: median(list.map((m) => m.latency.p50)),
          p99Ms: median(list.map((m) => m.latency.p99)),
          cpuUsPerRequest: r1(median(list.map((m) => m.cpuUsPerRequest))),
          errors: list.reduce((s, m) => s + m.errors + m.non2xx, 0),
        });
        if (workers === 4) {
          const loaded = treeRss(peer.mainPid);
          const i = idle.get(def.id);
          memory.push({
            peer: def.id,
            label: def.label,
            mainRole: def === pm2 ? 'PM2 daemon' : def.id === 'ours' ? 'manager' : 'cluster primary',
            idleMainMb: mb(i.self),
            idleTreeMb: mb(i.tree),
            loadedMainMb: mb(loaded.self),
            loadedTreeMb: mb(loaded.tree),
            processes: loaded.processes,
          });
        }
      }
      const get = (id) => rows.find((r) => r.peer === id && r.workers === workers);
      const ourRow = get('ours');
      const best = workers === 0 ? get('node-single') : get('cluster-rr').rps >= get('cluster-none').rps ? get('cluster-rr') : get('cluster-none');
      // Rounds are interleaved, so round i of ours and of the best peer saw about the same machine: paired ratios.
      const ratios = runs.ours.map((m, i) => m.rps / runs[best.peer][i].rps);
      const ci = bootstrapMedianCi(ratios);
      Object.assign(ourRow, {
        ratio: r2(ourRow.rps / best.rps),
        pairedRatioMedian: r2(median(ratios)),
        pairedRatioCi95: ci.map(r2),
        comparedTo: workers === 0 ? 'plain node' : best.label,
      });
      // Met: at least equal. Within noise: the 95% interval of the paired ratio holds 1. Missed: all of it below 1.
      if (workers > 0) ourRow.goalMet = ourRow.pairedRatioMedian >= 1 ? true : ci[1] >= 1 ? 'noise' : false;
    } finally {
      await stopAll(running);
    }
  }
  const daemon = memory.find((m) => m.peer === 'pm2');
  const mine = memory.find((m) => m.peer === 'ours');
  if (daemon && mine) mine.goalMet = mine.loadedMainMb < daemon.loadedMainMb && mine.idleMainMb < daemon.idleMainMb;
  return { rows, memory };
}

// ------------------------------------------------------------------ zero-downtime reload under load

async function reloadOnce(def, peer) {
  const workers = P.reloadWorkers;
  const result = await runLoad(
    { url: peer.url, connections: P.reloadConnections, durationS: 60, account: true },
    async ({ startedAt }) => {
      await sleep(P.reloadLeadMs);
      const old = peer.workerPids();
      if (old.length !== workers) throw new Error(`${def.id}: ${old.length} workers before the reload, expected ${workers}`);
      const trigger = nowMs();
      const cli = peer.reload();
      const deadline = trigger + 45_000;
      let done;
      for (;;) {
        const current = peer.workerPids();
        if (!old.some(alive) && current.length >= workers && current.every((p) => !old.includes(p))) {
          done = nowMs();
          break;
        }
        if (nowMs() > deadline) throw new Error(`${def.id}: the reload did not finish within 45 s`);
        await sleep(5);
      }
      if (cli && typeof cli.then === 'function') await cli;
      await sleep(P.reloadTailMs);
      return { trigger, done, startedAt, newPids: peer.workerPids() };
    },
  );
  const { trigger, done } = result.during;
  const { ends, lats, oks } = result.samples;
  const inWindow = [];
  const baseline = [];
  for (let i = 0; i < ends.length; i++) {
    if (!oks[i]) continue;
    if (ends[i] >= trigger && ends[i] <= done) inWindow.push(lats[i]);
    else if (ends[i] < trigger) baseline.push(lats[i]);
  }
  const acc = result.accounting;
  const failures = acc.lost + acc.timeouts + acc.non2xx;
  return {
    record: {
      failed: failures,
      lost: acc.lost,
      timeouts: acc.timeouts,
      non2xx: acc.non2xx,
      autocannonErrors: result.summary.errors,
      connectionCloseHonoured: acc.closeHonoured,
      requests: acc.ok + failures,
      reloadMs: Math.round(done - trigger),
      windowP99Ms: r1(quantile(inWindow, 0.99)),
      windowMaxMs: r1(inWindow.length ? Math.max(...inWindow) : undefined),
      baselineP99Ms: r1(quantile(baseline, 0.99)),
      failuresAt: acc.failures.map((f) => ({ tMs: Math.round(f.t - trigger), kind: f.kind, n: f.n })),
    },
    plot: { id: def.id, label: def.label, trigger, done, samples: result.samples },
  };
}

async function reload() {
  const defs = [ours, clusterRr, clusterNone, pm2];
  const running = [];
  const per = Object.fromEntries(defs.map((d) => [d.id, []]));
  const plots = {};
  try {
    const peers = [];
    for (const def of defs) {
      const peer = await def.start({ workers: P.reloadWorkers });
      running.push(peer);
      peers.push({ def, peer });
    }
    for (let round = 0; round < P.reloads; round++) {
      for (const { def, peer } of rotate(peers, round)) {
        const { record, plot } = await reloadOnce(def, peer);
        per[def.id].push(record);
        plots[def.id] ??= plot;
        log(`reload ${def.id} #${round + 1}: ${record.failed} failed of ${record.requests} (lost ${record.lost}, timeouts ${record.timeouts}, non-2xx ${record.non2xx}), reload ${record.reloadMs} ms, window p99 ${record.windowP99Ms} ms, max ${record.windowMaxMs} ms`);
        await sleep(500);
      }
    }
  } finally {
    await stopAll(running);
  }
  const rows = defs.map((def) => {
    const list = per[def.id];
    return {
      peer: def.id,
      label: def.label,
      reloads: list.length,
      failedPerReload: list.map((r) => r.failed),
      failedTotal: list.reduce((s, r) => s + r.failed, 0),
      requestsTotal: list.reduce((s, r) => s + r.requests, 0),
      reloadMsMedian: median(list.map((r) => r.reloadMs)),
      windowP99MsMedian: median(list.map((r) => r.windowP99Ms)),
      windowMaxMsMax: Math.max(...list.map((r) => r.windowMaxMs ?? 0)),
      baselineP99MsMedian: median(list.map((r) => r.baselineP99Ms)),
      runs: list,
    };
  });
  const mine = rows.find((r) => r.peer === 'ours');
  mine.goalMet = mine.failedTotal === 0 && rows.some((r) => r.peer !== 'ours' && r.failedTotal > 0);
  const svg = reloadLatencySvg(
    defs.map((d) => plots[d.id]).filter(Boolean),
    {
      title: `Latency across a zero-downtime reload of ${P.reloadWorkers} workers under ${P.reloadConnections} keep-alive connections`,
      subtitle: `${results.machine.cpus} CPUs, Node ${process.version}, autocannon ${results.machine.autocannon} in a child process; first reload of each peer in the run of ${results.date}`,
    },
  );
  writeFileSync(join(RESULTS, 'reload-latency.svg'), svg);
  return rows;
}

// ------------------------------------------------------------------ shared-context primitives, PM2 list

async function getJson(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
  return res.json();
}

/** The IPC floor (lib/ipc-floor.cjs): a child's round trips to its parent, as a worker's primitive calls go. */
async function startIpcFloor() {
  const { fork } = await import('node:child_process');
  const child = fork(join(ROOT, 'test', 'bench', 'lib', 'ipc-floor.cjs'), [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let waiter;
  child.on('message', (m) => {
    if (m.t === 'call') child.send({ t: 'result', id: m.id, ok: true, value: 1 });
    else waiter?.(m);
  });
  const next = () => new Promise((resolve) => (waiter = resolve));
  await next(); // ready
  return {
    batch: async (n) => {
      const reply = next();
      child.send({ go: n });
      return (await reply).rate;
    },
    stop: () => child.kill(),
  };
}

async function shared() {
  const app = launch([join(ROOT, 'manager', 'bin', 'wm.js'), 'serve', join(ROOT, 'test', 'fixtures', 'apps', 'bench-shared.js'), '--workers', '2', '--port', '0'], {
    WM_LOG_LEVEL: 'warn',
  });
  const floor = await startIpcFloor();
  const rows = [];
  const floorRates = [];
  try {
    const { match } = await app.waitFor(/Listening on (http:\/\/[^\s]+)/);
    const url = match[1];
    const n = P.sharedOps;
    const kinds = [
      { kind: 'add', label: 'Value.add(1)', roundTrips: 1 },
      { kind: 'get', label: 'Value.get()', roundTrips: 1 },
      { kind: 'lock', label: 'Lock acquire + release', roundTrips: 2 },
      { kind: 'queue', label: 'Queue put + get', roundTrips: 2 },
    ];
    for (const { kind } of kinds) await getJson(`${url}/ops?kind=${kind}&n=200`);
    await floor.batch(500);
    const one = Object.fromEntries(kinds.map((k) => [k.kind, []]));
    const two = Object.fromEntries(kinds.map((k) => [k.kind, []]));
    // Interleaved: a floor batch, then every primitive, five times over, so that all see the same machine.
    for (let rep = 0; rep < 5; rep++) {
      floorRates.push(await floor.batch(n));
      for (const { kind } of kinds) {
        const a = await getJson(`${url}/ops?kind=${kind}&n=${n}`);
        one[kind].push((a.n / a.ms) * 1000);
        const both = await Promise.all([getJson(`${url}/ops?kind=${kind}&n=${n}`), getJson(`${url}/ops?kind=${kind}&n=${n}`)]);
        two[kind].push(((2 * n) / Math.max(...both.map((b) => b.ms))) * 1000);
      }
    }
    for (const { kind, label, roundTrips } of kinds) {
      rows.push({ kind, label, roundTrips, opsPerSecondOneCaller: Math.round(median(one[kind])), opsPerSecondTwoCallers: Math.round(median(two[kind])) });
      log(`shared ${label}: ${Math.round(median(one[kind]))} ops/s (one caller), ${Math.round(median(two[kind]))} ops/s (two at once)`);
    }
  } finally {
    floor.stop();
    await app.stop();
  }
  const perSecond = median(floorRates);
  log(`IPC floor: ${Math.round(perSecond)} round trips/s`);
  return { rows, ipcFloor: { roundTripsPerSecond: Math.round(perSecond), usPerRoundTrip: r1(1e6 / perSecond) } };
}

function pm2List() {
  const r = spawnSync(process.execPath, [join(ROOT, 'test', 'bench', 'lib', 'pm2-list.cjs'), '300'], {
    cwd: ROOT,
    env: { ...process.env, PM2_HOME: pm2.home },
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.status !== 0) throw new Error(`pm2-list failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1));
}

// ------------------------------------------------------------------ the others' benchmarks

function foreign(name, script, jsonFile, mdFile) {
  const path = join(ROOT, 'test', 'bench', script);
  if (!existsSync(path)) return { present: false, note: `${script} is not there yet` };
  log(`running ${script} ...`);
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [path], { cwd: ROOT, encoding: 'utf8', timeout: 15 * 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { present: true, status: r.status, seconds: Math.round((Date.now() - t0) / 1000) };
  if (r.status !== 0) {
    out.error = `${script} exited with ${r.status ?? r.signal}: ${(r.stderr || '').slice(-2000)}`;
    log(out.error);
  }
  const json = join(RESULTS, jsonFile);
  const md = join(RESULTS, mdFile);
  if (existsSync(json)) out.json = JSON.parse(readFileSync(json, 'utf8'));
  if (existsSync(md)) out.markdown = readFileSync(md, 'utf8');
  return out;
}

// ------------------------------------------------------------------ report

function fmt(x, digits = 0) {
  if (x === undefined || x === null || Number.isNaN(x)) return '–';
  return typeof x === 'number' ? x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 }) : String(x);
}
const goal = (met) => (met === undefined ? '' : met === 'noise' ? '**within noise**' : met ? '**met**' : '**missed**');

function markdown(r) {
  const L = [];
  L.push('# Benchmark: our worker manager against real peers');
  L.push('');
  L.push(
    `Run of ${r.date} on ${r.machine.cpus} CPUs (${r.machine.model}), ${r.machine.memoryGb} GB, Node ${r.machine.node}, ${r.machine.platform}; ` +
      `autocannon ${r.machine.autocannon}, PM2 ${r.machine.pm2}. Commit ${r.commit.head}${r.commit.managerSourcesModified.length ? ` (manager sources modified in the working tree: ${r.commit.managerSourcesModified.join(', ')})` : ''}. 1-minute load average at start / end: ${r.loadAverage.start[0]} / ${r.loadAverage.end?.[0]} ` +
      '(a shared machine: other suites may run at the same time, so every figure is a median over interleaved repetitions, every peer measured in the same run).',
  );
  L.push('');
  L.push('Peers: **ours** (`wm serve`, test/fixtures/apps/bench-hello.js); **cluster (round-robin)** and **cluster (SCHED_NONE)**: Node\'s `cluster` with the usual hand-rolled graceful reload (fork new, wait `listening`, `disconnect()` old, one worker after another; test/bench/peers/cluster.js); **PM2 7** from npm in cluster mode (`pm2 start -i N`, `pm2 reload`, private `PM2_HOME`, app with PM2\'s documented graceful SIGINT stop; test/bench/peers/pm2-app.js); **plain node** for one process. Every peer serves the same handler (test/bench/peers/hello.js).');
  L.push('');
  L.push('Load: autocannon 8 through its programmatic API, in a forked child process (test/bench/lib/load.mjs) so that the load generator does not share the bench\'s event loop; on 2 cores it takes about one core, and every peer gets the same conditions. 127.0.0.1 only, every run bounded in time.');
  L.push('');

  if (r.startup) {
    L.push('## Start-up: launch to all N workers serving');
    L.push('');
    L.push(`Median of ${P.startupReps} launches (interleaved), ms; min–max in brackets; CPU: median CPU time (ms) the whole tree spent to get there (less sensitive to other load on the machine). Goal: ours within 1.2x of bare cluster (the faster policy; met: paired median <= 1.2; within noise: the 95% interval holds 1.2; missed: all of it above).`);
    L.push('');
    L.push('| N | ours | cluster (round-robin) | cluster (SCHED_NONE) | PM2 (`pm2 start`, daemon up) | ours / cluster: medians; paired [95%]; CPU | goal |');
    L.push('|---|---|---|---|---|---|---|');
    for (const n of P.startupWorkers) {
      const g = (id) => r.startup.find((x) => x.peer === id && x.workers === n);
      const cell = (x) => `${fmt(x.medianMs)} (${fmt(x.minMs)}–${fmt(x.maxMs)}); CPU ${fmt(x.cpuMsMedian)}`;
      L.push(`| ${n} | ${cell(g('ours'))} | ${cell(g('cluster-rr'))} | ${cell(g('cluster-none'))} | ${cell(g('pm2'))} | ${fmt(g('ours').ratioToCluster, 2)}x; ${fmt(g('ours').pairedRatioMedian, 2)}x [${g('ours').pairedRatioCi95.map((x) => fmt(x, 2)).join('–')}]; CPU ${fmt(g('ours').cpuRatio, 2)}x | ${goal(g('ours').goalMet)} |`);
    }
    L.push('');
    L.push('Ready signals: ours prints "Listening on" once every worker acked (listening and `afterServerStart` done); the cluster primary once it had N `listening` events; PM2: `pm2 start` (its CLI included) until N workers have written their pid after `listen()` — PM2 itself reports a worker online before it listens.');
    L.push('');
  }

  if (r.throughput) {
    L.push('## Throughput and latency: hello world');
    L.push('');
    L.push(`${P.tpConnections} keep-alive connections, ${P.tpSeconds} s per measurement after ${P.tpWarmupSeconds} s of warm-up (and 2 s per peer before the first round), ${P.tpRounds} interleaved rounds (every peer once per round, the order rotating); req/s, p50 and p99 are medians over the rounds. CPU/req: CPU time of the whole server tree (manager/primary/daemon + workers) per request, median. ours / best: ratio of the medians, and the median of the per-round paired ratios with its 95% bootstrap interval. Goal: ours at least the better cluster policy (met: paired median >= 1; within noise: the interval holds 1; missed: the whole interval below 1).`);
    L.push('');
    L.push('| workers | peer | req/s | p50 ms | p99 ms | CPU µs/req | errors | ours / best | goal |');
    L.push('|---|---|---|---|---|---|---|---|---|');
    for (const row of r.throughput.rows) {
      const ratio = row.ratio === undefined ? '' : `${fmt(row.ratio, 2)}x vs ${row.comparedTo}; paired ${fmt(row.pairedRatioMedian, 2)}x [${row.pairedRatioCi95.map((x) => fmt(x, 2)).join('–')}]`;
      L.push(`| ${row.workers || 'single process'} | ${row.label} | ${fmt(row.rps)} | ${fmt(row.p50Ms)} | ${fmt(row.p99Ms)} | ${fmt(row.cpuUsPerRequest)} | ${row.errors} | ${ratio} | ${goal(row.goalMet)} |`);
    }
    L.push('');
    L.push('Per-round req/s (the spread is the machine, shared with other work, not the peers):');
    L.push('');
    for (const row of r.throughput.rows) L.push(`- ${row.workers || 'single process'}, ${row.label}: ${row.rpsRounds.map((x) => fmt(x)).join(', ')}`);
    L.push('');
    L.push('## Memory (RSS from /proc, 4 workers)');
    L.push('');
    L.push('Idle: 1 s after start-up; loaded: right after the throughput rounds. Goal: our manager below PM2\'s daemon.');
    L.push('');
    L.push('| peer | main process | main idle MB | main loaded MB | tree idle MB | tree loaded MB | processes | goal |');
    L.push('|---|---|---|---|---|---|---|---|');
    for (const m of r.throughput.memory) {
      L.push(`| ${m.label} | ${m.mainRole} | ${fmt(m.idleMainMb, 1)} | ${fmt(m.loadedMainMb, 1)} | ${fmt(m.idleTreeMb, 1)} | ${fmt(m.loadedTreeMb, 1)} | ${m.processes} | ${goal(m.goalMet)} |`);
    }
    L.push('');
  }

  if (r.reload) {
    L.push('## Zero-downtime reload of all workers under keep-alive load');
    L.push('');
    L.push(
      `${P.reloadWorkers} workers, ${P.reloadConnections} keep-alive connections, the reload triggered ${P.reloadLeadMs / 1000} s into the load (ours and cluster: SIGHUP to the main process; PM2: \`pm2 reload\`), load kept ${P.reloadTailMs / 1000} s after the reload finished (every old worker gone, N new ones up, read from /proc). ${P.reloads} reloads per peer, interleaved. ` +
        'Failed = requests lost in flight (the connection closed or reset under the client) + timeouts + non-2xx. autocannon alone silently re-sends a request lost on a closed connection and ignores `Connection: close`; the load generator fixes both (see test/bench/lib/load.mjs), and autocannon\'s own socket-error count is shown too. Latency: requests completed inside the reload window. Goal: ours 0 failed where peers fail some.',
    );
    L.push('');
    L.push('| peer | failed per reload | failed / requests (all reloads) | autocannon socket errors | reload s (median) | window p99 ms (median) | window max ms (worst) | p99 before, ms | goal |');
    L.push('|---|---|---|---|---|---|---|---|---|');
    for (const row of r.reload) {
      L.push(
        `| ${row.label} | ${row.failedPerReload.join(', ')} | ${fmt(row.failedTotal)} / ${fmt(row.requestsTotal)} | ${row.runs.map((x) => x.autocannonErrors).join(', ')} | ${fmt(row.reloadMsMedian / 1000, 2)} | ${fmt(row.windowP99MsMedian, 1)} | ${fmt(row.windowMaxMsMax, 1)} | ${fmt(row.baselineP99MsMedian, 1)} | ${goal(row.goalMet)} |`,
      );
    }
    L.push('');
    L.push('Latency over time across the first reload of each peer: [reload-latency.svg](reload-latency.svg).');
    L.push('');
  }

  if (r.shared) {
    L.push('## Shared-context primitives');
    L.push('');
    L.push(`Sequential operations from inside a server worker (test/fixtures/apps/bench-shared.js, 2 workers), ${P.sharedOps} per call, median of 5; "two at once": two such calls at the same time. Every operation is IPC round trips worker -> manager. The floor: a forked child making the same round trips to its parent, which answers at once, with the same (advanced) serialization and message shape (test/bench/lib/ipc-floor.cjs), measured interleaved with the primitives: ${fmt(r.shared.ipcFloor.roundTripsPerSecond)} round trips/s (${r.shared.ipcFloor.usPerRoundTrip} µs each).`);
    L.push('');
    L.push('| operation | round trips | ops/s, one caller | ops/s, two at once | of the IPC floor |');
    L.push('|---|---|---|---|---|');
    for (const row of r.shared.rows) {
      L.push(`| ${row.label} | ${row.roundTrips} | ${fmt(row.opsPerSecondOneCaller)} | ${fmt(row.opsPerSecondTwoCallers)} | ${fmt((100 * row.opsPerSecondOneCaller * row.roundTrips) / r.shared.ipcFloor.roundTripsPerSecond)} % |`);
    }
    L.push('');
  }

  if (r.inspector) {
    L.push('## Inspector');
    L.push('');
    if (r.pm2List) {
      L.push(`Peer reference: PM2's equivalent of \`GET /\`, \`pm2.list()\` over PM2's RPC socket to its daemon (4 workers), ${r.pm2List.n} sequential calls: p50 ${fmt(r.pm2List.p50, 2)} ms, p99 ${fmt(r.pm2List.p99, 2)} ms. PM2 has no change stream to compare with; a client that polls once a second sees a change 500 ms late on average.`);
      L.push('');
    }
    if (r.inspector.present) {
      L.push(`From test/bench/inspector.mjs (the inspector's own benchmark, run by this run${r.inspector.status === 0 ? '' : `; it failed: ${r.inspector.error}`}):`);
      L.push('');
      L.push(demote(r.inspector.markdown ?? '(no inspector.md)'));
    } else {
      L.push(r.inspector.note);
    }
    L.push('');
  }

  if (r.lsp) {
    L.push('## Language server: edit to diagnostics');
    L.push('');
    if (r.lsp.present) {
      L.push(`From test/bench/lsp.mjs (run by this run${r.lsp.status === 0 ? '' : `; it failed: ${r.lsp.error}`}):`);
      L.push('');
      L.push(demote(r.lsp.markdown ?? jsonTable(r.lsp.json)));
    } else {
      L.push(`${r.lsp.note}: not measured in this run.`);
    }
    L.push('');
  }
  return L.join('\n') + '\n';
}

/** Another benchmark's markdown one heading level down. */
function demote(md) {
  return md.replace(/^(#+) /gm, '$1## ').trim();
}

function jsonTable(json) {
  if (!json) return '(no results file)';
  const rows = [];
  const walk = (prefix, v) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) for (const [k, x] of Object.entries(v)) walk(prefix ? `${prefix}.${k}` : k, x);
    else rows.push(`| ${prefix} | ${Array.isArray(v) ? JSON.stringify(v) : v} |`);
  };
  walk('', json);
  return ['| key | value |', '|---|---|', ...rows].join('\n');
}

// ------------------------------------------------------------------ main

mkdirSync(RESULTS, { recursive: true });
// PM2's daemon outlives us unless killed: on every way out, even a crash or an unsettled await.
let cleaned = false;
const cleanup = () => {
  if (cleaned) return;
  cleaned = true;
  pm2.kill();
};
process.on('exit', cleanup);
process.once('SIGINT', () => {
  cleanup();
  process.exit(130);
});
try {
  if (want('startup')) {
    log('start-up ...');
    results.startup = await startup();
  }
  if (want('throughput')) {
    log('throughput, latency, memory ...');
    results.throughput = await throughput();
  }
  if (want('reload')) {
    log('zero-downtime reload under load ...');
    results.reload = await reload();
  }
  if (want('shared')) {
    log('shared-context primitives ...');
    results.shared = await shared();
  }
  if (want('inspector')) {
    log('PM2 list latency ...');
    const peer = await pm2.start({ workers: 4 });
    try {
      results.pm2List = pm2List();
    } finally {
      await peer.stop();
    }
  }
} finally {
  cleanup();
}
if (want('inspector')) results.inspector = foreign('inspector', 'inspector.mjs', 'inspector.json', 'inspector.md');
if (want('lsp')) results.lsp = foreign('lsp', 'lsp.mjs', 'lsp.json', 'lsp.md');
results.loadAverage.end = loadAverage();

const md = markdown(results);
writeFileSync(join(RESULTS, 'bench.md'), md);
const { inspector, lsp, ...own } = results;
writeFileSync(
  join(RESULTS, 'bench.json'),
  JSON.stringify({ ...own, inspector: inspector && { present: inspector.present, status: inspector.status, json: inspector.json }, lsp: lsp && { present: lsp.present, status: lsp.status, json: lsp.json } }, null, 2) + '\n',
);
process.stdout.write(md);
