// The recorder starts each part of a recording at a video key frame, and asks the publisher for one (an
// RTCP PLI) as the part starts and again until it comes: pure logic, on fake timers, with RTP packets made
// here (ffmpeg kept off the PATH, so what would go to it stays in the recorder's buffer).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { payloadBeginsKeyframe } from '../../src/media/h264.js';
import { parseRtp } from '../../src/media/rtp.js';
import { Recorder } from '../../src/emulator/media/whip/recorder.js';

const VIDEO = 96;
const AUDIO = 111;

function rtp(payloadType: number, sequence: number, payload: number[]): Uint8Array {
  const packet = Buffer.alloc(12 + payload.length);
  packet[0] = 0x80;
  packet[1] = payloadType;
  packet.writeUInt16BE(sequence, 2);
  packet.writeUInt32BE(sequence * 3000, 4);
  packet.writeUInt32BE(0x1234, 8);
  Buffer.from(payload).copy(packet, 12);
  return packet;
}
const slice = (seq: number) => rtp(VIDEO, seq, [0x41, 0x9a, 0x00]); // NAL 1: a frame that needs the ones before it
const sps = (seq: number) => rtp(VIDEO, seq, [0x67, 0x42, 0xc0, 0x1f]); // NAL 7: parameter sets, sent with each key frame
const idrStart = (seq: number) => rtp(VIDEO, seq, [0x7c, 0x85, 0x88]); // FU-A, start bit, NAL 5
const stapWithSps = (seq: number) => rtp(VIDEO, seq, [0x78, 0x00, 0x02, 0x67, 0x42, 0x00, 0x02, 0x68, 0xce]); // STAP-A: SPS, PPS
const opus = (seq: number) => rtp(AUDIO, seq, [0xfc, 0x01]);

let path: string | undefined;
beforeEach(() => {
  path = process.env.PATH;
  process.env.PATH = '';
  vi.useFakeTimers();
});
afterEach(() => {
  process.env.PATH = path;
  vi.useRealTimers();
});

function recorder(): { recorder: Recorder; buffered: () => number } {
  const dir = mkdtempSync(join(tmpdir(), 'ivsrt-recorder-'));
  const r = new Recorder({ dir, stageArn: 'arn:aws:ivs:us-east-1:123456789012:stage/AbCdef1G2hij', sessionId: 'st-ZyXwvu1T2sRqP', participantId: 'p', segmentSeconds: 2, mediaTypes: 'AUDIO_VIDEO', now: () => 0 }, () => {});
  return { recorder: r, buffered: () => (r as unknown as { feed: { pending: unknown[] } }).feed.pending.length };
}

/** A packet as ingest.ts hands it on: with its RTP header parsed. */
function send(r: Recorder, kind: 'video' | 'audio', packet: Uint8Array): void {
  r.packet(kind, packet, parseRtp(packet));
}

describe('the start of a recording part', () => {
  it('recognises what begins a key frame: an SPS (alone or aggregated) or the first fragment of an IDR picture', () => {
    const beginsKeyframe = (p: Uint8Array) => payloadBeginsKeyframe(parseRtp(p)!.payload);
    expect([sps(1), idrStart(2), stapWithSps(3)].map(beginsKeyframe)).toEqual([true, true, true]);
    expect([slice(4), opus(5), rtp(VIDEO, 6, [0x7c, 0x05, 0x00])].map(beginsKeyframe)).toEqual([false, false, false]);
  });

  it('asks for a key frame as it starts and every 500 ms until one comes; records nothing before it', async () => {
    const { recorder: r, buffered } = recorder();
    const asked = vi.fn();
    await r.listen({ video: VIDEO, audio: AUDIO }, asked);
    expect(asked).toHaveBeenCalledTimes(1);
    send(r, 'video', slice(1));
    send(r, 'audio', opus(1));
    vi.advanceTimersByTime(1_000);
    expect(asked).toHaveBeenCalledTimes(3);
    expect(buffered()).toBe(0);

    send(r, 'video', sps(2));
    send(r, 'video', slice(3));
    send(r, 'audio', opus(2));
    expect(buffered()).toBe(3);
    vi.advanceTimersByTime(5_000);
    expect(asked).toHaveBeenCalledTimes(3);
    await r.stopMedia();
  });

  it('an audio-only part needs no key frame: nothing is asked, everything is recorded', async () => {
    const { recorder: r, buffered } = recorder();
    const asked = vi.fn();
    await r.listen({ audio: AUDIO }, asked);
    send(r, 'audio', opus(1));
    vi.advanceTimersByTime(2_000);
    expect(asked).not.toHaveBeenCalled();
    expect(buffered()).toBe(1);
    await r.stopMedia();
  });

  it('stops asking once the media stops without a key frame', async () => {
    const { recorder: r } = recorder();
    const asked = vi.fn();
    await r.listen({ video: VIDEO, audio: AUDIO }, asked);
    await r.stopMedia();
    vi.advanceTimersByTime(2_000);
    expect(asked).toHaveBeenCalledTimes(1);
  });
});
