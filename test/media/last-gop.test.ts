// The group of pictures the composition renderer replays to each new ffmpeg (src/media/last-gop.ts), on real
// RTP: ffmpeg's own RTP muxer sends an H.264 clip (a red key frame, then red and blue P frames, two seconds a
// group), and ffmpeg's RTP demuxer decodes the replay. Pure logic first (which packets are kept, how their
// timestamps are squashed), then the decoder's view: it pictures the replay at once, without the next key
// frame, on a timeline that starts with the newest picture.
import { execFileSync, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { payloadBeginsKeyframe } from '../../src/media/h264.js';
import { LastGop, MAX_GOP_PACKETS } from '../../src/media/last-gop.js';
import { parseRtp } from '../../src/media/rtp.js';
import { RtpFeed } from '../../src/media/rtp-feed.js';
import { findFfmpeg } from '../../src/publish/ffmpeg.js';
import { scratchDir } from '../helpers/scratch.js';

const noFfmpeg = findFfmpeg() === undefined;
if (noFfmpeg) console.warn('skipping the key-frame replay tests: ffmpeg not installed (apt-get install ffmpeg)');
const PT = 96;
const beginsKeyframe = (packet: Uint8Array): boolean => payloadBeginsKeyframe(parseRtp(packet)!.payload);
const WIDTH = 160;
const HEIGHT = 96;
const work = scratchDir('last-gop');

/**
 * The RTP packets ffmpeg's RTP muxer sends for 3 s at 30 fps: red for 1 s, then blue, a key frame every
 * 2 s (frames 0 and 60). Caught on a UDP socket in the order sent (loopback keeps it), once for every case.
 */
let caught: Promise<Uint8Array[]> | undefined;
const realRtp = (): Promise<Uint8Array[]> => (caught ??= catchRtp());

async function catchRtp(): Promise<Uint8Array[]> {
  const socket = createSocket('udp4');
  const packets: Uint8Array[] = [];
  const END = Buffer.from('end');
  const ended = new Promise<void>((resolve) =>
    socket.on('message', (m) => {
      if (m.equals(END)) resolve();
      else packets.push(Uint8Array.from(m));
    }),
  );
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const port = socket.address().port;
  execFileSync('ffmpeg', [
    '-v', 'error', '-f', 'lavfi', '-i', `color=c=red:s=${WIDTH}x${HEIGHT}:r=30:d=1[a];color=c=blue:s=${WIDTH}x${HEIGHT}:r=30:d=2[b];[a][b]concat`,
    '-c:v', 'libx264', '-profile:v', 'baseline', '-preset', 'veryfast', '-tune', 'zerolatency', '-g', '60', '-keyint_min', '60', '-sc_threshold', '0',
    '-f', 'rtp', '-payload_type', String(PT), `rtp://127.0.0.1:${port}?pkt_size=1200`,
  ]);
  // ffmpeg has exited and its packets wait in the socket's queue: a datagram sent now is read after them.
  const sender = createSocket('udp4');
  sender.send(END, port, '127.0.0.1');
  await ended;
  sender.close();
  socket.close();
  return packets;
}

const timestamp = (p: Uint8Array): number => parseRtp(p)!.timestamp;
const sequence = (p: Uint8Array): number => parseRtp(p)!.sequenceNumber;
/** The distinct timestamps of `packets` in order: one per picture. */
const pictures = (packets: Uint8Array[]): number[] => packets.map(timestamp).filter((t, i, all) => i === 0 || all[i - 1] !== t);

describe.skipIf(noFfmpeg)('LastGop on real RTP', () => {
  it('keeps the packets since the last key frame (parameter sets first), squashed to consecutive timestamps ending at the newest picture; nothing before the first key frame', async () => {
    const packets = await realRtp();
    const keys = packets.flatMap((p, i) => (beginsKeyframe(p) ? [i] : []));
    expect(keys.length, 'key-frame packets in the clip').toBeGreaterThan(0);
    const gop = new LastGop();
    // Before any key frame: nothing to replay.
    for (const p of packets.slice(keys.at(-1)! + 1, keys.at(-1)! + 5)) gop.push(p);
    expect(gop.replay()).toEqual([]);

    // Cut at the 45th picture of the first group (blue P frames): the replay is the group up to there.
    const firstGop = new LastGop();
    const stamps = pictures(packets);
    const cut = packets.findIndex((p) => timestamp(p) === stamps[45]);
    const sent = packets.slice(0, cut);
    for (const p of sent) firstGop.push(p);
    const replay = firstGop.replay();
    expect(replay.length).toBe(sent.length);
    expect(beginsKeyframe(replay[0]!)).toBe(true);
    expect(replay.map(sequence)).toEqual(sent.map(sequence));
    expect(replay.map((p) => Buffer.from(parseRtp(p)!.payload).toString('hex'))).toEqual(sent.map((p) => Buffer.from(parseRtp(p)!.payload).toString('hex')));
    const squashed = pictures(replay);
    expect(squashed).toHaveLength(45);
    expect(squashed.at(-1)).toBe(timestamp(sent.at(-1)!));
    for (let i = 1; i < squashed.length; i++) expect((squashed[i]! - squashed[i - 1]!) >>> 0).toBe(1);

    // A later key frame starts the group again, parameter sets and all.
    for (const p of packets.slice(cut)) firstGop.push(p);
    const second = firstGop.replay();
    const secondKey = keys.find((k) => k >= cut)!;
    expect(second.map(sequence)).toEqual(packets.slice(secondKey).map(sequence));
  });

  it('drops a group that grows past MAX_GOP_PACKETS until the next key frame', async () => {
    const packets = await realRtp();
    const key = packets.find(beginsKeyframe)!;
    const delta = packets.find((p) => !beginsKeyframe(p) && timestamp(p) !== timestamp(key))!;
    const gop = new LastGop();
    gop.push(key);
    for (let i = 0; i < MAX_GOP_PACKETS; i++) gop.push(delta);
    expect(gop.replay()).toEqual([]);
    gop.push(delta);
    expect(gop.replay()).toEqual([]);
    gop.push(key);
    expect(gop.replay()).toHaveLength(1);
  });

  it('ffmpeg decodes a replay cut mid-group at once: every replayed picture, the newest blue, all at the start of its timeline, then the live pictures 1/30 s apart', async () => {
    const packets = await realRtp();
    const stamps = pictures(packets);
    const cut = packets.findIndex((p) => timestamp(p) === stamps[45]);
    // The live pictures that follow, up to (not including) the next key frame.
    const nextKey = packets.findIndex((p, i) => i > cut && beginsKeyframe(p));
    const gop = new LastGop();
    for (const p of packets.slice(0, cut)) gop.push(p);
    const replay = gop.replay();
    const live = packets.slice(cut, nextKey);
    const livePictures = pictures(live).length;

    const feed = new RtpFeed([{ kind: 'video', payloadType: PT }]);
    await feed.open();
    const sdp = join(work, 'replay.sdp');
    writeFileSync(sdp, feed.sdp('last-gop test'));
    // Every replayed picture and all but the last live one (whose end ffmpeg learns only from a next
    // picture); one decoding thread, so that no picture is held back for the threads' pipeline.
    const frames = 45 + livePictures - 1;
    const ffmpeg = spawn('ffmpeg', [
      '-hide_banner', '-loglevel', 'info', '-nostdin', '-protocol_whitelist', 'file,udp,rtp', '-fpsprobesize', '0', '-threads', '1', '-i', sdp,
      '-vf', 'showinfo', '-fps_mode', 'passthrough', '-frames:v', String(frames), '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1',
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let log = '';
    ffmpeg.stdout.on('data', (c: Buffer) => out.push(c));
    ffmpeg.stderr.on('data', (c: Buffer) => (log += c.toString()));
    for (const p of [...replay, ...live]) feed.send(0, p);
    const exited = new Promise<number | null>((resolve) => ffmpeg.once('exit', resolve));
    await feed.release(ffmpeg);
    expect(await exited, log).toBe(0);
    feed.close();

    const video = Buffer.concat(out);
    const frameBytes = WIDTH * HEIGHT * 3;
    expect(video.length).toBe(frames * frameBytes);
    const centre = (n: number): number[] => [...video.subarray(n * frameBytes + (HEIGHT / 2 * WIDTH + WIDTH / 2) * 3).subarray(0, 3)];
    const near = (got: number[], want: number[]): boolean => got.every((v, i) => Math.abs(v - want[i]!) <= 40);
    expect(near(centre(0), [255, 0, 0]), `first picture ${centre(0)}`).toBe(true);
    expect(near(centre(44), [0, 0, 255]), `newest replayed picture ${centre(44)}`).toBe(true);
    const times = [...log.matchAll(/\] n: *\d+ pts: *\d+ pts_time:([\d.e+-]+)/g)].map((m) => Number(m[1]));
    expect(times.length).toBeGreaterThanOrEqual(frames);
    // The replay takes 45 ticks of the 90 kHz clock; the live pictures follow 1/30 s apart.
    expect(times[44]!).toBeLessThan(0.001);
    expect(times[45]! - times[44]!).toBeCloseTo(1 / 30, 3);
  });
});
