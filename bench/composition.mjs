// Composition benchmark.
// 1. CPU: the emulator's composition renderer for N publishers of 360p into a 720p30 channel output, side
//    by side with a bare ffmpeg xstack pipeline doing the same work (N H.264 360p30 streams with Opus
//    decoded, stacked 2x2, x264 veryfast 720p30 2.5 Mbps and AAC to HLS).
// 2. Re-layout latency, each from the moment of the change to the first live segment whose picture shows
//    the new layout (what a player can fetch; a segment is half a second):
//    - arrive: a red publisher's PUBLISH_STARTED, to red in the fifth tile;
//    - exchange: its token exchange giving it rank=0 (participantOrderAttribute), to red in the first tile;
//    - leave: its `ivsrt publish` interrupted, to the first tile's own colour back;
//    - mute: an aiortc publisher (Debian's python3-aiortc) stopping its video while it stays published, to
//      the placeholder in its tile.
//
//   node bench/composition.mjs [--publishers 4] [--seconds 20] [--changes 3]
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { adminHeaders, benchEmulator, BIN, cpuSeconds, numberArg, sleep, whipPublishers } from './spawn-emulator.mjs';

const PUBLISHERS = numberArg('publishers', 4);
const SECONDS = numberArg('seconds', 20);
const CHANGES = numberArg('changes', 3);
const AIORTC = fileURLToPath(new URL('../test/subscribe/aiortc_client.py', import.meta.url));
const { home, env, emulator, url, cli: run } = await benchEmulator('composition');
const publishers = new Set();
// Whatever happens, nothing this benchmark started outlives it.
process.on('exit', () => {
  for (const p of publishers) p.kill('SIGKILL');
  emulator.kill('SIGKILL');
});
const cli = async (...args) => JSON.parse((await run(...args, '--json')) || '{}');

/** The number of the newest segment a live playlist lists. */
const newestSegmentNumber = (text) => Math.max(-1, ...[...text.matchAll(/(\d+)\.ts$/gm)].map((m) => Number(m[1])));
/**
 * Cores used by `pid` over `seconds`, and its CPU seconds per second of video it wrote (`playlist` reads
 * its live playlist): on a loaded machine a starved process uses less CPU but also falls behind real
 * time, so the second figure is the cost of the work itself.
 */
async function coresOver(pid, seconds, playlist, segmentSeconds) {
  const before = cpuSeconds(pid);
  const firstSegment = newestSegmentNumber(await playlist());
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const used = cpuSeconds(pid) - before;
  const written = (newestSegmentNumber(await playlist()) - firstSegment) * segmentSeconds;
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

function track(child) {
  publishers.add(child);
  child.once('exit', () => publishers.delete(child));
  return child;
}
const publish = (source) => track(spawn(process.execPath, [BIN, 'publish', 'bench', ...source, '--resolution', '640x360', '--fps', '30', '--bitrate', '800', '--endpoint-url', url], { env, stdio: 'ignore' }));
async function publishing(count) {
  while ((await whipPublishers(home, url)).filter((p) => p.publishStartedAt).length < count) await sleep(100);
}
const ended = (child) => new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));

await cli('stage', 'create', '--name', 'bench');
const { encoderConfiguration } = await cli('encoder-config', 'create', '--name', 'hd', '--width', '1280', '--height', '720', '--framerate', '30', '--bitrate', '2500000');
const base = [];
for (let i = 0; i < PUBLISHERS; i++) {
  base.push(publish(['--user-id', `p${i}`, '--test-pattern']));
  await publishing(i + 1);
}
const CHANNEL = 'arn:aws:ivs:us-east-1:123456789012:channel/AbCdEfGhIjKl';
let { composition } = await cli('composition', 'start', 'bench', '--channel', CHANNEL, '--encoder', 'hd');
let compositionId = composition.arn.split('/').pop();
let playback = `${url}/playback/${compositionId}/live.m3u8`;
let renderer;
// The renderer's ffmpeg reads its session description from .<compositionId>-<n>.sdp.
while (!(renderer = pidWith(`.${compositionId}-`))) await sleep(200);
await sleep(3000); // past probing and the first segments
const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const emulatorBefore = cpuSeconds(emulator.pid);
const t0 = performance.now();
// The renderer's live segments are half a second (src/emulator/media/composition/output.ts), the bare pipeline's one.
const rendererCores = await coresOver(renderer, SECONDS, async () => (await fetch(playback)).text(), 0.5);
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
const bareCores = await coresOver(bare.pid, SECONDS, async () => readFileSync(join(work, 'live.m3u8'), 'utf8'), 1);
bare.kill('SIGKILL');
rmSync(work, { recursive: true, force: true });
console.log(`load average ${load}; ${PUBLISHERS} x 640x360p30 publishers into 1280x720p30 2.5 Mbps, ${SECONDS} s`);
const figures = (r) => `${r.cores.toFixed(2)} core while running; ${r.perVideoSecond.toFixed(2)} CPU s per second of video (${r.written} s written in ${SECONDS} s)`;
console.log(`composition renderer (ffmpeg): ${figures(rendererCores)}; emulator process (RTP to it): ${emulatorCores.toFixed(2)} core`);
console.log(`bare ffmpeg xstack pipeline:    ${figures(bareCores)}`);

// ---- re-layout latency --------------------------------------------------------------------------
// Solid colours, so that a tile's centre says who is there: blue, green, yellow, white in the first four
// tiles, by rank; a fifth publisher (red, or the aiortc one's cyan) after them.
if (PUBLISHERS === 4) {
  await cli('composition', 'stop', composition.arn, '--yes');
  for (const child of base) child.kill('SIGINT');
  await Promise.all(base.map(ended));
  const colours = ['blue', 'green', 'yellow', 'white'];
  for (const [i, colour] of colours.entries()) {
    const token = await cli('token', 'create', 'bench', '--user-id', colour, '--capabilities', 'publish', '--attributes', `rank=${i + 1}`);
    publish(['--token', token.participantToken.token, '--color', colour]);
    await publishing(i + 1);
  }
  const request = join(home, 'start.json');
  writeFileSync(request, JSON.stringify({ layout: { grid: { participantOrderAttribute: 'rank' } }, destinations: [{ channel: { channelArn: CHANNEL, encoderConfigurationArn: encoderConfiguration.arn } }] }));
  ({ composition } = await cli('composition', 'start', 'bench', '--input', request));
  compositionId = composition.arn.split('/').pop();
  playback = `${url}/playback/${compositionId}/live.m3u8`;

  // Tile centres on 1280x720 with gap 2 (src/composition/layout.ts): five tiles, 3 + 2 centred.
  const FIRST = { x: 214, y: 240 };
  const FIFTH = { x: 853, y: 480 };
  const RGB = { red: [255, 0, 0], blue: [0, 0, 255], cyan: [0, 255, 255], placeholder: [0x40, 0x40, 0x40] };
  const near = (got, want) => got.every((v, i) => Math.abs(v - want[i]) <= 48);
  /** The first frame of the newest live segment, as RGB (undefined while there is none, or a restart's first has no picture). */
  async function newestFrame() {
    try {
      const text = await (await fetch(playback)).text();
      const segment = text.trim().split('\n').pop();
      if (!segment.endsWith('.ts')) return undefined;
      const file = join(home, 'segment.ts');
      writeFileSync(file, Buffer.from(await (await fetch(new URL(segment, playback))).arrayBuffer()));
      return execFileSync('ffmpeg', ['-v', 'quiet', '-i', file, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 16 << 20 });
    } catch {
      return undefined;
    }
  }
  const pixel = (frame, { x, y }) => [...frame.subarray((y * 1280 + x) * 3, (y * 1280 + x) * 3 + 3)];
  /** Seconds from `since` (performance.now()) until a live frame has `colour` at `where`. */
  async function secondsUntil(since, where, colour) {
    for (;;) {
      const frame = await newestFrame();
      if (frame && near(pixel(frame, where), RGB[colour])) return (performance.now() - since) / 1000;
      await sleep(50);
    }
  }
  await secondsUntil(performance.now(), FIRST, 'blue');

  // A self-signed token for the red publisher, so that it can be exchanged for one with other attributes.
  const key = join(home, 'key.pem');
  await cli('public-key', 'create', '--name', 'bench-key', '--out', key);
  // Each round's red publisher is a participant of its own: with the first round's participant id signed
  // again, the second round's red publisher was drawn in the first tile at once (rank=0, as exchanged in
  // the first round), and the wait for it in the fifth never ended.
  const sign = async (round, attributes) =>
    (await cli('token', 'sign', 'bench', '--key', key, '--public-key', 'bench-key', '--participant-id', `swapper-${round}`, '--user-id', 'red', '--capabilities', 'publish', ...(attributes ? ['--attributes', attributes] : []))).participantToken.token;
  const latencies = [];
  const measured = (what, seconds) => {
    latencies.push([what, seconds]);
    console.log(`layout change on ${what}: ${seconds.toFixed(2)} s`);
  };
  for (let round = 0; round < CHANGES; round++) {
    const first = await sign(round);
    const red = publish(['--token', first, '--color', 'red']);
    await publishing(PUBLISHERS + 1);
    measured('arrive', await secondsUntil(performance.now(), FIFTH, 'red'));
    let t = performance.now();
    const exchanged = await fetch(`${url}/_ivsrt/exchange`, { method: 'POST', headers: { ...adminHeaders(home, url), 'content-type': 'application/json' }, body: JSON.stringify({ token: first, newToken: await sign(round, 'rank=0') }) });
    if (exchanged.status !== 200) throw new Error(`token exchange: ${exchanged.status} ${await exchanged.text()}`);
    measured('token exchange', await secondsUntil(t, FIRST, 'red'));
    t = performance.now();
    red.kill('SIGINT');
    measured('leave', await secondsUntil(t, FIRST, 'blue'));
    await ended(red);

    const { participantToken } = await cli('token', 'create', 'bench', '--user-id', 'cyan', '--capabilities', 'publish');
    const whip = (await cli('stage', 'get', 'bench')).stage.endpoints.whip;
    const aiortc = track(spawn('/usr/bin/python3', [AIORTC, 'publish', '--url', whip, '--token', participantToken.token, '--colour', '00ffff', '--width', '640', '--height', '360'], { stdio: ['pipe', 'pipe', 'ignore'] }));
    let out = '';
    const said = (event) => new Promise((resolve) => {
      const check = () => out.includes(`"event": "${event}"`) && resolve();
      aiortc.stdout.on('data', (c) => ((out += c), check()));
      check();
    });
    await said('published');
    await secondsUntil(performance.now(), FIFTH, 'cyan');
    aiortc.stdin.write('stop-video\n');
    await said('video-stopped');
    measured('mute (video stops)', await secondsUntil(performance.now(), FIFTH, 'placeholder'));
    aiortc.stdin.end();
    await ended(aiortc);
    await secondsUntil(performance.now(), FIRST, 'blue');
  }
  const kinds = [...new Set(latencies.map(([what]) => what))];
  const worst = kinds.map((what) => `${what} ${Math.max(...latencies.filter(([w]) => w === what).map(([, s]) => s)).toFixed(2)} s`);
  console.log(`worst of ${CHANGES}: ${worst.join('; ')}`);
}

for (const p of publishers) p.kill('SIGINT');
await sleep(1500);
emulator.kill('SIGINT');
await ended(emulator);
rmSync(home, { recursive: true, force: true });
