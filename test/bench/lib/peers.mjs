// The peers of the benchmark, each started the way its users start it, behind one interface:
//   const peer = await PEERS.ours.start({ workers: 4 });   // resolves once all N workers serve
//   peer.url, peer.mainPid, peer.workerPids(), peer.reload() (trigger only), peer.stop()
// Start-up time is measured from the launch to the peer's own "all N serving" signal:
// - ours:    `wm serve` prints "Listening on" once every worker acked (listening, afterServerStart done);
// - cluster: the primary prints "Listening on" once it has N 'listening' events (peers/cluster.js);
// - PM2:     `pm2 start -i N` (daemon already up, CLI included) until N workers have written their pid after
//            listen() (peers/pm2-app.js); PM2 itself marks a worker online before it listens.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { alive, children } from './proc.mjs';

export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const WM = join(ROOT, 'manager', 'bin', 'wm.js');
const BENCH_APP = join(ROOT, 'test', 'fixtures', 'apps', 'bench-hello.js');
const PEER_DIR = join(ROOT, 'test', 'bench', 'peers');
const PM2_BIN = join(ROOT, 'node_modules', 'pm2', 'bin', 'pm2');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const nowMs = () => performance.timeOrigin + performance.now();

/** Spawns `node ...argv`; collects output; waitFor(regex) resolves with the match. */
export function launch(argv, env = {}) {
  const t0 = nowMs();
  const proc = spawn(process.execPath, argv, {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const waiters = new Set();
  const onData = (chunk) => {
    text += chunk;
    for (const w of waiters) w();
  };
  proc.stdout.setEncoding('utf8').on('data', onData);
  proc.stderr.setEncoding('utf8').on('data', onData);
  let exitInfo;
  const exited = new Promise((resolve) =>
    proc.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      for (const w of waiters) w();
      resolve(exitInfo);
    }),
  );
  const waitFor = (pattern, timeoutMs = 30_000) =>
    new Promise((resolve, reject) => {
      const check = () => {
        const m = text.match(pattern);
        if (m) {
          done();
          resolve({ match: m, at: nowMs() });
        } else if (exitInfo) {
          done();
          reject(new Error(`${argv.join(' ')} exited (${JSON.stringify(exitInfo)}) before ${pattern}:\n${text}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out waiting for ${pattern} from ${argv.join(' ')}:\n${text}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  const stop = async (timeoutMs = 20_000) => {
    if (!exitInfo) proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
  };
  return { proc, t0, waitFor, exited, stop, output: () => text };
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** A peer whose main process is a child of ours and prints "Listening on http://...". */
function childPeer(argvFor, envFor) {
  return {
    async start({ workers }) {
      const child = launch(argvFor(workers), envFor(workers));
      const { match, at } = await child.waitFor(/Listening on (http:\/\/[^\s]+)/);
      const mainPid = child.proc.pid;
      return {
        url: match[1],
        mainPid,
        startupMs: at - child.t0,
        workerPids: () => children(mainPid),
        reload: () => process.kill(mainPid, 'SIGHUP'),
        stop: () => child.stop(),
        output: child.output,
      };
    },
  };
}

export const ours = {
  id: 'ours',
  label: 'ours (wm serve)',
  ...childPeer(
    (n) => [WM, 'serve', BENCH_APP, '--port', '0', '--host', '127.0.0.1', ...(n === 0 ? ['--single-process'] : ['--workers', String(n)])],
    () => ({ WM_LOG_LEVEL: 'warn' }),
  ),
};

export const clusterRr = {
  id: 'cluster-rr',
  label: 'cluster (round-robin)',
  ...childPeer(() => [join(PEER_DIR, 'cluster.js')], (n) => ({ BENCH_WORKERS: String(n), BENCH_POLICY: 'rr' })),
};

export const clusterNone = {
  id: 'cluster-none',
  label: 'cluster (SCHED_NONE)',
  ...childPeer(() => [join(PEER_DIR, 'cluster.js')], (n) => ({ BENCH_WORKERS: String(n), BENCH_POLICY: 'none' })),
};

export const single = {
  id: 'node-single',
  label: 'plain node (one process)',
  ...childPeer(() => [join(PEER_DIR, 'single.js')], () => ({})),
};

/**
 * PM2 7 from npm with a private PM2_HOME. One daemon for the whole run (PM2's normal life); `pm2 kill` at the end
 * removes it and every app it runs.
 */
export class Pm2 {
  id = 'pm2';
  label = 'PM2 7 (cluster mode)';
  home = mkdtempSync(join(tmpdir(), 'wm-bench-pm2-'));
  apps = 0;

  cli(args, extraEnv = {}) {
    return spawnSync(process.execPath, [PM2_BIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, PM2_HOME: this.home, ...extraEnv },
      encoding: 'utf8',
      timeout: 60_000,
    });
  }

  cliAsync(args, extraEnv = {}) {
    return launch([PM2_BIN, ...args], { PM2_HOME: this.home, ...extraEnv });
  }

  /** Starts the daemon (`pm2 ping`); returns its pid. */
  daemon() {
    const r = this.cli(['ping']);
    if (r.status !== 0) throw new Error(`pm2 ping failed: ${r.stderr}${r.stdout}`);
    return Number(readFileSync(join(this.home, 'pm2.pid'), 'utf8'));
  }

  get daemonPid() {
    const file = join(this.home, 'pm2.pid');
    return existsSync(file) ? Number(readFileSync(file, 'utf8')) : undefined;
  }

  async start({ workers }) {
    const daemonPid = this.daemon();
    const name = `bench-${++this.apps}`;
    const port = await freePort();
    const readyFile = join(this.home, `${name}.ready`);
    writeFileSync(readyFile, '');
    const cli = this.cliAsync(['start', join(PEER_DIR, 'pm2-app.js'), '-i', String(workers), '--name', name], {
      BENCH_PORT: String(port),
      BENCH_READY_FILE: readyFile,
    });
    const deadline = cli.t0 + 60_000;
    let at;
    for (;;) {
      const lines = readFileSync(readyFile, 'utf8').split('\n').filter(Boolean);
      if (lines.length >= workers) {
        at = nowMs();
        break;
      }
      if (nowMs() > deadline) throw new Error(`pm2 start ${name}: ${lines.length}/${workers} workers listening after 60 s\n${cli.output()}`);
      await sleep(2);
    }
    await cli.exited;
    const workerPids = () => children(daemonPid).filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('pm2-app.js');
      } catch {
        return false;
      }
    });
    return {
      url: `http://127.0.0.1:${port}`,
      mainPid: daemonPid,
      startupMs: at - cli.t0,
      workerPids,
      reload: () => {
        const r = this.cliAsync(['reload', name]);
        return r.exited;
      },
      stop: async () => {
        const pids = workerPids();
        this.cli(['delete', name]);
        const until = nowMs() + 10_000;
        while (pids.some(alive) && nowMs() < until) await sleep(20);
      },
      output: () => '',
    };
  }

  kill() {
    if (!existsSync(join(this.home, 'pm2.pid'))) {
      rmSync(this.home, { recursive: true, force: true });
      return;
    }
    const daemonPid = this.daemonPid;
    this.cli(['kill']);
    if (daemonPid && alive(daemonPid)) {
      try {
        process.kill(daemonPid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    rmSync(this.home, { recursive: true, force: true });
  }
}
