// Subscribe (SFU) benchmark: one WHIP publisher at a given bitrate, then 1, 10 and N subscribers, side by
// side in one run. For each step: the emulator's CPU (its process, from /proc) over a steady window, per
// subscriber above the publisher-only baseline, and its RSS; for every subscription, the time from its POST
// to its first complete key frame (the first frame a decoder can decode); and the share of the packets sent
// in its window that each subscriber received.
//
// The publisher and the subscribers are node-datachannel peers in this process (no encoders or decoders
// competing for the CPU): the publisher sends synthetic H.264 RTP (a key frame with its SPS every 2 s, and
// at once when a PLI arrives, as real encoders do; 1,200-byte packets paced at the bitrate, 30 frames/s).
//
//   node bench/subscribe.mjs [--mbps 2.5] [--subscribers 50] [--seconds 10]
import { readFileSync } from 'node:fs';
import ndc from 'node-datachannel';
import { benchEmulator, cpuSeconds, numberArg, rssBytes, sleep } from './spawn-emulator.mjs';
import { syntheticH264 } from './synthetic-h264.mjs';

const MBPS = numberArg('mbps', 2.5);
const MAX_SUBSCRIBERS = numberArg('subscribers', 50);
const SECONDS = numberArg('seconds', 10);
const STEPS = [...new Set([1, 10, MAX_SUBSCRIBERS])].filter((n) => n <= MAX_SUBSCRIBERS);
const { emulator, cli } = await benchEmulator('subscribe');
const gathered = (pc) => new Promise((resolve) => (pc.gatheringState() === 'complete' ? resolve() : pc.onGatheringStateChange((s) => s === 'complete' && resolve())));
// Offers leave their candidates out, as `ivsrt publish` and `ivsrt subscribe` do (src/media/webrtc-client.ts).
const noCandidates = (sdp) => sdp.replace(/^a=(?:candidate:.*|end-of-candidates)\r?\n/gm, '');

await cli('stage', 'create', '--name', 'bench');
const whip = await cli('stage', 'get', 'bench', '--query', 'stage.endpoints.whip');
const token = (capabilities) => cli('token', 'create', 'bench', '--capabilities', capabilities, '--query', 'participantToken.token');

// ---- the publisher ------------------------------------------------------------------------------
const publisherToken = await token('publish');
const publisherId = JSON.parse(Buffer.from(publisherToken.split('.')[1], 'base64url').toString()).jti;
const pub = new ndc.PeerConnection('bench-publisher', { iceServers: [] });
const video = new ndc.Video('0', 'SendOnly');
video.addH264Codec(96);
video.addSSRC(4242, 'bench', 'bench', 'video');
const track = pub.addTrack(video);
let keyframeWanted = true;
let plis = 0;
track.onMessage((rtcp) => {
  if (rtcp[1] === 206 && (rtcp[0] & 0x1f) === 1) {
    plis++;
    keyframeWanted = true;
  }
});
const pubConnected = new Promise((resolve) => pub.onStateChange((s) => s === 'connected' && resolve()));
pub.setLocalDescription();
await gathered(pub);
{
  const res = await fetch(whip, { method: 'POST', headers: { 'Content-Type': 'application/sdp', Authorization: `Bearer ${publisherToken}` }, body: noCandidates(pub.localDescription().sdp) });
  if (res.status !== 201) throw new Error(`publish: ${res.status} ${await res.text()}`);
  pub.setRemoteDescription(await res.text(), 'answer');
}
await pubConnected;
await new Promise((resolve) => (track.isOpen() ? resolve() : track.onOpen(resolve)));

const FPS = 30;
const h264 = syntheticH264({ mbps: MBPS, fps: FPS, ssrc: 4242 });
const packetsPerFrame = h264.packetsPerFrame;
let packetsSent = 0;
/** One frame: a key frame every 2 s or when a PLI asked for one. */
function sendFrame() {
  const key = keyframeWanted || h264.frames % (FPS * 2) === 0;
  keyframeWanted = false;
  for (const p of h264.next(key)) if (track.sendMessageBinary(p)) packetsSent++;
}
const started = Date.now();
const pacer = setInterval(() => {
  const due = Math.floor(((Date.now() - started) * FPS) / 1000);
  while (h264.frames < due) sendFrame();
}, 5);

// ---- the subscribers ----------------------------------------------------------------------------
const subscribers = [];
async function subscribe(i) {
  const viewerToken = await token('subscribe');
  const pc = new ndc.PeerConnection(`bench-sub-${i}`, { iceServers: [] });
  const audio = new ndc.Audio('0', 'RecvOnly');
  audio.addOpusCodec(111);
  const v = new ndc.Video('1', 'RecvOnly');
  v.addH264Codec(96, 'profile-level-id=42e01f;packetization-mode=1;level-asymmetry-allowed=1');
  const sub = { pc, tracks: [pc.addTrack(audio), pc.addTrack(v)], received: 0, lastSeq: undefined, ttffMs: undefined, posted: 0, frameHasIdr: false, ts: -1 };
  sub.tracks[1].onMessage((m) => {
    if (m.length < 14 || (m[1] >= 192 && m[1] <= 223)) return; // RTCP (RFC 5761 §4)
    const s = m.readUInt16BE(2);
    sub.received++;
    sub.lastSeq = s;
    const ts = m.readUInt32BE(4);
    if (ts !== sub.ts) {
      sub.ts = ts;
      sub.frameHasIdr = false;
    }
    const nal = m[12] & 0x1f;
    if ((nal === 28 && (m[13] & 0x1f) === 5) || nal === 5) sub.frameHasIdr = true;
    if (m[1] & 0x80 && sub.frameHasIdr && sub.ttffMs === undefined) sub.ttffMs = performance.now() - sub.posted;
  });
  const connected = new Promise((resolve) => pc.onStateChange((s) => s === 'connected' && resolve()));
  pc.setLocalDescription();
  await gathered(pc);
  sub.posted = performance.now();
  const res = await fetch(`${whip}/subscribe/${publisherId}`, { method: 'POST', headers: { 'Content-Type': 'application/sdp', Authorization: `Bearer ${viewerToken}` }, body: noCandidates(pc.localDescription().sdp) });
  if (res.status !== 201) throw new Error(`subscribe: ${res.status} ${await res.text()}`);
  pc.setRemoteDescription(await res.text(), 'answer');
  await connected;
  while (sub.ttffMs === undefined) await sleep(10);
  subscribers.push(sub);
}

const results = [];
async function measure(count) {
  await sleep(2_000); // settle
  const windowStart = new Map(subscribers.map((s) => [s, { received: s.received, seq: s.lastSeq }]));
  const cpu0 = cpuSeconds(emulator.pid);
  const t0 = performance.now();
  await sleep(SECONDS * 1000);
  const cpu = (cpuSeconds(emulator.pid) - cpu0) / ((performance.now() - t0) / 1000);
  const shares = subscribers.map((s) => {
    const start = windowStart.get(s);
    const expected = ((s.lastSeq - start.seq + 0x10000) & 0xffff);
    return expected > 0 ? (s.received - start.received) / expected : 1;
  });
  results.push({ subscribers: count, cpuCores: cpu, rssMB: rssBytes(emulator.pid) / 2 ** 20, minShare: shares.length ? Math.min(...shares) : undefined });
}

await measure(0);
for (const step of STEPS) {
  while (subscribers.length < step) await subscribe(subscribers.length);
  await measure(step);
}
clearInterval(pacer);

const ttff = subscribers.map((s) => s.ttffMs).sort((a, b) => a - b);
const pct = (p) => ttff[Math.min(ttff.length - 1, Math.ceil((p / 100) * ttff.length) - 1)];
const base = results[0].cpuCores;
const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(`one publisher at ${MBPS} Mbps (${packetsPerFrame * FPS} packets/s), ${SECONDS} s windows; load average ${load}; ${plis} PLIs reached the publisher`);
console.log('| subscribers | emulator CPU (cores) | CPU per subscriber above the publisher alone | RSS (MB) | least share of packets received by a subscriber |');
console.log('|---:|---:|---:|---:|---:|');
for (const r of results) {
  const per = r.subscribers ? ((r.cpuCores - base) / r.subscribers).toFixed(4) : '—';
  console.log(`| ${r.subscribers} | ${r.cpuCores.toFixed(3)} | ${per} | ${r.rssMB.toFixed(0)} | ${r.minShare === undefined ? '—' : `${(r.minShare * 100).toFixed(2)}%`} |`);
}
console.log(`POST → first complete key frame over ${ttff.length} subscriptions: p50 ${pct(50).toFixed(0)} ms, p99 ${pct(99).toFixed(0)} ms, max ${ttff.at(-1).toFixed(0)} ms`);

for (const s of subscribers) s.pc.close();
pub.close();
emulator.kill('SIGTERM');
await new Promise((resolve) => emulator.once('exit', resolve));
ndc.cleanup();
