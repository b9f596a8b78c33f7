// What `ivsrt subscribe` measures, as pure logic on hand-made RTP: frames, loss from sequence gaps (across
// the 16-bit wrap), jitter, the time to the first complete key frame, and the live line it shows.
import { describe, expect, it } from 'vitest';
import { formatReceiving } from '../../src/subscribe/progress.js';
import { Receiver } from '../../src/subscribe/receiver.js';

const SPS_1280x720 = Buffer.from('674d401feca02802dd8088000003000800000301e078c18cb0', 'hex');

function rtp(seq: number, timestamp: number, payload: Buffer, marker = false): Buffer {
  const header = Buffer.alloc(12);
  header[0] = 0x80;
  header[1] = (marker ? 0x80 : 0) | 96;
  header.writeUInt16BE(seq & 0xffff, 2);
  header.writeUInt32BE(timestamp >>> 0, 4);
  header.writeUInt32BE(7, 8);
  return Buffer.concat([header, payload]);
}
const fu = (type: number, start: boolean, end: boolean) => Buffer.from([0x60 | 28, (start ? 0x80 : 0) | (end ? 0x40 : 0) | type, 1, 2, 3]);
const stapWithSps = () => Buffer.concat([Buffer.from([24, 0, SPS_1280x720.length]), SPS_1280x720]);

describe('Receiver', () => {
  it('counts frames by marker, reads the size from the SPS, and times the first complete key frame from the POST', () => {
    let now = 1_000;
    const r = new Receiver(1_000, () => now);
    now = 1_100;
    r.onVideo(rtp(10, 0, fu(1, true, true), true)); // a P frame before any key frame: not decodable
    expect(r.firstFrame).toBe(false);
    now = 1_250;
    r.onVideo(rtp(11, 3000, stapWithSps()));
    r.onVideo(rtp(12, 3000, fu(5, true, false)));
    now = 1_300;
    r.onVideo(rtp(13, 3000, fu(5, false, true), true));
    const s = r.sample();
    expect(s).toMatchObject({ width: 1280, height: 720, framesReceived: 2, packetsReceived: 4, packetsLost: 0, timeToFirstFrameMs: 300 });
  });

  it('counts loss from sequence-number gaps across the 16-bit wrap, video and audio apart', () => {
    const r = new Receiver(0, () => 0);
    for (const seq of [65_534, 65_535, 1, 2]) r.onVideo(rtp(seq, seq, fu(1, true, true), true)); // 0 lost
    for (const seq of [100, 101, 105]) r.onAudio(rtp(seq, seq * 960, Buffer.from([1]))); // 102-104 lost
    const s = r.sample();
    expect(s.packetsReceived).toBe(7);
    expect(s.packetsLost).toBe(4);
    expect(s.lossPercent).toBeCloseTo((4 / 11) * 100, 1);
  });

  it('has no jitter for packets that arrive as their timestamps say, and some when they do not (RFC 3550 §6.4.1)', () => {
    let now = 0;
    const steady = new Receiver(0, () => now);
    for (let i = 0; i < 30; i++) {
      now = i * 33;
      steady.onVideo(rtp(i, i * 33 * 90, fu(1, true, true), true));
    }
    expect(steady.sample().jitterMs).toBe(0);
    const bumpy = new Receiver(0, () => now);
    for (let i = 0; i < 30; i++) {
      now = i * 33 + (i % 2) * 20;
      bumpy.onVideo(rtp(i, i * 33 * 90, fu(1, true, true), true));
    }
    expect(bumpy.sample().jitterMs).toBeGreaterThan(5);
  });
});

describe('formatReceiving', () => {
  it('shows resolution, frame rate, bitrate, loss, jitter and the time to the first frame', () => {
    const line = formatReceiving({ seconds: 3, connectionState: 'connected', width: 640, height: 360, fps: 30, bitrate: 1_250_000, framesReceived: 90, packetsReceived: 500, packetsLost: 1, lossPercent: 0.2, jitterMs: 1.5, bytesReceived: 1, timeToFirstFrameMs: 120 });
    expect(line).toBe('connected · 640x360 · 30 fps · 1.25 Mbit/s · loss 0.2% · jitter 1.5 ms · first frame 120 ms');
    expect(formatReceiving({ seconds: 1, connectionState: 'connected', fps: 0, bitrate: 0, framesReceived: 0, packetsReceived: 0, packetsLost: 0, lossPercent: 0, jitterMs: 0, bytesReceived: 0 })).toBe(
      'connected · waiting for a key frame · 0 fps · 0.00 Mbit/s · loss 0% · jitter 0 ms',
    );
  });
});
