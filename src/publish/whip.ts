// `ivsrt publish`'s WHIP client (RFC 9725): node-datachannel offers a send-only H.264 track and a
// send-only Opus track, the offer goes to the WHIP endpoint with the participant token as Bearer, and
// once the connection is up the RTP that ffmpeg sends to two local UDP ports is forwarded into the tracks
// (libdatachannel encrypts it with SRTP). DELETE on the session URL ends it.
import { createSocket, type Socket } from 'node:dgram';
import type { ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import type { Track } from 'node-datachannel';
import { deleteSession, openPeer, type ClientPeer } from '../media/webrtc-client.js';
import { AUDIO_PAYLOAD_TYPE, ffmpegArgs, startFfmpeg, VIDEO_PAYLOAD_TYPE, type MediaSource } from './ffmpeg.js';

export class WhipRefused extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface PublishStats {
  connectionState: string;
  /** Seconds since media started flowing. */
  durationSeconds: number;
  bytesSent: number;
  packetsSent: number;
  /** Video frames sent (RTP packets ending a frame, the marker bit), so a receiver can tell what it missed. */
  videoFramesSent: number;
  /** Bits per second over the last second. */
  bitrate: number;
  /** Bits per second since media started. */
  averageBitrate: number;
}

export interface PublishSessionOptions {
  endpoint: string;
  token: string;
  source: MediaSource;
  ffmpeg: string;
  /** Called when the connection ends on its own (failed, closed, ffmpeg gone), with the reason. */
  onEnd(reason: string): void;
}

export class PublishSession {
  private readonly sockets: Socket[] = [];
  private ffmpeg: ChildProcess | undefined;
  private state = 'new';
  private startedAt: number | undefined;
  private bytes = 0;
  private packets = 0;
  private videoFrames = 0;
  private lastBytes = 0;
  private lastAt = 0;
  private lastRate = 0;
  private stopped = false;
  private ffmpegErrors = '';

  private constructor(
    private readonly tracks: { video: Track; audio: Track },
    readonly resourceUrl: string,
    private readonly options: PublishSessionOptions,
    private readonly peer: ClientPeer,
  ) {}

  /** Offers, POSTs, connects and starts the media. Throws WhipRefused when the endpoint says no. */
  static async start(options: PublishSessionOptions): Promise<PublishSession> {
    const peer = await openPeer('ivsrt-publish');
    const { ndc, pc } = peer;
    const videoSsrc = randomInt(1, 2 ** 31);
    const audioSsrc = randomInt(1, 2 ** 31);
    const video = new ndc.Video('0', 'SendOnly');
    video.addH264Codec(VIDEO_PAYLOAD_TYPE);
    video.addSSRC(videoSsrc, 'ivsrt', 'ivsrt', 'video');
    const audio = new ndc.Audio('1', 'SendOnly');
    audio.addOpusCodec(AUDIO_PAYLOAD_TYPE);
    audio.addSSRC(audioSsrc, 'ivsrt', 'ivsrt', 'audio');
    const tracks = { video: pc.addTrack(video), audio: pc.addTrack(audio) };
    let resourceUrl: string;
    let answer: string;
    try {
      const res = await fetch(options.endpoint, {
        method: 'POST',
        headers: { 'Content-Type': 'application/sdp', Authorization: `Bearer ${options.token}` },
        body: await peer.offer(),
      });
      answer = await res.text();
      if (res.status !== 201) throw new WhipRefused(res.status, `the WHIP endpoint answered ${res.status}: ${answer.trim().split('\n')[0] || res.statusText}`);
      const location = res.headers.get('location');
      if (!location) throw new WhipRefused(res.status, 'the WHIP endpoint answered 201 without a Location (RFC 9725 requires one)');
      resourceUrl = new URL(location, res.url).toString();
    } catch (error) {
      peer.close();
      throw error;
    }
    const session = new PublishSession(tracks, resourceUrl, options, peer);
    try {
      await peer.connect(answer);
    } catch (error) {
      await session.stop();
      throw error;
    }
    session.state = peer.state();
    peer.onState((s) => session.onState(s));
    await session.startMedia(videoSsrc, audioSsrc);
    return session;
  }

  private onState(state: string): void {
    this.state = state;
    if (state === 'failed' || state === 'closed' || state === 'disconnected') this.end(`the WebRTC connection ${state}`);
  }

  private end(reason: string): void {
    if (this.stopped) return;
    this.options.onEnd(reason);
  }

  private async startMedia(videoSsrc: number, audioSsrc: number): Promise<void> {
    const bind = async (track: Track): Promise<number> => {
      const socket = createSocket('udp4');
      this.sockets.push(socket);
      socket.on('message', (packet) => {
        if (this.stopped || !track.isOpen()) return;
        track.sendMessageBinary(packet);
        this.bytes += Math.max(0, packet.length - 12);
        this.packets++;
        if (track === this.tracks.video && packet.length > 12 && packet[1]! & 0x80) this.videoFrames++;
      });
      await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
      return socket.address().port;
    };
    const ports = { video: await bind(this.tracks.video), audio: await bind(this.tracks.audio), videoSsrc, audioSsrc };
    this.startedAt = Date.now();
    this.lastAt = this.startedAt;
    const ffmpeg = startFfmpeg(this.options.ffmpeg, ffmpegArgs(this.options.source, ports));
    this.ffmpeg = ffmpeg;
    ffmpeg.stderr!.on('data', (chunk: Buffer) => (this.ffmpegErrors = (this.ffmpegErrors + chunk.toString()).slice(-2000)));
    ffmpeg.once('exit', (code) => {
      const last = this.ffmpegErrors.trim().split('\n').pop();
      this.end(`ffmpeg exited (${code ?? 'signal'})${last ? `: ${last}` : ''}`);
    });
  }

  /** What has been sent so far; call about once a second for a current bitrate. */
  stats(): PublishStats {
    const now = Date.now();
    if (now - this.lastAt >= 500) {
      this.lastRate = Math.round(((this.bytes - this.lastBytes) * 8 * 1000) / (now - this.lastAt));
      this.lastBytes = this.bytes;
      this.lastAt = now;
    }
    const seconds = this.startedAt === undefined ? 0 : (now - this.startedAt) / 1000;
    return {
      connectionState: this.state,
      durationSeconds: Math.round(seconds * 10) / 10,
      bytesSent: this.bytes,
      packetsSent: this.packets,
      videoFramesSent: this.videoFrames,
      bitrate: this.lastRate,
      averageBitrate: seconds > 0 ? Math.round((this.bytes * 8) / seconds) : 0,
    };
  }

  /** Ends the session: ffmpeg stops, DELETE on the session URL, the connection closes. Safe to call twice. */
  async stop(): Promise<PublishStats> {
    const final = this.stats();
    if (this.stopped) return final;
    this.stopped = true;
    this.ffmpeg?.kill('SIGTERM');
    for (const socket of this.sockets) socket.close();
    await deleteSession(this.resourceUrl, this.options.token);
    this.peer.close();
    return { ...final, connectionState: 'closed' };
  }
}
