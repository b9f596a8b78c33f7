// What `ivsrt subscribe` hands ffmpeg (an optional dependency, as for `ivsrt publish`): the received RTP,
// forwarded unchanged to two local UDP ports that an SDP on ffmpeg's standard input describes. ffmpeg then
// writes the media without re-encoding (--out) and/or a JPEG every interval (--frames).
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const VIDEO_PAYLOAD_TYPE = 96;
export const AUDIO_PAYLOAD_TYPE = 111;

export interface Outputs {
  /** A media file (.mkv or .mp4), written with -c copy. */
  out?: string;
  /** A directory for frame-00001.jpg, frame-00002.jpg, ... one every `everySeconds`. */
  frames?: { dir: string; everySeconds: number };
}

export interface Ports {
  video: number;
  audio: number;
}

/** The SDP ffmpeg reads the two RTP streams with (RTCP on the port above each). */
export function receiveSdp(ports: Ports): string {
  return [
    'v=0',
    'o=- 0 0 IN IP4 127.0.0.1',
    's=ivsrt subscribe',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=video ${ports.video} RTP/AVP ${VIDEO_PAYLOAD_TYPE}`,
    `a=rtpmap:${VIDEO_PAYLOAD_TYPE} H264/90000`,
    `a=fmtp:${VIDEO_PAYLOAD_TYPE} packetization-mode=1`,
    `m=audio ${ports.audio} RTP/AVP ${AUDIO_PAYLOAD_TYPE}`,
    `a=rtpmap:${AUDIO_PAYLOAD_TYPE} opus/48000/2`,
    '',
  ].join('\r\n');
}

export function ffmpegArgs(outputs: Outputs): string[] {
  const args = ['-hide_banner', '-loglevel', 'error', '-protocol_whitelist', 'pipe,udp,rtp', '-reorder_queue_size', '500', '-f', 'sdp', '-i', 'pipe:0'];
  if (outputs.out) args.push('-map', '0:v?', '-map', '0:a?', '-c', 'copy', '-y', outputs.out);
  if (outputs.frames) {
    args.push('-map', '0:v', '-vf', `fps=1/${outputs.frames.everySeconds}`, '-q:v', '3', '-y', join(outputs.frames.dir, 'frame-%05d.jpg'));
  }
  return args;
}

const bindable = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => resolve(false));
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
  });

/** An even UDP port that is free together with the one above it (ffmpeg takes both: RTP and RTCP). */
async function freePortPair(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const socket = createSocket('udp4');
    const port = await new Promise<number>((resolve) => socket.bind(0, '127.0.0.1', () => resolve(socket.address().port)));
    await new Promise<void>((resolve) => socket.close(() => resolve()));
    const even = port - (port % 2);
    if ((await bindable(even)) && (await bindable(even + 1))) return even;
  }
  throw new Error('found no free pair of UDP ports for ffmpeg');
}

/** The local UDP ports with a socket bound (Linux /proc/net/udp), or undefined where that cannot be read. */
function udpPortsBound(): Set<number> | undefined {
  try {
    const table = readFileSync('/proc/net/udp', 'utf8');
    return new Set(table.split('\n').slice(1).flatMap((line) => {
      const local = line.trim().split(/\s+/)[1];
      return local ? [parseInt(local.split(':')[1]!, 16)] : [];
    }));
  } catch {
    return undefined;
  }
}

export interface RunningFfmpeg {
  ports: Ports;
  process: ChildProcess;
  /** What ffmpeg said on stderr (the last 2,000 characters). */
  errors(): string;
  /** Ends ffmpeg as Ctrl-C would (it finishes the file) and waits for it. */
  stop(): Promise<void>;
}

/** Starts ffmpeg and resolves once it listens on both ports (it has bound them). */
export async function startFfmpeg(path: string, outputs: Outputs): Promise<RunningFfmpeg> {
  const ports = { video: await freePortPair(), audio: 0 };
  ports.audio = await freePortPair();
  const child = spawn(path, ffmpegArgs(outputs), { stdio: ['pipe', 'ignore', 'pipe'] });
  let errors = '';
  child.stderr!.on('data', (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-2000)));
  child.stdin!.on('error', () => {}); // ffmpeg gone before reading its SDP: its exit says why
  child.stdin!.end(receiveSdp(ports));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  // Waited for by what happened (the kernel lists both sockets), not by a fixed delay; where there is no
  // /proc, half a second (a packet lost before ffmpeg listens costs at most a key frame, which is asked for).
  const started = Date.now();
  for (;;) {
    if (gone()) throw new Error(`ffmpeg exited before it listened: ${errors.trim().split('\n').pop() ?? ''}`);
    const bound = udpPortsBound();
    if (bound ? bound.has(ports.video) && bound.has(ports.audio) : Date.now() - started > 500) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return {
    ports,
    process: child,
    errors: () => errors,
    async stop() {
      if (gone()) return;
      // ffmpeg's first SIGINT ends it between packets; a read waiting on silent ports gives way only to a
      // second one (ffmpeg counts signals: more than one interrupts blocking I/O). Either way it writes its
      // files out; SIGKILL only if that hangs.
      child.kill('SIGINT');
      const again = setTimeout(() => child.kill('SIGINT'), 500);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(again);
      clearTimeout(timer);
    },
  };
}
