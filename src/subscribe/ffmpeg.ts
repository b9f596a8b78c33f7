// What `ivsrt subscribe` hands ffmpeg (an optional dependency, as for `ivsrt publish`): the received RTP,
// unchanged, through an RtpFeed (src/media/rtp-feed.ts). ffmpeg writes the media without re-encoding
// (--out) and/or a JPEG every interval (--frames).
import type { ChildProcess } from 'node:child_process';
import { renameSync, rmSync, statSync } from 'node:fs';
import { join, parse } from 'node:path';
import { RtpFeed } from '../media/rtp-feed.js';
import { spawnTied } from '../media/spawn.js';

export const VIDEO_PAYLOAD_TYPE = 96;
export const AUDIO_PAYLOAD_TYPE = 111;
/** The feed's streams, in this order. */
export const VIDEO = 0;
export const AUDIO = 1;

export interface Outputs {
  /** A media file (.mkv or .mp4), written with -c copy. */
  out?: string;
  /** A directory for frame-00001.jpg, frame-00002.jpg, ... one every `everySeconds`. */
  frames?: { dir: string; everySeconds: number };
}

export function ffmpegArgs(outputs: Outputs): string[] {
  const args = ['-hide_banner', '-loglevel', 'error', '-protocol_whitelist', 'pipe,udp,rtp', '-reorder_queue_size', '500', '-f', 'sdp', '-i', 'pipe:0'];
  if (outputs.out) args.push('-map', '0:v?', '-map', '0:a?', '-c', 'copy', '-y', outputs.out);
  if (outputs.frames) {
    args.push('-map', '0:v', '-vf', `fps=1/${outputs.frames.everySeconds}`, '-q:v', '3', '-y', join(outputs.frames.dir, 'frame-%05d.jpg'));
  }
  return args;
}

/** Where ffmpeg writes --out while the run lasts: beside it, hidden, with its extension (ffmpeg picks the container by it). */
export function partialPathOf(out: string): string {
  const { dir, name, ext } = parse(out);
  return join(dir, `.${name}.ivsrt-partial${ext}`);
}

/**
 * Puts ffmpeg's output at `out` once the run is over, and says whether it held media. With no media ffmpeg
 * writes nothing at all (its muxer waits for the first packet to write a header): the empty partial file goes,
 * and a file that was at `out` before the run is left as it was.
 */
export function finishOutput(partial: string, out: string): boolean {
  try {
    if (statSync(partial).size > 0) {
      renameSync(partial, out);
      return true;
    }
    rmSync(partial);
  } catch {
    // never made: nothing to put in place or remove
  }
  return false;
}

export interface RunningFfmpeg {
  /** Where the received packets go (VIDEO, AUDIO); held until ffmpeg listens. */
  feed: RtpFeed;
  process: ChildProcess;
  /** What ffmpeg said on stderr (the last 2,000 characters). */
  errors(): string;
  /** Ends ffmpeg as Ctrl-C would (it finishes its files) and waits for it. */
  stop(): Promise<void>;
}

export async function startFfmpeg(path: string, outputs: Outputs): Promise<RunningFfmpeg> {
  const feed = new RtpFeed([
    { kind: 'video', payloadType: VIDEO_PAYLOAD_TYPE },
    { kind: 'audio', payloadType: AUDIO_PAYLOAD_TYPE },
  ]);
  await feed.open();
  const child = spawnTied(path, ffmpegArgs(outputs), { stdio: ['pipe', 'ignore', 'pipe'] });
  let errors = '';
  child.stderr!.on('data', (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-2000)));
  child.stdin!.on('error', () => {}); // ffmpeg gone before reading its SDP: its exit says why
  child.stdin!.end(feed.sdp('ivsrt subscribe'));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  void feed.release(child, gone);
  return {
    feed,
    process: child,
    errors: () => errors,
    async stop() {
      if (!gone()) {
        // ffmpeg's first SIGINT ends it between packets; a read waiting on silent ports gives way only to a
        // second one (ffmpeg counts signals: more than one interrupts blocking I/O). Either way it writes
        // its files out; SIGKILL only if that hangs.
        child.kill('SIGINT');
        const again = setTimeout(() => child.kill('SIGINT'), 500);
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(again);
        clearTimeout(timer);
      }
      feed.close();
    },
  };
}
