// Start-up benchmark: ivsrt against `node -e 0` and `aws ivs-realtime`, side by side in one run.
// Commands run round-robin (one of each, then again), so machine noise hits them all alike; we report
// medians and ratios. Usage: node bench/cli.mjs [--runs 30] [--out docs/benchmarks-cli.md]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) || 30;
const out = args.includes('--out') ? args[args.indexOf('--out') + 1] : undefined;
const bin = fileURLToPath(new URL('../bin/ivsrt.js', import.meta.url));
const home = mkdtempSync(join(tmpdir(), 'ivsrt-bench-'));
const env = { ...process.env, IVSRT_HOME: home, AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench', AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '', AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' };

// The emulator runs as its own process, like a real endpoint.
const emulator = spawn(process.execPath, [bin, 'local', 'start', '--port', '0'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve, reject) => {
  let text = '';
  emulator.stdout.on('data', (c) => {
    text += c;
    const m = /(http:\/\/127\.0\.0\.1:\d+)/.exec(text);
    if (m) resolve(m[1]);
  });
  emulator.once('exit', () => reject(new Error(`emulator exited: ${text}`)));
});
for (let i = 0; i < 20; i++) spawnSync(process.execPath, [bin, 'stage', 'create', '--name', `bench-${i}`, '--endpoint-url', url], { env });

const hasAws = spawnSync('aws', ['--version'], { env }).status === 0;
const commands = [
  { name: 'node -e 0', argv: [process.execPath, '-e', '0'] },
  { name: 'ivsrt --version', argv: [process.execPath, bin, '--version'] },
  { name: 'ivsrt --help', argv: [process.execPath, bin, '--help'] },
  { name: 'ivsrt stage list --json', argv: [process.execPath, bin, 'stage', 'list', '--json', '--endpoint-url', url] },
  ...(hasAws ? [{ name: 'aws ivs-realtime list-stages', argv: ['aws', 'ivs-realtime', 'list-stages', '--endpoint-url', url] }] : []),
];

const timeOnce = (argv) => {
  const start = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { env, stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed: ${r.stderr}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
};

const samples = new Map(commands.map((c) => [c.name, []]));
try {
  for (const c of commands) timeOnce(c.argv); // warm the code cache and the file system cache
  for (let i = 0; i < runs; i++) for (const c of commands) samples.get(c.name).push(timeOnce(c.argv));
} finally {
  emulator.kill('SIGTERM');
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const base = median(samples.get('node -e 0'));
const awsMedian = hasAws ? median(samples.get('aws ivs-realtime list-stages')) : undefined;
const rows = commands.map((c) => {
  const m = median(samples.get(c.name));
  return { name: c.name, median: m, ratio: m / base, vsAws: awsMedian && c.name.startsWith('ivsrt stage') ? awsMedian / m : undefined };
});

const lines = [
  `| command | median (ms) | × node -e 0 | aws ÷ this |`,
  `|---|---|---|---|`,
  ...rows.map((r) => `| \`${r.name}\` | ${r.median.toFixed(1)} | ${r.ratio.toFixed(2)} | ${r.vsAws ? `${r.vsAws.toFixed(1)}× faster` : ''} |`),
];
const report = `${lines.join('\n')}\n\n${runs} interleaved runs each, ${new Date().toISOString()}, Node ${process.version}, ${hasAws ? spawnSync('aws', ['--version'], { env }).stdout.toString().trim() || spawnSync('aws', ['--version'], { env }).stderr.toString().trim() : 'aws not installed'}.\n`;
console.log(report);
if (out) writeFileSync(out, report);
