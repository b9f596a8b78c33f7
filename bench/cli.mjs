// Start-up benchmark: ivsrt against its floors, side by side in one run: `node -e 0` for --version and
// --help, a bare Node script making the same signed ListStages request (bench/bare-list-stages.mjs), and a
// plain node:http request with no SDK and no signing (bench/floor-list-stages.mjs), and a bare AWS SDK v3
// script (bench/sdk-list-stages.mjs) for `stage list --json`; `aws ivs-realtime` too when installed.
// Commands run round-robin (one of each, then again), so machine noise hits them all alike; we report
// medians, ratios and the load average.
// On Linux it also reports each command's mean CPU time (user + system, from the kernel's count of the
// children's time in /proc/self/stat), which a busy machine inflates far less than the wall clock.
// Node parses the whole bundle named by NODE_EXTRA_CA_CERTS as it starts, before any script runs (220 KB
// of certificates here: about 45 ms of CPU, twice what `node -e 0` costs without it), so each command's
// time includes that fixed cost when the variable is set, which shrinks every ratio; --no-extra-ca
// runs the commands without it, and the report says which.
// With --perf each command runs under `perf stat`, whose task-clock counts CPU time to the microsecond
// (the kernel's count above is in 10 ms ticks) and which counts page faults too; the wall clock then
// includes perf's own start, alike for every command.
// Usage: node bench/cli.mjs [--runs 30] [--no-extra-ca] [--perf] [--out file.md]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN as bin, spawnEmulator } from './spawn-emulator.mjs';

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) || 30;
const out = args.includes('--out') ? args[args.indexOf('--out') + 1] : undefined;
const bare = fileURLToPath(new URL('./bare-list-stages.mjs', import.meta.url));
const plain = fileURLToPath(new URL('./floor-list-stages.mjs', import.meta.url));
const sdk = fileURLToPath(new URL('./sdk-list-stages.mjs', import.meta.url));
const home = mkdtempSync(join(tmpdir(), 'ivsrt-bench-'));
// Its own code cache directory too: another checkout's runs on this machine prune the shared one.
const withoutExtraCa = args.includes('--no-extra-ca');
const env = { ...process.env, IVSRT_HOME: home, IVSRT_CACHE_DIR: join(home, 'cache'), AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench', AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '', AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' };
if (withoutExtraCa) delete env.NODE_EXTRA_CA_CERTS;
const extraCa = env.NODE_EXTRA_CA_CERTS ? `NODE_EXTRA_CA_CERTS set (${env.NODE_EXTRA_CA_CERTS})` : 'NODE_EXTRA_CA_CERTS unset';

// The emulator runs as its own process, like a real endpoint.
const { child: emulator, url } = await spawnEmulator([], { env, stderr: 'inherit' });
for (let i = 0; i < 20; i++) spawnSync(process.execPath, [bin, 'stage', 'create', '--name', `bench-${i}`, '--endpoint-url', url], { env });

const hasAws = spawnSync('aws', ['--version'], { env }).status === 0;
const commands = [
  { name: 'node -e 0', argv: [process.execPath, '-e', '0'] },
  { name: 'bare ListStages script', argv: [process.execPath, bare, url] },
  { name: 'plain node:http request', argv: [process.execPath, plain, url] },
  { name: 'bare SDK v3 script', argv: [process.execPath, sdk, url] },
  { name: 'ivsrt --version', argv: [process.execPath, bin, '--version'] },
  { name: 'ivsrt --help', argv: [process.execPath, bin, '--help'] },
  { name: 'ivsrt stage list --json', argv: [process.execPath, bin, 'stage', 'list', '--json', '--endpoint-url', url] },
  ...(hasAws ? [{ name: 'aws ivs-realtime list-stages', argv: ['aws', 'ivs-realtime', 'list-stages', '--endpoint-url', url] }] : []),
];

/** CPU milliseconds used so far by this process's finished children, or undefined without /proc. */
const childrenCpu = () => {
  try {
    // Fields 16 and 17 (cutime, cstime), counted after the command name, which may hold spaces; in clock ticks (100 a second on Linux).
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return undefined;
  }
};
const cpu = new Map(commands.map((c) => [c.name, 0]));
const usePerf = args.includes('--perf');
const faults = new Map(commands.map((c) => [c.name, 0]));

const timeOnce = (name, argv) => {
  const cpuBefore = usePerf ? undefined : childrenCpu();
  const run = usePerf ? ['perf', 'stat', '-x,', '-e', 'task-clock,page-faults', '--', ...argv] : argv;
  const start = process.hrtime.bigint();
  const r = spawnSync(run[0], run.slice(1), { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed: ${r.stderr}`);
  if (cpuBefore !== undefined) cpu.set(name, cpu.get(name) + childrenCpu() - cpuBefore);
  if (usePerf) {
    // perf's CSV lines: value,unit,event,...
    for (const [value, , event] of r.stderr.toString().split('\n').map((line) => line.split(','))) {
      if (event === 'task-clock') cpu.set(name, cpu.get(name) + Number(value));
      if (event === 'page-faults') faults.set(name, faults.get(name) + Number(value));
    }
  }
  return wall;
};

const samples = new Map(commands.map((c) => [c.name, []]));
const loadBefore = loadavg()[0];
try {
  for (const c of commands) timeOnce(c.name, c.argv); // warm the code cache and the file system cache
  for (const c of commands) {
    cpu.set(c.name, 0);
    faults.set(c.name, 0);
  }
  for (let i = 0; i < runs; i++) for (const c of commands) samples.get(c.name).push(timeOnce(c.name, c.argv));
} finally {
  emulator.kill('SIGTERM');
  if (emulator.exitCode === null && emulator.signalCode === null) await new Promise((resolve) => emulator.once('exit', resolve));
  rmSync(home, { recursive: true, force: true });
}
const loadAfter = loadavg()[0];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const base = median(samples.get('node -e 0'));
const floor = median(samples.get('bare ListStages script'));
const awsMedian = hasAws ? median(samples.get('aws ivs-realtime list-stages')) : undefined;
const rows = commands.map((c) => {
  const m = median(samples.get(c.name));
  return { name: c.name, median: m, ratio: m / base, vsBare: c.name.startsWith('ivsrt stage') ? m / floor : undefined, vsAws: awsMedian && c.name.startsWith('ivsrt stage') ? awsMedian / m : undefined };
});
const ratioOf = (name, over) => median(samples.get(name)) / median(samples.get(over));
const hasCpu = usePerf || childrenCpu() !== undefined;
const cpuMean = (name) => cpu.get(name) / runs;
const cpuRatio = (name, over) => (hasCpu ? (cpuMean(name) / cpuMean(over)).toFixed(2) : 'n/a');
const targets = [
  ['`ivsrt stage list --json` ÷ bare ListStages script', 'ivsrt stage list --json', 'bare ListStages script', 1.4],
  ['`ivsrt --version` ÷ `node -e 0`', 'ivsrt --version', 'node -e 0', 1.3],
  // Issue 24's floors: no SDK and no signing at all, and the bare process.
  ['`ivsrt stage list --json` ÷ plain node:http request', 'ivsrt stage list --json', 'plain node:http request', 1.2],
  ['`ivsrt --version` ÷ `node -e 0` (issue 24)', 'ivsrt --version', 'node -e 0', 1.1],
  // What a developer would write with the SDK by hand: ivsrt should cost less than it.
  ['`ivsrt stage list --json` ÷ bare SDK v3 script', 'ivsrt stage list --json', 'bare SDK v3 script', 1.0],
];

const lines = [
  `| command | median (ms) | × node -e 0 | × bare request | aws ÷ this | mean CPU (ms) |${usePerf ? ' mean page faults |' : ''}`,
  `|---|---|---|---|---|---|${usePerf ? '---|' : ''}`,
  ...rows.map((r) => `| \`${r.name}\` | ${r.median.toFixed(1)} | ${r.ratio.toFixed(2)} | ${r.vsBare ? r.vsBare.toFixed(2) : ''} | ${r.vsAws ? `${r.vsAws.toFixed(1)}× faster` : ''} | ${hasCpu ? cpuMean(r.name).toFixed(1) : 'n/a'} |${usePerf ? ` ${(faults.get(r.name) / runs).toFixed(0)} |` : ''}`),
  '',
  `| target | measured (wall-clock medians) | limit | | CPU time ratio |`,
  `|---|---|---|---|---|`,
  ...targets.map(([label, name, over, limit]) => {
    const value = ratioOf(name, over);
    return `| ${label} | ${value.toFixed(2)} | ${limit} | ${value <= limit ? 'met' : 'NOT met'} | ${cpuRatio(name, over)} |`;
  }),
];
const awsVersion = hasAws ? spawnSync('aws', ['--version'], { env }).stdout.toString().trim() || spawnSync('aws', ['--version'], { env }).stderr.toString().trim() : 'aws not installed';
const report = `${lines.join('\n')}\n\n${runs} interleaved runs each, ${new Date().toISOString()}, Node ${process.version}, ${awsVersion}; ${extraCa}; CPU time ${usePerf ? "from perf stat's task-clock" : "from the kernel's count of children's ticks"}; ${availableParallelism()} cores, 1-minute load average ${loadBefore.toFixed(1)} before and ${loadAfter.toFixed(1)} after.\n`;
console.log(report);
if (out) writeFileSync(out, report);
