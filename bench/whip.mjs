// WHIP ingest benchmark: the emulator's CPU and memory with N publishers at a given bitrate each, and the
// time from the POST of the offer to PUBLISH_STARTED. The publishers are node-datachannel peers in this
// process sending synthetic H.264 RTP (an SPS, then paced 1,200-byte packets) — the emulator decrypts and
// measures every packet as it would real media, without a dozen x264 encoders competing for the CPU.
//
//   node bench/whip.mjs [--publishers 12] [--mbps 2.5] [--seconds 20]
import { rmSync } from 'node:fs';
import ndc from 'node-datachannel';
import { benchEmulator, cpuSeconds, numberArg, rssBytes, whipPublishers } from './spawn-emulator.mjs';

const PUBLISHERS = numberArg('publishers', 12);
const MBPS = numberArg('mbps', 2.5);
const SECONDS = numberArg('seconds', 20);
const { home, emulator, url, cli } = await benchEmulator('whip');


await cli('stage', 'create', '--name', 'bench');
const whip = await cli('stage', 'get', 'bench', '--query', 'stage.endpoints.whip');
const SPS = Buffer.from('674d401feca02802dd8088000003000800000301e078c18cb0', 'hex'); // 1280x720

async function publisher(i) {
  const token = await cli('token', 'create', 'bench', '--user-id', `bench-${i}`, '--capabilities', 'publish', '--query', 'participantToken.token');
  const pc = new ndc.PeerConnection(`bench-${i}`, { iceServers: [] });
  const video = new ndc.Video('0', 'SendOnly');
  video.addH264Codec(96);
  const ssrc = 1000 + i;
  video.addSSRC(ssrc, 'bench', 'bench', 'video');
  const track = pc.addTrack(video);
  const connected = new Promise((resolve) => pc.onStateChange((s) => s === 'connected' && resolve()));
  const gathered = new Promise((resolve) => pc.onGatheringStateChange((s) => s === 'complete' && resolve()));
  pc.setLocalDescription();
  await gathered;
  const offer = pc.localDescription().sdp.replace(/^a=(?:candidate:.*|end-of-candidates)\r?\n/gm, '');
  const res = await fetch(whip, { method: 'POST', headers: { 'Content-Type': 'application/sdp', Authorization: `Bearer ${token}` }, body: offer });
  if (res.status !== 201) throw new Error(`POST ${res.status}: ${await res.text()}`);
  pc.setRemoteDescription(await res.text(), 'answer');
  await connected;
  let seq = 0;
  let ts = 0;
  const packet = (payload, marker) => {
    const header = Buffer.alloc(12);
    header[0] = 0x80;
    header[1] = (marker ? 0x80 : 0) | 96;
    header.writeUInt16BE(seq++ & 0xffff, 2);
    header.writeUInt32BE(ts >>> 0, 4);
    header.writeUInt32BE(ssrc, 8);
    return Buffer.concat([header, payload]);
  };
  const body = Buffer.alloc(1200, 0x41);
  body[0] = 0x41; // a non-IDR slice NAL header
  const perTick = (MBPS * 1e6) / 8 / 1200 / 100; // packets per 10 ms
  let owed = 0;
  let tick = 0;
  const timer = setInterval(() => {
    if (!track.isOpen()) return;
    if (tick % 100 === 0) track.sendMessageBinary(packet(SPS, false));
    tick++;
    owed += perTick;
    ts += 900; // 30 frames/s at 90 kHz, 3 ticks a frame
    for (; owed >= 1; owed--) track.sendMessageBinary(packet(body, owed < 2));
  }, 10);
  return { pc, timer };
}

const peers = [];
for (let i = 0; i < PUBLISHERS; i++) peers.push(await publisher(i));
await new Promise((r) => setTimeout(r, 4_000)); // past the emulator's 2 s measuring warm-up
const cpu0 = cpuSeconds(emulator.pid);
const t0 = Date.now();
await new Promise((r) => setTimeout(r, SECONDS * 1000));
const cores = (cpuSeconds(emulator.pid) - cpu0) / ((Date.now() - t0) / 1000);
const rss = rssBytes(emulator.pid);
const list = await whipPublishers(home, url);
const startup = list.map((p) => Date.parse(p.publishStartedAt) - Date.parse(p.postedAt)).sort((a, b) => a - b);
const measured = list.reduce((n, p) => n + p.media.bitrate, 0);
console.log(
  JSON.stringify(
    {
      publishers: list.length,
      targetMbpsEach: MBPS,
      measuredMbpsTotal: Math.round(measured / 1e5) / 10,
      emulatorCores: Math.round(cores * 100) / 100,
      emulatorRssMB: Math.round(rss / 1e6),
      postToPublishStartedMs: { min: startup[0], median: startup[Math.floor(startup.length / 2)], max: startup[startup.length - 1] },
      loadAverage: (await import('node:os')).loadavg().map((l) => Math.round(l * 10) / 10),
    },
    null,
    2,
  ),
);
for (const { pc, timer } of peers) {
  clearInterval(timer);
  pc.close();
}
emulator.kill('SIGTERM');
await new Promise((r) => emulator.once('exit', r));
ndc.cleanup();
rmSync(home, { recursive: true, force: true });
