// Received RTP handed to an ffmpeg as plain RTP on loopback: one UDP port per stream, a session
// description naming them, and packets held until ffmpeg has bound its ports (so the first key frame is
// not lost while it starts). The participant recorder (src/emulator/media/whip/recorder.ts) feeds one
// publisher's video and audio this way; the composition renderer (src/emulator/media/composition/renderer.ts)
// every publisher of a stage; `ivsrt subscribe` (src/subscribe/ffmpeg.ts) the participant it receives.
import type { ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';

export type FeedKind = 'video' | 'audio';

export interface FeedStream {
  kind: FeedKind;
  payloadType: number;
}

/** Packets held per stream while ffmpeg opens its ports: a few seconds of media, or a replayed group of pictures (media/last-gop.ts) and what follows it. */
const MAX_PENDING_PER_STREAM = 2_000;
const READY_LIMIT_MS = 5_000;

export class RtpFeed {
  /** What arrived before ffmpeg was listening, sent on once it is; undefined after. */
  private pending: { stream: number; data: Uint8Array }[] | undefined = [];
  private readonly socket: Socket = createSocket('udp4');
  /** ffmpeg's port for each stream, once `open` has found them. */
  readonly ports: number[] = [];
  private closed = false;

  /** Packets may be sent (and are held) from the start; `open` finds the ports. */
  constructor(readonly streams: readonly FeedStream[]) {}

  /** A socket to send from and a free pair of ports for each stream. */
  async open(): Promise<void> {
    await new Promise<void>((resolve) => this.socket.bind(0, '127.0.0.1', resolve));
    for (let i = 0; i < this.streams.length; i++) this.ports.push(await freeRtpPorts());
  }

  /** The session description ffmpeg reads the streams from (H.264 and Opus, as WHIP carries them). */
  sdp(name: string): string {
    const lines = ['v=0', 'o=- 0 0 IN IP4 127.0.0.1', `s=${name}`, 'c=IN IP4 127.0.0.1', 't=0 0'];
    this.streams.forEach(({ kind, payloadType: pt }, i) => {
      if (kind === 'video') lines.push(`m=video ${this.ports[i]} RTP/AVP ${pt}`, `a=rtpmap:${pt} H264/90000`, `a=fmtp:${pt} packetization-mode=1`);
      else lines.push(`m=audio ${this.ports[i]} RTP/AVP ${pt}`, `a=rtpmap:${pt} opus/48000/2`);
    });
    return `${lines.join('\r\n')}\r\n`;
  }

  /** Sends the held packets once `child` has bound every port (read from /proc/net/udp; elsewhere, after a pause). */
  async release(child: ChildProcess, cancelled: () => boolean = () => false): Promise<void> {
    const ports = this.ports.map((p) => p.toString(16).toUpperCase().padStart(4, '0'));
    const deadline = Date.now() + READY_LIMIT_MS;
    while (Date.now() < deadline && child.exitCode === null && !cancelled()) {
      let table: string;
      try {
        table = readFileSync('/proc/net/udp', 'utf8');
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 500));
        break;
      }
      if (ports.every((port) => table.includes(`:${port} `))) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const pending = this.pending ?? [];
    this.pending = undefined;
    for (const { stream, data } of pending) this.sendNow(stream, data);
  }

  /** A packet for `stream`: sent at once when ffmpeg is listening, else held. */
  send(stream: number, data: Uint8Array): void {
    if (!this.pending) this.sendNow(stream, data);
    else if (this.pending.length < MAX_PENDING_PER_STREAM * this.streams.length) this.pending.push({ stream, data: Uint8Array.from(data) });
  }

  private sendNow(stream: number, data: Uint8Array): void {
    const port = this.ports[stream];
    if (port && !this.closed) this.socket.send(data, port, '127.0.0.1');
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const port of this.ports) handedOut.delete(port);
    this.pending = undefined;
    try {
      this.socket.close();
    } catch {
      // never bound: nothing to close
    }
  }
}

/** A UDP port on loopback that `port` names (0: any free one), bound for a moment; undefined when it is taken. */
function probeUdpPort(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const probe = createSocket('udp4');
    probe.once('error', () => resolve(undefined));
    probe.bind(port, '127.0.0.1', () => {
      const bound = probe.address().port;
      probe.close(() => resolve(bound));
    });
  });
}

/** RTP ports this process has handed out and whose feed is still open (each stands for P and P+1). */
const handedOut = new Set<number>();

/**
 * An even port P with P+1 free too: ffmpeg's RTP input binds P for RTP and P+1 for RTCP. Two streams
 * handed neighbouring ports (one's P+1 the other's P) made ffmpeg fail with "bind failed: Address
 * already in use", so pairs handed out and not yet closed are kept apart.
 */
async function freeRtpPorts(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = await probeUdpPort(0);
    if (port === undefined || port % 2 !== 0) continue; // an even port is at most 65534, so P+1 exists
    // Even pairs overlap only when equal.
    if (handedOut.has(port) || (await probeUdpPort(port + 1)) === undefined) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error('no free pair of UDP ports on 127.0.0.1 for RTP');
}
