// The subscribe tests' clients: Debian's aiortc (aiortc_client.py, the WebRTC stack of AWS's IVS samples)
// as publisher and subscriber, a hand-written receive-only offer for the protocol checks, and the reads of
// the emulator's media view.
import { execFileSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { adminHeaders } from '../helpers/emulator.js';
import type { WhipSubscriber } from '../../src/emulator/media/whip/subscribe.js';
import { spawnChild } from '../helpers/children.js';
import { deleteSession, openPeer } from '../../src/media/webrtc-client.js';
import { syntheticH264 } from '../../bench/synthetic-h264.mjs';

const SCRIPT = fileURLToPath(new URL('./aiortc_client.py', import.meta.url));

/** Debian's python3 first: the one python3-aiortc installs into (a pyenv python3 may come first on PATH). */
const PYTHONS = ['/usr/bin/python3', 'python3'];

let python: string | null | undefined;

/** The python3 that imports aiortc, av and numpy, or undefined. */
function aiortcPython(): string | undefined {
  if (python !== undefined) return python ?? undefined;
  python = PYTHONS.find((candidate) => {
    try {
      execFileSync(candidate, ['-c', 'import aiortc, av, numpy'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  }) ?? null;
  return python ?? undefined;
}

/** Why the aiortc client cannot run here, or undefined when it can. */
export function aiortcMissing(): string | undefined {
  return aiortcPython() ? undefined : 'python3-aiortc (with python3-av, python3-numpy) is not installed: apt-get install python3-aiortc';
}

export interface AiortcRun {
  child: ChildProcess;
  /** The JSON lines it printed so far. */
  lines(): Record<string, any>[];
  output(): string;
  /** Resolves with the first line for which `test` holds (or rejects when the client exits first). */
  line(test: (line: Record<string, any>) => boolean): Promise<Record<string, any>>;
  /** Writes one command line to its standard input. */
  send(command: string): void;
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

export function aiortc(args: string[]): AiortcRun {
  // The token goes to the client in its environment, never on a command line that ps shows.
  const at = args.indexOf('--token');
  const token = at >= 0 ? args[at + 1] : undefined;
  const argv = at >= 0 ? [...args.slice(0, at), ...args.slice(at + 2)] : args;
  const child = spawnChild(aiortcPython()!, [SCRIPT, ...argv], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...(token === undefined ? {} : { PARTICIPANT_TOKEN: token }) } });
  let output = '';
  const parsed: Record<string, any>[] = [];
  const waiters: { test: (l: Record<string, any>) => boolean; resolve: (l: Record<string, any>) => void }[] = [];
  let pending = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    pending += chunk.toString();
    let newline: number;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const text = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      if (!text.startsWith('{')) continue;
      const line = JSON.parse(text) as Record<string, any>;
      parsed.push(line);
      for (const w of [...waiters]) if (w.test(line)) w.resolve(line);
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    lines: () => parsed,
    output: () => output,
    line(test) {
      const found = parsed.find(test);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        waiters.push({ test, resolve });
        void exited.then((code) => reject(new Error(`the aiortc client exited (${code}) first:\n${output.slice(-3000)}`)));
      });
    },
    send: (command) => void child.stdin!.write(`${command}\n`),
    exited,
    async stop() {
      child.stdin!.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** A receive-only offer (audio then video, as the samples make it) that never connects: for the HTTP side. */
export function recvonlyOffer(): string {
  const section = (kind: string, mid: string, rtpmap: string[]) => [
    `m=${kind} 9 UDP/TLS/RTP/SAVPF ${rtpmap.map((r) => r.split(' ')[0]).join(' ')}`,
    'c=IN IP4 0.0.0.0',
    `a=mid:${mid}`,
    'a=recvonly',
    'a=rtcp-mux',
    ...rtpmap.map((r) => `a=rtpmap:${r.split(' ')[0]} ${r.split(' ')[1]}`),
    ...rtpmap.filter((r) => r.split(' ')[2]).map((r) => `a=fmtp:${r.split(' ')[0]} ${r.split(' ')[2]}`),
    'a=ice-ufrag:abcd',
    'a=ice-pwd:abcdefghijklmnopqrstuvwx',
    'a=fingerprint:sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF',
    'a=setup:actpass',
  ];
  return [
    'v=0',
    'o=- 1 1 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    'a=group:BUNDLE 0 1',
    ...section('audio', '0', ['109 opus/48000/2 minptime=10;useinbandfec=1']),
    ...section('video', '1', ['98 VP8/90000', '102 H264/90000 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f', '103 H264/90000 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42e01f']),
    '',
  ].join('\r\n');
}

export const postOffer = (url: string, token: string, sdp: string): Promise<Response> =>
  fetch(url, { method: 'POST', body: sdp, headers: { 'content-type': 'application/sdp', authorization: `Bearer ${token}` } });

export type Subscriber = Omit<WhipSubscriber, 'postedAt'> & { postedAt: string };

export async function subscribersOf(url: string): Promise<Subscriber[]> {
  const res = await fetch(`${url}/_ivsrt/media`, { headers: adminHeaders(url) });
  return ((await res.json()) as { whipSubscribers: Subscriber[] }).whipSubscribers;
}

/**
 * A WHIP publisher of synthetic H.264 RTP at `mbps` (bench/synthetic-h264.mjs, a key frame every second):
 * nothing is encoded, so a test can reach bitrates no encoder here would keep up on a loaded machine. It
 * keeps to the rate by sending whatever frames are due on each tick.
 */
export async function syntheticPublisher(whip: string, token: string, mbps: number): Promise<{ stop(): Promise<void> }> {
  const peer = await openPeer('test-synthetic-publisher');
  const video = new peer.ndc.Video('0', 'SendOnly');
  video.addH264Codec(96);
  video.addSSRC(4242, 'synthetic', 'synthetic', 'video');
  const track = peer.pc.addTrack(video);
  const res = await fetch(whip, { method: 'POST', headers: { 'Content-Type': 'application/sdp', Authorization: `Bearer ${token}` }, body: await peer.offer() });
  if (res.status !== 201) throw new Error(`publish: HTTP ${res.status} ${await res.text()}`);
  const location = new URL(res.headers.get('location')!, whip).toString();
  await peer.connect(await res.text());
  await new Promise<void>((resolve) => (track.isOpen() ? resolve() : track.onOpen(resolve)));
  const FPS = 30;
  const h264 = syntheticH264({ mbps, fps: FPS, ssrc: 4242 });
  const started = Date.now();
  const pacer = setInterval(() => {
    const due = Math.floor(((Date.now() - started) * FPS) / 1000);
    while (h264.frames < due) for (const packet of h264.next(h264.frames % FPS === 0)) track.sendMessageBinary(packet);
  }, 10);
  return {
    async stop() {
      clearInterval(pacer);
      await deleteSession(location, token);
      peer.close();
    },
  };
}
