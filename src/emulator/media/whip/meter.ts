// What the emulator measures in the media a WHIP publisher sends: bitrate from the RTP bytes received,
// frame rate from distinct video RTP timestamps, resolution from the SPS (h264.ts).
import { nalUnits, NAL_SPS, parseSps } from '../../../media/h264.js';
import type { RtpPacket } from '../../../media/rtp.js';

export interface MediaStats {
  videoCodec?: string;
  audioCodec?: string;
  width?: number;
  height?: number;
  /** Frames per second over the last measured seconds. */
  frameRate?: number;
  /** Bits per second of RTP payload (video + audio) over the last measured seconds. */
  bitrate: number;
  videoBitrate: number;
  audioBitrate: number;
  /** Bytes of RTP payload received since the session began. */
  bytesReceived: number;
  packetsReceived: number;
  /** Video frames received since the session began (distinct RTP timestamps). */
  framesReceived: number;
  /** Seconds the rates are measured over (up to a few; 0 until the first second is in). */
  windowSeconds: number;
}

interface Bucket {
  atMs: number;
  videoBytes: number;
  audioBytes: number;
  frames: number;
}

/** How many one-second buckets the reported rates average over. */
const WINDOW = 3;

export class MediaMeter {
  private readonly buckets: Bucket[] = [];
  private current: Bucket;
  private lastVideoTimestamp: number | undefined;
  private bytes = 0;
  private packets = 0;
  private frames = 0;
  width: number | undefined;
  height: number | undefined;
  videoCodec: string | undefined;
  audioCodec: string | undefined;

  constructor(nowMs: number) {
    this.current = { atMs: nowMs, videoBytes: 0, audioBytes: 0, frames: 0 };
  }

  /** A video RTP packet (parsed where it arrived); returns the picture size when it carried a (new) SPS. */
  video(rtp: RtpPacket): { width: number; height: number } | undefined {
    this.count(rtp.payload.length);
    this.current.videoBytes += rtp.payload.length;
    if (rtp.timestamp !== this.lastVideoTimestamp) {
      this.current.frames++;
      this.frames++;
      this.lastVideoTimestamp = rtp.timestamp;
    }
    for (const nal of nalUnits(rtp.payload)) {
      if (nal.type !== NAL_SPS || !nal.unit) continue;
      try {
        const { width, height } = parseSps(nal.unit);
        if (width === this.width && height === this.height) return undefined;
        this.width = width;
        this.height = height;
        return { width, height };
      } catch {
        return undefined; // a truncated SPS: the next one (sent with every key frame) will do
      }
    }
    return undefined;
  }

  /** An audio RTP packet (parsed where it arrived). */
  audio(rtp: RtpPacket): void {
    this.count(rtp.payload.length);
    this.current.audioBytes += rtp.payload.length;
  }

  private count(bytes: number): void {
    this.bytes += bytes;
    this.packets++;
  }

  /** Forgets the rates measured so far (the totals stay): the window starts again at `nowMs`. */
  restart(nowMs: number): void {
    this.buckets.length = 0;
    this.current = { atMs: nowMs, videoBytes: 0, audioBytes: 0, frames: 0 };
  }

  /** Closes the current one-second bucket (call once a second). */
  tick(nowMs: number): void {
    this.buckets.push(this.current);
    if (this.buckets.length > WINDOW) this.buckets.shift();
    this.current = { atMs: nowMs, videoBytes: 0, audioBytes: 0, frames: 0 };
  }

  /** Whole seconds measured so far in the window (rates are meaningful from 1 on). */
  get measuredSeconds(): number {
    return this.buckets.length;
  }

  stats(): MediaStats {
    // The closed buckets run from the first one's start to the moment the last one closed.
    const seconds = this.buckets.length ? (this.current.atMs - this.buckets[0]!.atMs) / 1000 : 0;
    const sum = (pick: (b: Bucket) => number) => this.buckets.reduce((n, b) => n + pick(b), 0);
    const rate = (bytes: number) => (seconds > 0 ? Math.round((bytes * 8) / seconds) : 0);
    const videoBitrate = rate(sum((b) => b.videoBytes));
    const audioBitrate = rate(sum((b) => b.audioBytes));
    const stats: MediaStats = {
      bitrate: videoBitrate + audioBitrate,
      videoBitrate,
      audioBitrate,
      bytesReceived: this.bytes,
      packetsReceived: this.packets,
      framesReceived: this.frames,
      windowSeconds: Math.round(seconds * 10) / 10,
    };
    if (this.videoCodec) stats.videoCodec = this.videoCodec;
    if (this.audioCodec) stats.audioCodec = this.audioCodec;
    if (this.width !== undefined) stats.width = this.width;
    if (this.height !== undefined) stats.height = this.height;
    if (this.videoCodec && seconds > 0) stats.frameRate = Math.round((sum((b) => b.frames) / seconds) * 10) / 10;
    return stats;
  }
}
