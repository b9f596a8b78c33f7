#!/usr/bin/env node
// Start-up with a V8 start-up snapshot (issue 24 asks for it to be tried and measured), side by side in
// one run: `node -e 0` and a plain node:http ListStages request (bench/floor-list-stages.mjs), the floors;
// `ivsrt --version` and `ivsrt stage list --json` as installed (bin/ivsrt.js, bundles through the V8 code
// cache); and the same two started from snapshots built here with `node --build-snapshot`
// (bench/snapshot-entry.cjs): one holding the front bundle only, one also holding the verbs bundle (the
// AWS SDK). Commands run round-robin; it reports median wall-clock times and the mean CPU time (user +
// system of the finished children, /proc/self/stat), the steadier figure on a shared machine.
// A snapshot only starts when node itself is given `--snapshot-blob`, so this measures what it would
// save, not something bin/ivsrt.js can use (see docs/benchmarks.md).
// Usage: node bench/snapshot.mjs [--runs 30]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN as bin, numberArg, spawnEmulator } from './spawn-emulator.mjs';

const runs = numberArg('runs', 30);
const work = mkdtempSync(join(tmpdir(), 'ivsrt-snapshot-bench-'));
const env = { ...process.env, IVSRT_HOME: work, IVSRT_CACHE_DIR: join(work, 'cache'), AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench', AWS_REGION: 'us-east-1', AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' };
const dist = fileURLToPath(new URL('../dist', import.meta.url));
const entry = fileURLToPath(new URL('./snapshot-entry.cjs', import.meta.url));
const plain = fileURLToPath(new URL('./floor-list-stages.mjs', import.meta.url));

function buildSnapshot(name, verbs) {
  const blob = join(work, `${name}.blob`);
  const r = spawnSync(process.execPath, ['--snapshot-blob', blob, '--build-snapshot', entry], { env: { ...env, IVSRT_DIST: dist, IVSRT_SNAPSHOT_VERBS: verbs ? '1' : '0' }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`building the snapshot failed: ${r.stderr}`);
  return blob;
}
const front = buildSnapshot('front', false);
const withVerbs = buildSnapshot('front-and-verbs', true);

const { child: emulator, url } = await spawnEmulator([], { env, stderr: 'ignore' });
for (let i = 0; i < 20; i++) spawnSync(process.execPath, [bin, 'stage', 'create', '--name', `bench-${i}`, '--endpoint-url', url], { env });
const list = ['stage', 'list', '--json', '--endpoint-url', url];
const commands = [
  ['node -e 0', ['-e', '0']],
  ['ivsrt --version', [bin, '--version']],
  ['snapshot (front) --version', ['--snapshot-blob', front, '--', '--version']],
  ['snapshot (front + verbs) --version', ['--snapshot-blob', withVerbs, '--', '--version']],
  ['plain node:http request', [plain, url]],
  ['ivsrt stage list --json', [bin, ...list]],
  ['snapshot (front) stage list --json', ['--snapshot-blob', front, '--', ...list]],
  ['snapshot (front + verbs) stage list --json', ['--snapshot-blob', withVerbs, '--', ...list]],
];
const childrenCpu = () => {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(fields[13]) + Number(fields[14])) * 10;
};
const wall = new Map(commands.map(([name]) => [name, []]));
const cpu = new Map(commands.map(([name]) => [name, 0]));
const once = (name, args) => {
  const before = childrenCpu();
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`${name} failed: ${r.stderr}`);
  wall.get(name).push(Number(process.hrtime.bigint() - start) / 1e6);
  cpu.set(name, cpu.get(name) + childrenCpu() - before);
};
const loadBefore = loadavg()[0];
try {
  for (const [name, args] of commands) once(name, args); // warm the code caches and the file system cache
  for (const [name] of commands) (wall.set(name, []), cpu.set(name, 0));
  for (let i = 0; i < runs; i++) for (const [name, args] of commands) once(name, args);
} finally {
  emulator.kill('SIGTERM');
  if (emulator.exitCode === null && emulator.signalCode === null) await new Promise((resolve) => emulator.once('exit', resolve));
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const floorOf = (name) => (name.includes('stage list') ? 'plain node:http request' : 'node -e 0');
console.log(`snapshots: front ${(statSync(front).size / 1e6).toFixed(1)} MB, front + verbs ${(statSync(withVerbs).size / 1e6).toFixed(1)} MB`);
console.log('| command | median (ms) | mean CPU (ms) | × its floor, wall | × its floor, CPU |\n|---|---|---|---|---|');
for (const [name] of commands) {
  const floor = floorOf(name);
  const own = name === floor;
  console.log(`| \`${name}\` | ${median(wall.get(name)).toFixed(1)} | ${(cpu.get(name) / runs).toFixed(1)} | ${own ? '' : (median(wall.get(name)) / median(wall.get(floor))).toFixed(2)} | ${own ? '' : (cpu.get(name) / cpu.get(floor)).toFixed(2)} |`);
}
console.log(`\n${runs} interleaved runs each, ${new Date().toISOString()}, Node ${process.version}; 1-minute load average ${loadBefore.toFixed(1)} before and ${loadavg()[0].toFixed(1)} after.`);
rmSync(work, { recursive: true, force: true });
