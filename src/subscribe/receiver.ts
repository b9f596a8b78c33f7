// What `ivsrt subscribe` measures in the RTP it receives: picture size (from the SPS), frames and their
// rate, bitrate, packet loss from sequence-number gaps and interarrival jitter as RFC 3550 (§6.4.1,
// appendix A.3, A.8) defines them, and the time from the offer's POST to the first frame that can be
// decoded (a complete key frame).
import { nalUnits, NAL_IDR, NAL_SPS, parseSps } from '../media/h264.js';
import { parseRtp } from '../media/rtp.js';

export interface ReceiveSample {
  /** Seconds since the offer was posted. */
  seconds: number;
  connectionState: string;
  width?: number;
  height?: number;
  /** Frames per second and bits per second over the last interval. */
  fps: number;
  bitrate: number;
  framesReceived: number;
  packetsReceived: number;
  packetsLost: number;
  /** Lost packets as a percentage of those expected, since the start. */
  lossPercent: number;
  /** Video interarrival jitter, milliseconds. */
  jitterMs: number;
  bytesReceived: number;
  /** From the POST to the first complete key frame; absent until one has come. */
  timeToFirstFrameMs?: number;
}

/** One RTP stream's sequence numbers (RFC 3550 appendix A.3). */
class Sequence {
  private base: number | undefined;
  private highest = 0;
  received = 0;

  add(sequenceNumber: number): void {
    this.received++;
    if (this.base === undefined) {
      this.base = sequenceNumber;
      this.highest = sequenceNumber;
      return;
    }
    // Extend to 32 bits: the nearest value to the highest so far with these low 16 bits.
    let extended = (this.highest & ~0xffff) | sequenceNumber;
    if (extended < this.highest - 0x8000) extended += 0x10000;
    else if (extended > this.highest + 0x8000) extended -= 0x10000;
    if (extended > this.highest) this.highest = extended;
  }

  get expected(): number {
    return this.base === undefined ? 0 : this.highest - this.base + 1;
  }

  get lost(): number {
    return Math.max(0, this.expected - this.received);
  }
}

export class Receiver {
  private readonly video = new Sequence();
  private readonly audio = new Sequence();
  private width: number | undefined;
  private height: number | undefined;
  private frames = 0;
  private bytes = 0;
  private jitter = 0;
  private previous: { arrivalMs: number; timestamp: number } | undefined;
  private frameTimestamp: number | undefined;
  private frameHasIdr = false;
  private firstFrameAt: number | undefined;
  private last = { at: 0, frames: 0, bytes: 0 };
  connectionState = 'new';

  constructor(
    /** Epoch ms of the offer's POST. */
    private readonly postedAt: number,
    private readonly now: () => number = Date.now,
  ) {
    this.last.at = postedAt;
  }

  /** A packet from the video track (RTCP is ignored). */
  onVideo(data: Uint8Array): void {
    const rtp = parseRtp(data);
    if (!rtp) return;
    const arrivalMs = this.now();
    this.video.add(rtp.sequenceNumber);
    this.bytes += rtp.payload.length;
    if (this.previous) {
      const d = (arrivalMs - this.previous.arrivalMs) * 90 - ((rtp.timestamp - this.previous.timestamp) | 0);
      this.jitter += (Math.abs(d) - this.jitter) / 16;
    }
    this.previous = { arrivalMs, timestamp: rtp.timestamp };
    if (rtp.timestamp !== this.frameTimestamp) {
      this.frameTimestamp = rtp.timestamp;
      this.frameHasIdr = false;
    }
    for (const nal of nalUnits(rtp.payload)) {
      if (nal.type === NAL_IDR) this.frameHasIdr = true;
      if (nal.type === NAL_SPS && nal.unit) {
        try {
          ({ width: this.width, height: this.height } = parseSps(nal.unit));
        } catch {
          // a truncated SPS: the next key frame brings another
        }
      }
    }
    if (rtp.marker) {
      this.frames++;
      if (this.firstFrameAt === undefined && this.frameHasIdr && this.width !== undefined) this.firstFrameAt = arrivalMs;
    }
  }

  onAudio(data: Uint8Array): void {
    const rtp = parseRtp(data);
    if (!rtp) return;
    this.audio.add(rtp.sequenceNumber);
    this.bytes += rtp.payload.length;
  }

  /** RTP packets received so far, audio and video (reading it changes no sample). */
  get packetsReceived(): number {
    return this.video.received + this.audio.received;
  }

  get firstFrame(): boolean {
    return this.firstFrameAt !== undefined;
  }

  /** The numbers now, with rates over the time since the previous sample (or since the POST). */
  sample(): ReceiveSample {
    const now = this.now();
    const seconds = Math.max(0.001, (now - this.last.at) / 1000);
    const expected = this.video.expected + this.audio.expected;
    const lost = this.video.lost + this.audio.lost;
    const out: ReceiveSample = {
      seconds: Math.round((now - this.postedAt) / 100) / 10,
      connectionState: this.connectionState,
      fps: Math.round(((this.frames - this.last.frames) / seconds) * 10) / 10,
      bitrate: Math.round(((this.bytes - this.last.bytes) * 8) / seconds),
      framesReceived: this.frames,
      packetsReceived: this.packetsReceived,
      packetsLost: lost,
      lossPercent: expected > 0 ? Math.round((lost / expected) * 10_000) / 100 : 0,
      jitterMs: Math.round((this.jitter / 90) * 10) / 10,
      bytesReceived: this.bytes,
    };
    if (this.width !== undefined) out.width = this.width;
    if (this.height !== undefined) out.height = this.height;
    if (this.firstFrameAt !== undefined) out.timeToFirstFrameMs = this.firstFrameAt - this.postedAt;
    this.last = { at: now, frames: this.frames, bytes: this.bytes };
    return out;
  }
}
