// Composition benchmark: the CPU of the emulator's composition renderer for N publishers of 360p into a
// 720p30 channel output, side by side with a bare ffmpeg xstack pipeline doing the same work (N H.264 360p30
// streams with Opus decoded, stacked 2x2, x264 veryfast 720p30 2.5 Mbps and AAC to HLS), and the layout
// change latency: from a publisher joining (its PUBLISH_STARTED) or leaving (its WHIP DELETE) to the first
// live segment showing the new layout.
//
//   node bench/composition.mjs [--publishers 4] [--seconds 20] [--changes 3]
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, spawnEmulator, whipPublishers } from './spawn-emulator.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const PUBLISHERS = arg('publishers', 4);
const SECONDS = arg('seconds', 20);
const CHANGES = arg('changes', 3);
const home = mkdtempSync(join(tmpdir(), 'ivsrt-bench-composition-'));
const env = { ...process.env, IVSRT_HOME: home, AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench', AWS_REGION: 'us-east-1' };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const { child: emulator, url } = await spawnEmulator([], { env });
const publishers = [];
// Whatever happens, nothing this benchmark started outlives it.
process.on('exit', () => {
  for (const p of publishers) p.kill('SIGKILL');
  emulator.kill('SIGKILL');
});
const cli = (...args) =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args, '--endpoint-url', url, '--json'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.once('exit', (code) => (code === 0 ? resolve(out.trim() ? JSON.parse(out) : {}) : reject(new Error(`ivsrt ${args.join(' ')}: ${code}`))));
  });

/** utime + stime of a process, in seconds (clock ticks of 1/100 s). */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
/** The number of the newest segment a live playlist lists (its segments are one second each). */
const newestSegmentNumber = (text) => Math.max(-1, ...[...text.matchAll(/(\d+)\.ts$/gm)].map((m) => Number(m[1])));
/**
 * Cores used by `pid` over `seconds`, and its CPU seconds per second of video it wrote (`playlist` reads
 * its live playlist): on a loaded machine a starved process uses less CPU but also falls behind real
 * time, so the second figure is the cost of the work itself.
 */
async function coresOver(pid, seconds, playlist) {
  const before = cpuSeconds(pid);
  const firstSegment = newestSegmentNumber(await playlist());
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const used = cpuSeconds(pid) - before;
  const written = newestSegmentNumber(await playlist()) - firstSegment;
  return { cores: used / ((performance.now() - t0) / 1000), perVideoSecond: used / written, written };
}
/** The pid of the process whose command line holds `text`. */
function pidWith(text) {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text)) return Number(entry);
    } catch {
      // gone
    }
  }
  return undefined;
}

function publish(name, source) {
  const child = spawn(process.execPath, [BIN, 'publish', 'bench', '--user-id', name, ...source, '--resolution', '640x360', '--fps', '30', '--bitrate', '800', '--endpoint-url', url], { env, stdio: 'ignore' });
  publishers.push(child);
  return child;
}
async function publishing(count) {
  for (;;) {
    if ((await whipPublishers(home, url)).filter((p) => p.publishStartedAt).length >= count) return;
    await sleep(100);
  }
}

await cli('stage', 'create', '--name', 'bench');
await cli('encoder-config', 'create', '--name', 'hd', '--width', '1280', '--height', '720', '--framerate', '30', '--bitrate', '2500000');
for (let i = 0; i < PUBLISHERS; i++) {
  publish(`p${i}`, ['--test-pattern']);
  await publishing(i + 1);
}
const { composition } = await cli('composition', 'start', 'bench', '--channel', 'arn:aws:ivs:us-east-1:123456789012:channel/AbCdEfGhIjKl', '--encoder', 'hd');
const compositionId = composition.arn.split('/').pop();
const playback = `${url}/playback/${compositionId}/live.m3u8`;
let renderer;
while (!(renderer = pidWith(`.${compositionId}.sdp`))) await sleep(200);
await sleep(3000); // past probing and the first segments
const load = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
const emulatorBefore = cpuSeconds(emulator.pid);
const t0 = performance.now();
const rendererCores = await coresOver(renderer, SECONDS, async () => (await fetch(playback)).text());
const emulatorCores = (cpuSeconds(emulator.pid) - emulatorBefore) / ((performance.now() - t0) / 1000);

// The bare pipeline: the same streams as files (made first, not measured), read in real time.
const work = mkdtempSync(join(tmpdir(), 'ivsrt-bench-xstack-'));
const inputs = [];
for (let i = 0; i < PUBLISHERS; i++) {
  const file = join(work, `in${i}.mkv`);
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', `testsrc2=size=640x360:rate=30`, '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', String(SECONDS + 8),
    '-c:v', 'libx264', '-profile:v', 'baseline', '-preset', 'veryfast', '-tune', 'zerolatency', '-b:v', '800k', '-g', '60', '-c:a', 'libopus', '-b:a', '64k', '-ac', '2', file]);
  inputs.push('-re', '-i', file);
}
const grid = ['0_0', 'w0_0', '0_h0', 'w0_h0'].slice(0, PUBLISHERS).join('|');
const bare = spawn('ffmpeg', ['-v', 'error', ...inputs, '-filter_complex',
  `${inputs.filter((a) => a.endsWith('.mkv')).map((_, i) => `[${i}:v]`).join('')}xstack=inputs=${PUBLISHERS}:layout=${grid}:fill=black,scale=1280:720[v];${inputs.filter((a) => a.endsWith('.mkv')).map((_, i) => `[${i}:a]`).join('')}amix=inputs=${PUBLISHERS}[a]`,
  '-map', '[v]', '-map', '[a]', '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-r', '30', '-g', '30', '-b:v', '2500000', '-maxrate', '2500000', '-bufsize', '5000000',
  '-c:a', 'aac', '-b:a', '128k', '-f', 'hls', '-hls_time', '1', '-hls_list_size', '10', '-hls_flags', 'delete_segments', join(work, 'live.m3u8')], { stdio: 'ignore' });
await sleep(3000);
const bareCores = await coresOver(bare.pid, SECONDS, async () => readFileSync(join(work, 'live.m3u8'), 'utf8'));
bare.kill('SIGKILL');
rmSync(work, { recursive: true, force: true });
console.log(`load average ${load}; ${PUBLISHERS} x 640x360p30 publishers into 1280x720p30 2.5 Mbps, ${SECONDS} s`);
const figures = (r) => `${r.cores.toFixed(2)} core while running; ${r.perVideoSecond.toFixed(2)} CPU s per second of video (${r.written} s written in ${SECONDS} s)`;
console.log(`composition renderer (ffmpeg): ${figures(rendererCores)}; emulator process (RTP to it): ${emulatorCores.toFixed(2)} core`);
console.log(`bare ffmpeg xstack pipeline:    ${figures(bareCores)}`);

// Layout changes: a red publisher joins (a new tile) and leaves (the tiles re-lay); each timed to the first
// live segment whose frame shows the change at the red tile's centre.
const newest = async () => {
  const text = await (await fetch(playback)).text();
  const segment = text.trim().split('\n').pop();
  const file = join(home, 'segment.ts');
  writeFileSync(file, Buffer.from(await (await fetch(new URL(segment, playback))).arrayBuffer()));
  return { segment, file };
};
/** Red at the centre of the tile a fifth publisher takes (layout.ts: the second of two centred in the bottom row, 641,361 424x238). */
async function redShown() {
  try {
    const { file } = await newest();
    const rgb = execFileSync('ffmpeg', ['-v', 'quiet', '-i', file, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 16 << 20 });
    const i = (480 * 1280 + 853) * 3;
    return rgb[i] > 200 && rgb[i + 1] < 60 && rgb[i + 2] < 60;
  } catch {
    return undefined; // no segment yet, or one without a picture (a restart's first)
  }
}
async function timeUntil(shown) {
  const start = performance.now();
  while ((await redShown()) !== shown) await sleep(50);
  return (performance.now() - start) / 1000;
}
const latencies = [];
if (PUBLISHERS === 4) {
  for (let i = 0; i < CHANGES; i++) {
    const red = publish('red', ['--color', 'red']);
    await publishing(PUBLISHERS + 1);
    latencies.push(['join', await timeUntil(true)]);
    const t = performance.now();
    red.kill('SIGINT');
    await new Promise((resolve) => red.once('exit', resolve));
    const leftAfter = (performance.now() - t) / 1000;
    latencies.push(['leave', leftAfter + (await timeUntil(false))]);
  }
}

for (const p of publishers) p.kill('SIGINT');
await sleep(1500);
emulator.kill('SIGINT');
await new Promise((resolve) => emulator.once('exit', resolve));
rmSync(home, { recursive: true, force: true });

for (const [what, seconds] of latencies) console.log(`layout change on ${what}: ${seconds.toFixed(2)} s`);
