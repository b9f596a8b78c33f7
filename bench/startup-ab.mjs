// Paired start-up A/B: two builds of ivsrt (each a directory holding bin/ and dist/, e.g. copies of a
// checkout's made before and after a change, kept inside the checkout so their bundles resolve the same
// node_modules: ab/<name>/, which git ignores) run the same command against one emulator, interleaved with the plain node:http request
// (bench/floor-list-stages.mjs) in the order floor A B, floor B A, ..., so the machine's load falls on
// all three alike. Each run is under `perf stat` (CPU time from task-clock, to the microsecond, and page
// faults); the report gives each one's means and B - A paired per round, with its standard error. With
// --callgrind N, each also runs N times under `valgrind --tool=callgrind` (all threads), whose instruction
// counts the load does not move.
// Each build has its own code cache directory, written first by `stage create` as in bench/cli.mjs (the
// 20 stages it makes, 10 by each build); --warm-with '<args>' writes the caches with another command
// line instead, run once by each build before the stages are made (--warm-a-with, --warm-b-with: by one
// build only, so A and B can be one build with caches written by different commands).
// Usage: node bench/startup-ab.mjs --a <dir> --b <dir> [--runs 30] [--callgrind 3] [--warm-with 'stage list --json'] [--warm-a-with <args>] [--warm-b-with <args>] [--cache-a <dir>] [--cache-b <dir>] [--no-extra-ca] [-- <ivsrt args>]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { numberArg, spawnEmulator } from './spawn-emulator.mjs';

const argv = process.argv.slice(2);
const option = (name) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1] : undefined);
const dirs = { A: option('a'), B: option('b') };
if (!dirs.A || !dirs.B) throw new Error('usage: node bench/startup-ab.mjs --a <dir> --b <dir> [--runs 30] [--callgrind 3] [--warm-with <args>] [--warm-a-with <args>] [--warm-b-with <args>] [--cache-a <dir>] [--cache-b <dir>] [--no-extra-ca] [-- <ivsrt args>]');
const runs = numberArg('runs', 30);
const callgrindRuns = numberArg('callgrind', 0);
const warmWith = { A: (option('warm-a-with') ?? option('warm-with'))?.split(' '), B: (option('warm-b-with') ?? option('warm-with'))?.split(' ') };
const command = argv.includes('--') ? argv.slice(argv.indexOf('--') + 1) : ['stage', 'list', '--json'];
const plain = fileURLToPath(new URL('./floor-list-stages.mjs', import.meta.url));
const home = mkdtempSync(join(tmpdir(), 'ivsrt-ab-'));
// Node parses the whole bundle NODE_EXTRA_CA_CERTS names as it starts (see bench/cli.mjs): a fixed cost
// in every run that, under callgrind, also varies by a few million instructions from run to run.
const env = { ...process.env, IVSRT_HOME: home, AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench', AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'us-east-1', AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' };
if (argv.includes('--no-extra-ca')) delete env.NODE_EXTRA_CA_CERTS;
// --cache-a / --cache-b: that side's code cache directory, kept after the run (say, written beforehand by
// other command lines); by default each side has its own empty one.
const envOf = (name) => ({ ...env, IVSRT_CACHE_DIR: option(`cache-${name.toLowerCase()}`) ? resolve(option(`cache-${name.toLowerCase()}`)) : join(home, `cache-${name}`) });

const { child: emulator, url } = await spawnEmulator([], { env, stderr: 'inherit' });
const subjects = {
  floor: { argv: [process.execPath, plain, url], env },
  A: { argv: [process.execPath, join(resolve(dirs.A), 'bin/ivsrt.js'), ...command, '--endpoint-url', url], env: envOf('A') },
  B: { argv: [process.execPath, join(resolve(dirs.B), 'bin/ivsrt.js'), ...command, '--endpoint-url', url], env: envOf('B') },
};

const check = (r, what) => {
  if (r.status !== 0) throw new Error(`${what} failed (${r.status}): ${r.stderr}`);
  return r;
};
const perfRun = (name) => {
  const { argv: a, env: e } = subjects[name];
  const start = process.hrtime.bigint();
  const r = check(spawnSync('perf', ['stat', '-x,', '-e', 'task-clock,page-faults', '--', ...a], { env: e, stdio: ['ignore', 'pipe', 'pipe'] }), name);
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  const sample = { wall, stdout: r.stdout.toString() };
  for (const [value, , event] of r.stderr.toString().split('\n').map((line) => line.split(','))) {
    if (event === 'task-clock') sample.cpu = Number(value);
    if (event === 'page-faults') sample.faults = Number(value);
  }
  return sample;
};
const instructions = (name) => {
  const { argv: a, env: e } = subjects[name];
  const r = check(spawnSync('valgrind', ['--tool=callgrind', '--callgrind-out-file=/dev/null', ...a], { env: e, stdio: ['ignore', 'ignore', 'pipe'] }), name);
  return Number(/Collected : (\d+)/.exec(r.stderr.toString())[1]);
};

const samples = { floor: [], A: [], B: [] };
const counts = { floor: [], A: [], B: [] };
const loadBefore = loadavg();
try {
  for (const name of ['A', 'B']) {
    const { argv: a, env: e } = subjects[name];
    if (warmWith[name]) check(spawnSync(a[0], [a[1], ...warmWith[name], '--endpoint-url', url], { env: e }), `${name} ${warmWith[name].join(' ')}`);
    for (let i = 0; i < 10; i++) check(spawnSync(a[0], [a[1], 'stage', 'create', '--name', `ab-${name}-${i}`, '--endpoint-url', url], { env: e }), `${name} stage create`);
  }
  // Both builds must print the same thing.
  const outputs = ['A', 'B'].map((name) => perfRun(name).stdout);
  if (outputs[0] !== outputs[1]) throw new Error(`A and B print different output:\n${outputs[0]}\n---\n${outputs[1]}`);
  for (let i = 0; i < runs; i++) for (const name of i % 2 ? ['floor', 'B', 'A'] : ['floor', 'A', 'B']) samples[name].push(perfRun(name));
  for (let i = 0; i < callgrindRuns; i++) for (const name of ['floor', 'A', 'B']) counts[name].push(instructions(name));
} finally {
  emulator.kill('SIGTERM');
  rmSync(home, { recursive: true, force: true });
}
const loadAfter = loadavg();

const mean = (xs) => xs.reduce((s, x) => s + x, 0) / xs.length;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
/** Mean of the paired differences B - A and its standard error. */
const paired = (key) => {
  const d = samples.B.map((b, i) => b[key] - samples.A[i][key]);
  const m = mean(d);
  const se = Math.sqrt(d.reduce((s, x) => s + (x - m) ** 2, 0) / (d.length - 1) / d.length);
  return `${m >= 0 ? '+' : ''}${m.toFixed(2)} ± ${se.toFixed(2)}`;
};
const floorCpu = mean(samples.floor.map((s) => s.cpu));
const floorWall = median(samples.floor.map((s) => s.wall));
const row = (name) => {
  const s = samples[name];
  const cpu = mean(s.map((x) => x.cpu));
  const wall = median(s.map((x) => x.wall));
  const ir = counts[name].length ? `${counts[name].map((n) => (n / 1e6).toFixed(1)).join(', ')}` : '';
  return `| ${name === 'floor' ? 'plain request' : `${name} (${dirs[name]})`} | ${wall.toFixed(1)} | ${cpu.toFixed(1)} | ${mean(s.map((x) => x.faults)).toFixed(0)} | ${name === 'floor' ? '' : `${(wall / floorWall).toFixed(3)}; ${(cpu / floorCpu).toFixed(3)}`} | ${ir} |`;
};
console.log(`\`ivsrt ${command.join(' ')}\`, ${runs} rounds (floor A B, floor B A, ...)${callgrindRuns ? `, ${callgrindRuns} callgrind runs each` : ''}; ${new Date().toISOString()}, ${env.NODE_EXTRA_CA_CERTS ? 'NODE_EXTRA_CA_CERTS set' : 'NODE_EXTRA_CA_CERTS unset'}; load average ${loadBefore.map((l) => l.toFixed(1)).join(' ')} before, ${loadAfter.map((l) => l.toFixed(1)).join(' ')} after\n`);
console.log('| | wall median (ms) | mean CPU (ms) | mean page faults | ÷ plain request (wall; CPU) | instructions (millions) |\n|---|---|---|---|---|---|');
for (const name of ['floor', 'A', 'B']) console.log(row(name));
console.log(`\nB - A, paired per round (mean ± standard error): CPU ${paired('cpu')} ms, wall ${paired('wall')} ms, page faults ${paired('faults')}`);
