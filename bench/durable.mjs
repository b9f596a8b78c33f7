#!/usr/bin/env node
// Durable writes benchmark (not a test): UpdateStage on an emulator with `--data-dir` (every reply after
// the lmdb commit holding its change is synced to disk) against one without (memory only), side by side:
// both emulators run at once (`ivsrt local start`, each its own process) and wrk (one thread, 50
// keep-alive connections) loads them in turn, `--rounds` times each, so machine noise hits both alike.
// It also measures the disk itself before every durable run: small writes each followed by fdatasync, for
// half a second back to back and for half a second with a 1 ms pause before each (how many a second, and the
// p50/p90 of one). The pause matters: on the virtual disks measured here a sync that follows another at once
// takes a few hundredths of a millisecond, one that follows a pause ten times as long, and the emulator's
// commits are spaced by the requests it handles between them. Every durable reply waits for two syncs (an
// lmdb commit syncs its data pages, then writes its meta page with O_DSYNC).
//
// --dir says where the data dir is made: on tmpfs (/dev/shm) a sync costs nothing, which separates the
// durable path's own cost from the disk's.
//
//   node bench/durable.mjs [--seconds 5] [--rounds 3] [--connections 50] [--dir /tmp] [--json]
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnEmulator } from './spawn-emulator.mjs';
import { AUTH, wrkBenchArgs, wrkLoad } from './wrk.mjs';

const { values, seconds: SECONDS, rounds: ROUNDS, connections: CONNECTIONS } = wrkBenchArgs('durable.mjs', { dir: { type: 'string', default: tmpdir() } });
const work = mkdtempSync(join(values.dir, 'ivsrt-durable-bench-'));

/**
 * Small writes each followed by fdatasync, for `ms`, each after `pauseMs` of sleep: the sync rate and
 * latency of the data dir's file system, back to back (no pause) or spaced as the emulator's commits are.
 */
function syncProbe(ms, pauseMs) {
  const fd = openSync(join(work, 'sync-probe'), 'w');
  const page = Buffer.alloc(4096, 1);
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  const times = [];
  const until = performance.now() + ms;
  try {
    while (performance.now() < until) {
      if (pauseMs) Atomics.wait(sleeper, 0, 0, pauseMs);
      const t = performance.now();
      writeSync(fd, page, 0, page.length, (times.length % 16) * page.length);
      fdatasyncSync(fd);
      times.push(performance.now() - t);
    }
  } finally {
    closeSync(fd);
  }
  times.sort((a, b) => a - b);
  const at = (q) => +times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(3);
  return { pauseMs, perSecond: Math.round((1000 * times.length) / ms), p50: at(0.5), p90: at(0.9) };
}

/** The disk as a back-to-back loop sees it, and as spaced commits do. */
const diskProbe = () => [syncProbe(500, 0), syncProbe(500, 1)];

async function emulator(args) {
  const { child, url } = await spawnEmulator(args, { stderr: 'ignore' });
  const res = await fetch(`${url}/CreateStage`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: AUTH, 'x-amz-date': '20260101T000000Z' }, body: '{"name":"durable"}' });
  const { stage } = await res.json();
  return { child, url, body: JSON.stringify({ arn: stage.arn, name: 'renamed' }), stop: () => new Promise((r) => { child.once('exit', r); child.kill('SIGTERM'); }) };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const results = { node: process.version, cpu: cpus()[0]?.model, cores: cpus().length, connections: CONNECTIONS, seconds: SECONDS, rounds: ROUNDS, loadBefore: loadavg()[0] };
const memory = await emulator([]);
const durable = await emulator(['--data-dir', join(work, 'data')]);
const runs = { memory: [], durable: [], disk: [] };
try {
  for (const e of [memory, durable]) wrkLoad(`${e.url}/UpdateStage`, e.body, { seconds: 1, connections: CONNECTIONS }); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    runs.memory.push(wrkLoad(`${memory.url}/UpdateStage`, memory.body, { seconds: SECONDS, connections: CONNECTIONS }));
    runs.disk.push(diskProbe());
    runs.durable.push(wrkLoad(`${durable.url}/UpdateStage`, durable.body, { seconds: SECONDS, connections: CONNECTIONS }));
  }
} finally {
  await memory.stop();
  await durable.stop();
  rmSync(work, { recursive: true, force: true });
}
results.disk = runs.disk;
for (const key of ['memory', 'durable']) {
  const list = runs[key];
  results[key] = { perSecond: Math.round(median(list.map((r) => r.perSecond))), p50: median(list.map((r) => r.p50)), p99: median(list.map((r) => r.p99)), runs: list.map((r) => r.perSecond) };
}
results.ratio = +(results.durable.perSecond / results.memory.perSecond).toFixed(2);
results.loadAfter = loadavg()[0];

if (values.json) {
  console.log(JSON.stringify(results, null, 2));
} else {
  console.log(`node ${results.node}, ${results.cores} x ${results.cpu}; load average ${results.loadBefore.toFixed(1)} before, ${results.loadAfter.toFixed(1)} after`);
  const probe = ({ perSecond, p50, p90 }) => `${perSecond}/s, p50 ${p50} ms, p90 ${p90} ms`;
  console.log(`the disk before each durable run (4 KiB write + fdatasync, 0.5 s back to back | 0.5 s with a 1 ms pause before each): ${results.disk.map(([hot, spaced]) => `${probe(hot)} | ${probe(spaced)}`).join('; ')}`);
  console.log(`UpdateStage, wrk -t1 -c${CONNECTIONS}, ${ROUNDS} interleaved rounds of ${SECONDS} s, medians:`);
  for (const key of ['memory', 'durable']) {
    const r = results[key];
    console.log(`  ${key === 'memory' ? 'memory only ' : '--data-dir  '} ${r.perSecond} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms (runs: ${r.runs.join(', ')})`);
  }
  console.log(`durable / memory only: ${results.ratio}x`);
}
