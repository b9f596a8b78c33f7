// Individual participant recording of a WHIP publisher into a local directory that stands in for the S3
// bucket (`ivsrt local start --s3-dir DIR`): DIR/<bucket>/<recordingS3Prefix>/ gets the User Guide's
// layout, events/recording-started.json when media first arrives, media/hls/multivariant.m3u8 with one
// rendition (high/playlist.m3u8, MPEG-TS segments) that ffmpeg cuts from the RTP received (copied, not
// re-encoded), and events/recording-ended.json once the media stops.
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFfmpeg } from '../../publish/ffmpeg.js';

export interface RecordingTarget {
  /** DIR/<bucket>/<recordingS3Prefix> */
  dir: string;
  stageArn: string;
  sessionId: string;
  participantId: string;
  /** Payload types the publisher's offer uses (after narrowing to H.264 and Opus). */
  videoPayloadType?: number;
  audioPayloadType?: number;
  segmentSeconds: number;
}

const RENDITION = 'high';

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export class Recorder {
  private ffmpeg: ChildProcess | undefined;
  private socket: Socket | undefined;
  private ports = { video: 0, audio: 0 };
  private startedAt: number | undefined;
  private finished: Promise<void> | undefined;
  private sdpDir: string | undefined;

  constructor(
    private readonly target: RecordingTarget,
    private readonly log: (line: string) => void,
  ) {}

  private metadata(extra: Record<string, unknown>): Record<string, unknown> {
    return {
      version: 'v1',
      stage_arn: this.target.stageArn,
      session_id: this.target.sessionId,
      participant_id: this.target.participantId,
      ...extra,
      media: {
        hls: { path: 'media/hls', playlist: 'multivariant.m3u8', renditions: [{ path: RENDITION, playlist: 'playlist.m3u8' }] },
      },
    };
  }

  private write(relative: string, body: string): void {
    const path = join(this.target.dir, relative);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, body);
  }

  get started(): boolean {
    return this.startedAt !== undefined;
  }

  /** The first media arrived: the recording starts (metadata written, ffmpeg listening for the RTP). */
  async start(nowMs: number): Promise<void> {
    if (this.startedAt !== undefined) return;
    this.startedAt = nowMs;
    this.write('events/recording-started.json', `${JSON.stringify(this.metadata({ recording_started_at: isoSeconds(nowMs) }), null, 2)}\n`);
    const ffmpeg = findFfmpeg();
    if (!ffmpeg) {
      this.log('recording: ffmpeg is not on PATH, so only the metadata files are written (install ffmpeg for HLS media)');
      return;
    }
    this.socket = createSocket('udp4');
    await new Promise<void>((resolve) => this.socket!.bind(0, '127.0.0.1', resolve));
    // ffmpeg listens on two ports of its own; packets are sent there from this socket.
    this.ports = { video: await freeUdpPort(), audio: await freeUdpPort() };
    const hls = join(this.target.dir, 'media', 'hls');
    mkdirSync(join(hls, RENDITION), { recursive: true });
    // ffmpeg reads the RTP session description from a file; it stays out of the bucket directory.
    this.sdpDir = mkdtempSync(join(tmpdir(), 'ivsrt-recording-'));
    const sdpPath = join(this.sdpDir, 'session.sdp');
    writeFileSync(sdpPath, this.sdp());
    this.write('media/hls/multivariant.m3u8', `#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-STREAM-INF:BANDWIDTH=8500000,CODECS="avc1.42e01f,opus"\n${RENDITION}/playlist.m3u8\n`);
    this.ffmpeg = spawn(
      ffmpeg,
      [
        '-hide_banner', '-loglevel', 'error', '-nostdin',
        // Start from the first parameter sets instead of probing for seconds (the default 5 s would lose short recordings).
        '-protocol_whitelist', 'file,udp,rtp', '-analyzeduration', '1000000', '-probesize', '200000', '-fflags', '+genpts', '-i', sdpPath,
        '-map', '0', '-c', 'copy',
        '-f', 'hls', '-hls_time', String(this.target.segmentSeconds), '-hls_playlist_type', 'event',
        '-hls_segment_filename', join(hls, RENDITION, '%d.ts'),
        join(hls, RENDITION, 'playlist.m3u8'),
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let errors = '';
    this.ffmpeg.stderr!.on('data', (c: Buffer) => (errors = (errors + c.toString()).slice(-1000)));
    this.ffmpeg.once('exit', (code) => {
      if (code) this.log(`recording: ffmpeg exited with ${code}: ${errors.trim().split('\n').pop()}`);
    });
  }

  private sdp(): string {
    const lines = ['v=0', 'o=- 0 0 IN IP4 127.0.0.1', 's=ivsrt recording', 'c=IN IP4 127.0.0.1', 't=0 0'];
    const { videoPayloadType: v, audioPayloadType: a } = this.target;
    if (v !== undefined) lines.push(`m=video ${this.ports.video} RTP/AVP ${v}`, `a=rtpmap:${v} H264/90000`, `a=fmtp:${v} packetization-mode=1`);
    if (a !== undefined) lines.push(`m=audio ${this.ports.audio} RTP/AVP ${a}`, `a=rtpmap:${a} opus/48000/2`);
    return `${lines.join('\r\n')}\r\n`;
  }

  /** An RTP packet as received (decrypted); forwarded to ffmpeg. */
  packet(kind: 'video' | 'audio', data: Uint8Array): void {
    const port = this.ports[kind];
    if (this.socket && port) this.socket.send(data, port, '127.0.0.1');
  }

  /** The media stopped: ffmpeg finishes the playlist, then recording-ended.json is written. */
  finish(nowMs: number): Promise<void> {
    this.finished ??= (async () => {
      if (this.startedAt === undefined) return;
      this.socket?.close();
      const ffmpeg = this.ffmpeg;
      if (ffmpeg && ffmpeg.exitCode === null) {
        const exited = new Promise((resolve) => ffmpeg.once('exit', resolve));
        ffmpeg.kill('SIGINT'); // ffmpeg ends the playlist (EXT-X-ENDLIST) and the last segment on SIGINT
        const timer = setTimeout(() => ffmpeg.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      if (this.sdpDir) rmSync(this.sdpDir, { recursive: true, force: true });
      this.write(
        'events/recording-ended.json',
        `${JSON.stringify(this.metadata({ recording_started_at: isoSeconds(this.startedAt), recording_ended_at: isoSeconds(nowMs) }), null, 2)}\n`,
      );
    })();
    return this.finished;
  }
}

function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createSocket('udp4');
    probe.once('error', reject);
    probe.bind(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}
