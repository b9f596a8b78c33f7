#!/usr/bin/env node
// Fixture benchmark (not a test) for `ivsrt/emulator` (the built dist/emulator.mjs; `npm run build` first):
//   1. startEmulator(): time until it resolves (each then stopped), and the one-off import of the module;
//   2. reset() with 100 stages (restored from a snapshot before each, untimed), and reset() back to a
//      seed of 100 stages;
//   3. a suite of 200 vitest tests, each on a fresh reset() (bench/fixture-suite.test.mjs): wall time of
//      the whole `vitest run` (start-up included), and the CPU time it used, which is what the wall time
//      comes to when the run has a core to itself (one test file runs on one worker thread).
//
//   node bench/fixture.mjs [--runs 30] [--resets 200] [--tests 200] [--json]
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '30' },
    resets: { type: 'string', default: '200' },
    tests: { type: 'string', default: '200' },
    json: { type: 'boolean', default: false },
  },
});
const RUNS = Number(values.runs);
const RESETS = Number(values.resets);
const TESTS = Number(values.tests);
const STAGES = 100;

const importStart = performance.now();
const { startEmulator } = await import('../dist/emulator.mjs');
const { CreateStageCommand } = await import('@aws-sdk/client-ivs-realtime');
const importMs = performance.now() - importStart;
const loadBefore = loadavg()[0];

function summary(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { runs: samples.length, first: samples[0], median: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] };
}

async function timed(fn) {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

// 1. startEmulator()
const starts = [];
for (let i = 0; i < RUNS; i++) {
  let emu;
  starts.push(await timed(async () => (emu = await startEmulator())));
  await emu.stop();
}

// 2. reset() with 100 stages, and back to a 100-stage seed
const emu = await startEmulator({ clock: { frozen: true } });
const ivs = emu.client();
for (let i = 0; i < STAGES; i++) await ivs.send(new CreateStageCommand({ name: `stage-${i}`, tags: { n: String(i) } }));
const full = emu.snapshot();
const resets = [];
for (let i = 0; i < RESETS; i++) {
  await emu.restore(full);
  resets.push(await timed(() => emu.reset()));
}
await emu.restore(full);
const seed = emu.exportSeed();
await emu.stop();
const seeded = await startEmulator({ seed, clock: { frozen: true } });
const seedResets = [];
for (let i = 0; i < RESETS; i++) seedResets.push(await timed(() => seeded.reset()));
await seeded.stop();

// 3. the 200-test suite, in its own process as `vitest run` would be
const suiteScript = `
import { startVitest } from 'vitest/node';
// Worker threads, so that this process's CPU time covers the tests too.
const vitest = await startVitest('test', [], { config: false, root: 'bench', include: ['fixture-suite.test.mjs'], watch: false, reporters: [], pool: 'threads' });
const failed = vitest.state.getFiles().some((f) => f.result?.state !== 'pass');
await vitest.close();
const cpu = process.cpuUsage();
console.log(JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000 }));
process.exit(failed ? 1 : 0);
`;
const suiteStart = performance.now();
const suite = spawnSync(process.execPath, ['--input-type=module', '-e', suiteScript], {
  cwd: fileURLToPath(new URL('..', import.meta.url)),
  env: { ...process.env, FIXTURE_SUITE_TESTS: String(TESTS) },
  encoding: 'utf8',
});
const suiteMs = performance.now() - suiteStart;
if (suite.status !== 0) throw new Error(`the suite failed:\n${suite.stdout}\n${suite.stderr}`);

const result = {
  date: new Date().toISOString(),
  node: process.version,
  loadAverage: { before: loadBefore, after: loadavg()[0] },
  importMs,
  startEmulatorMs: summary(starts),
  resetWith100StagesMs: summary(resets),
  resetTo100StageSeedMs: summary(seedResets),
  suite: { tests: TESTS, wallMs: suiteMs, cpuMs: JSON.parse(suite.stdout.trim().split('\n').pop()).cpuMs },
};

const f = (ms) => ms.toFixed(1);
if (values.json) {
  console.log(JSON.stringify(result, null, 2));
} else {
  console.log(`ivsrt/emulator fixture benchmark, ${result.date}, Node ${result.node}, load average ${result.loadAverage.before.toFixed(2)} -> ${result.loadAverage.after.toFixed(2)}`);
  console.log(`import of dist/emulator.mjs (with the SDK): ${f(importMs)} ms (once per process)`);
  const row = (name, s, target) => console.log(`${name}: median ${f(s.median)} ms, p99 ${f(s.p99)} ms, max ${f(s.max)} ms, first ${f(s.first)} ms (${s.runs} runs; target ${target})`);
  row('startEmulator()', result.startEmulatorMs, '<= 150 ms');
  row(`reset() with ${STAGES} stages`, result.resetWith100StagesMs, '<= 5 ms');
  row(`reset() to a ${STAGES}-stage seed`, result.resetTo100StageSeedMs, '(for comparison)');
  console.log(`suite of ${TESTS} tests, each after reset(): ${f(suiteMs)} ms wall for the whole vitest run, start-up included; ${f(result.suite.cpuMs)} ms of CPU (target <= 5000 ms)`);
}
