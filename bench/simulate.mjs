#!/usr/bin/env node
// Crowd simulator benchmark (not a test): does `ivsrt local simulate` keep time with a large crowd?
// For each crowd size, in one run: the emulator (`ivsrt local start`, its own process) gets a stage, and
// the simulator that `ivsrt local simulate` runs (src/local/simulate.ts, bundled here) keeps the crowd
// on it with 10% churn at one tick a second. Measured from the first tick on: ticks per second, the
// time each tick's request took, the ticks that started a whole tick late, and the emulator's CPU
// (utime + stime from /proc/<pid>/stat).
//
//   node bench/simulate.mjs [--seconds 30] [--crowds 1000,10000] [--churn 0.1] [--json]
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { cpuSeconds, spawnEmulator } from './spawn-emulator.mjs';
import { AUTH } from './wrk.mjs';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '30' },
    crowds: { type: 'string', default: '1000,10000' },
    churn: { type: 'string', default: '0.1' },
    json: { type: 'boolean', default: false },
  },
});
const SECONDS = Number(values.seconds);
const CROWDS = values.crowds.split(',').map(Number);
const CHURN = Number(values.churn);
const ROOT = fileURLToPath(new URL('..', import.meta.url));

const work = mkdtempSync(join(tmpdir(), 'ivsrt-simulate-bench-'));
await build({ entryPoints: [join(ROOT, 'src/local/simulate.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: join(work, 'simulate.mjs'), logLevel: 'error' });
const { simulate } = await import(join(work, 'simulate.mjs'));
process.env.IVSRT_ADMIN_SECRET = randomBytes(24).toString('base64url');

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: Math.round(s[Math.floor(s.length / 2)]), max: Math.round(s.at(-1)) };
};

const results = { node: process.version, cpu: cpus()[0]?.model, cores: cpus().length, seconds: SECONDS, churn: CHURN, loadBefore: loadavg()[0], crowds: [] };
for (const participants of CROWDS) {
  const { child, url } = await spawnEmulator([], { env: { ...process.env, IVSRT_HOME: join(work, 'home') }, stderr: 'ignore' });
  try {
    const res = await fetch(`${url}/CreateStage`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: AUTH, 'x-amz-date': '20260101T000000Z' }, body: JSON.stringify({ name: `crowd-${participants}` }) });
    const { stage } = await res.json();
    const filling = performance.now();
    let lastStarted;
    const starts = [];
    const tickMs = [];
    let last;
    let cpuFirst;
    let cpuLast;
    const result = await simulate({
      url,
      stageArn: stage.arn,
      participants,
      churn: CHURN,
      tickMs: 1000,
      // the clock the ticks are measured by: when the schedule let each tick go, and when it ended (onTick)
      clock: {
        now: () => Date.now(),
        setTimeout: (callback, ms) => setTimeout(() => { lastStarted = performance.now(); callback(); }, ms),
        clearTimeout: (handle) => clearTimeout(handle),
      },
      maxTicks: SECONDS + 1,
      onTick: (s) => {
        const cpu = cpuSeconds(child.pid);
        cpuFirst ??= cpu;
        cpuLast = cpu;
        starts.push(lastStarted);
        tickMs.push(performance.now() - lastStarted);
        last = s;
      },
    });
    // from the end of the first tick to the end of the last: SECONDS ticks of work
    const span = (starts.at(-1) + tickMs.at(-1) - starts[0] - tickMs[0]) / 1000;
    results.crowds.push({
      participants,
      fillSeconds: +((starts[0] - filling) / 1000 - 1).toFixed(1),
      ticks: last.ticks - 1,
      ticksPerSecond: +((last.ticks - 1) / span).toFixed(2),
      late: result.late,
      tickRequestMs: stats(tickMs),
      connected: last.connected,
      leftPerTick: Math.round(last.left / last.ticks),
      refused: result.errors,
      emulatorCpuPercent: Math.round((100 * (cpuLast - cpuFirst)) / span),
    });
  } finally {
    await new Promise((r) => { child.once('exit', r); child.kill('SIGTERM'); });
  }
}
results.loadAfter = loadavg()[0];
rmSync(work, { recursive: true, force: true });

if (values.json) {
  console.log(JSON.stringify(results, null, 2));
} else {
  console.log(`node ${results.node}, ${results.cores} x ${results.cpu}; load average ${results.loadBefore.toFixed(1)} before, ${results.loadAfter.toFixed(1)} after`);
  for (const c of results.crowds) {
    console.log(`${c.participants} participants, churn ${CHURN}: ${c.ticksPerSecond} ticks/s over ${c.ticks} ticks (${c.late} late); each tick's request median ${c.tickRequestMs.median} ms, max ${c.tickRequestMs.max} ms; ~${c.leftPerTick} left and joined per tick, ${c.connected} connected, ${c.refused} refused; emulator CPU ${c.emulatorCpuPercent}% of a core; filled in ${c.fillSeconds} s`);
  }
}
