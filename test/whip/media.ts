// Real media for the WHIP tests: Debian's simple-whip-client (GStreamer) publishing a test source, and
// the checks that say why a test must skip when a package is missing.
import { execFileSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { scratchDir } from '../helpers/scratch.js';
import { spawnChild } from '../helpers/children.js';

function has(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const GST_ELEMENTS = ['videotestsrc', 'audiotestsrc', 'x264enc', 'opusenc', 'rtph264pay', 'rtpopuspay', 'webrtcbin', 'nicesrc'];

/** Why simple-whip-client cannot run here, or undefined when it can. */
export function whipClientMissing(): string | undefined {
  if (!has('whip-client', ['--help'])) return 'whip-client not installed (apt-get install simple-whip-client)';
  const missing = GST_ELEMENTS.filter((element) => !has('gst-inspect-1.0', [element]));
  if (missing.length) return `GStreamer elements missing: ${missing.join(', ')} (apt-get install gstreamer1.0-plugins-{base,good,bad,ugly} gstreamer1.0-nice)`;
  return undefined;
}

let stubDir: string | undefined;

/** The directory holding the no-op libgupnp-igd (see gupnp-igd-stub.c), built once per test file. */
function gupnpStub(): string | undefined {
  if (stubDir !== undefined) return stubDir || undefined;
  const dir = scratchDir('igd-stub');
  try {
    const source = fileURLToPath(new URL('./gupnp-igd-stub.c', import.meta.url));
    execFileSync('cc', ['-shared', '-fPIC', '-o', join(dir, 'libgupnp-igd-1.0.so.4'), '-Wl,-soname,libgupnp-igd-1.0.so.4', source], { stdio: 'ignore' });
    stubDir = dir;
  } catch {
    stubDir = ''; // no compiler: run the client as installed
  }
  return stubDir || undefined;
}

export interface TestSource {
  width: number;
  height: number;
  /** Video bitrate the encoder targets, kbit/s. */
  kbps: number;
  fps?: number;
  /** Frames between the encoder's scheduled key frames (default: one a second). */
  keyframeInterval?: number;
}

export interface RunningClient {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** Ctrl-C: the client sends its WHIP DELETE and exits. */
  stop(): Promise<number | null>;
}

/** simple-whip-client publishing H.264 (random noise, so the encoder spends its whole budget) and Opus. */
export function whipClient(url: string, token: string, source: TestSource): RunningClient {
  const fps = source.fps ?? 30;
  const video =
    `videotestsrc is-live=true pattern=snow ! video/x-raw,width=${source.width},height=${source.height},framerate=${fps}/1 ! videoconvert ! ` +
    `x264enc tune=zerolatency speed-preset=ultrafast bitrate=${source.kbps} key-int-max=${source.keyframeInterval ?? fps} ! video/x-h264,profile=constrained-baseline ! ` +
    'rtph264pay config-interval=-1 pt=96 ! application/x-rtp,media=video,encoding-name=H264,payload=96';
  const audio =
    'audiotestsrc is-live=true wave=sine ! audioconvert ! audioresample ! opusenc bitrate=64000 bitrate-type=cbr ! ' +
    'rtpopuspay pt=111 ! application/x-rtp,media=audio,encoding-name=OPUS,payload=111';
  const stub = gupnpStub();
  const env = { ...process.env, ...(stub ? { LD_LIBRARY_PATH: [stub, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':') } : {}) };
  const child = spawnChild('whip-client', ['-u', url, '-t', token, '-n', '-l', '3', '-o', '-V', video, '-A', audio], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
