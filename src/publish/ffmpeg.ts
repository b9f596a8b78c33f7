// The media `ivsrt publish` sends: ffmpeg (an optional dependency) encodes H.264 (constrained baseline,
// no B-frames, parameter sets before every key frame) and Opus, and sends each as plain RTP to a local UDP
// port; whip.ts forwards those packets into the WebRTC tracks.
import type { ChildProcess } from 'node:child_process';
import { findOnPath, spawnTied } from '../media/spawn.js';

export const VIDEO_PAYLOAD_TYPE = 96;
export const AUDIO_PAYLOAD_TYPE = 111;

export interface MediaSource {
  /** A media file, looped; absent: ffmpeg's test pattern (or `colour`) and a tone. */
  file?: string;
  /** One solid colour (an ffmpeg colour name or 0xRRGGBB) instead of the test pattern. */
  colour?: string;
  width: number;
  height: number;
  fps: number;
  /** Video bits per second. */
  videoBitrate: number;
  audioBitrate: number;
  /** Seconds between key frames (default 2, what IVS recommends). */
  keyframeSeconds?: number;
}

/** The ffmpeg on PATH, or undefined. */
export function findFfmpeg(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return findOnPath('ffmpeg', env);
}

/** ffmpeg's arguments: read in real time, encode, and send video and audio as RTP to the two ports. */
export function ffmpegArgs(source: MediaSource, ports: { video: number; audio: number; videoSsrc: number; audioSsrc: number }): string[] {
  const { width, height, fps } = source;
  const input = source.file
    ? ['-re', '-stream_loop', '-1', '-i', source.file]
    : ['-re', '-f', 'lavfi', '-i', `${source.colour ? `color=c=${source.colour}:` : 'testsrc2='}size=${width}x${height}:rate=${fps}`, '-re', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'];
  const audioMap = source.file ? '0:a:0?' : '1:a:0';
  const kbps = Math.round(source.videoBitrate / 1000);
  return [
    '-hide_banner', '-loglevel', 'error', '-nostdin',
    ...input,
    '-map', '0:v:0',
    ...(source.file ? ['-vf', `scale=${width}:${height}:force_original_aspect_ratio=decrease,pad=ceil(iw/2)*2:ceil(ih/2)*2,fps=${fps}`] : []),
    '-c:v', 'libx264', '-profile:v', 'baseline', '-pix_fmt', 'yuv420p', '-preset', 'veryfast', '-tune', 'zerolatency', '-bf', '0',
    '-b:v', `${kbps}k`, '-maxrate', `${kbps}k`, '-bufsize', `${kbps}k`,
    // A solid colour keys every second unless told otherwise (it costs nothing): a composition that restarts its decoder shows it sooner.
    '-g', String(Math.max(1, Math.round(fps * (source.keyframeSeconds ?? (source.colour ? 1 : 2))))),
    '-x264-params', 'repeat-headers=1', '-bsf:v', 'h264_mp4toannexb',
    '-f', 'rtp', '-payload_type', String(VIDEO_PAYLOAD_TYPE), '-ssrc', String(ports.videoSsrc | 0), '-pkt_size', '1200',
    `rtp://127.0.0.1:${ports.video}`,
    '-map', audioMap,
    '-c:a', 'libopus', '-b:a', String(source.audioBitrate), '-ar', '48000', '-ac', '2',
    '-f', 'rtp', '-payload_type', String(AUDIO_PAYLOAD_TYPE), '-ssrc', String(ports.audioSsrc | 0), '-pkt_size', '1200',
    `rtp://127.0.0.1:${ports.audio}`,
  ];
}

export function startFfmpeg(path: string, args: string[]): ChildProcess {
  return spawnTied(path, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}
