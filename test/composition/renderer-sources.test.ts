// What the composition renderer takes from a WHIP publisher's packets, over an in-process emulator fed by
// a stand-in RTP source whose packets the test makes:
// - the last group of pictures (src/media/last-gop.ts, replayed to each new ffmpeg of a composition) is
//   kept only while a composition of its stage is drawn: a stage without one costs no copy of every
//   video packet;
// - only RTP says that video arrives: the RTCP on the video track (sender reports) goes on after the
//   video stops, and must not keep a stopped video drawn as flowing;
// - a composition's first ffmpeg has no group of pictures to start from: the publisher is asked for a key
//   frame (a PLI) as the ffmpeg is set up, before it starts, so the key frame is on its way (held for it)
//   while ffmpeg starts instead of being asked for once it is up.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateStageCommand, StartCompositionCommand, StopCompositionCommand } from '@aws-sdk/client-ivs-realtime';
import { afterEach, describe, expect, it } from 'vitest';
import { CompositionRenderer } from '../../src/emulator/media/composition/renderer.js';
import type { RtpListener, RtpSource, RtpSourceWatcher } from '../../src/emulator/media/whip/rtp-source.js';
import { parseRtp } from '../../src/media/rtp.js';
import { participantKey } from '../../src/emulator/state/store.js';
import { findFfmpeg } from '../../src/publish/ffmpeg.js';
import { adminHeaders } from '../helpers/emulator.js';
import { emulatorPerTest, type TestEmulator } from '../emulator/helpers.js';
import { eventually } from '../helpers/wait.js';

const emulators = emulatorPerTest();
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** An H.264 RTP packet (payload type 96) with `nal` as its single NAL unit. */
function rtp(sequence: number, timestamp: number, nal: number[]): Uint8Array {
  const packet = new Uint8Array(12 + nal.length);
  const view = new DataView(packet.buffer);
  packet[0] = 0x80;
  packet[1] = 96;
  view.setUint16(2, sequence);
  view.setUint32(4, timestamp);
  view.setUint32(8, 0x1234);
  packet.set(nal, 12);
  return packet;
}

/** An RTCP sender report (RFC 3550 §6.4.1, packet type 200) for SSRC 0x1234, with no report blocks. */
function senderReport(): Uint8Array {
  const packet = new Uint8Array(28);
  const view = new DataView(packet.buffer);
  packet[0] = 0x80;
  packet[1] = 200;
  view.setUint16(2, 6);
  view.setUint32(4, 0x1234);
  return packet;
}

/**
 * A stage, a renderer over the emulator, and one stand-in publisher on the stage with H.264 video;
 * `joined`, it is a participant of the stage publishing (so a composition draws its video), and
 * `requestKeyframe` is what it does when asked for a key frame.
 */
async function rendererWithPublisher({ emu, client }: TestEmulator, name: string, { joined = false, requestKeyframe = () => undefined }: { joined?: boolean; requestKeyframe?: () => void } = {}) {
  const { stage } = await client.send(new CreateStageCommand({ name }));
  const stageArn = stage!.arn!;
  let sessionId = 'st-session';
  if (joined) {
    const res = await fetch(`${emu.url}/_ivsrt/join`, { method: 'POST', headers: adminHeaders(emu.url), body: JSON.stringify({ stageArn, participantId: 'publisher', publish: true }) });
    expect(res.status, await res.clone().text()).toBe(200);
    ({ sessionId } = (await res.json()) as { sessionId: string });
  }
  const listeners = new Set<RtpListener>();
  const source: RtpSource = {
    stageArn,
    sessionId,
    participantId: 'publisher',
    payloadTypes: { video: 96 },
    listen: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    requestKeyframe,
  };
  const live = mkdtempSync(join(tmpdir(), 'ivsrt-renderer-'));
  const renderer = new CompositionRenderer(emu.emulator, { watchRtpSources: (w: RtpSourceWatcher) => (w.added(source), () => undefined) }, { liveDir: () => live });
  cleanups.push(() => rmSync(live, { recursive: true, force: true }), () => renderer.close());
  const send = (packet: Uint8Array) => {
    for (const l of listeners) l('video', packet, parseRtp(packet));
  };
  return { stageArn, renderer, send, key: participantKey({ sessionId: source.sessionId, id: source.participantId }) };
}

describe('what the composition renderer takes from a publisher', () => {
  it('keeps the last group of pictures only while a composition of its stage is drawn', async () => {
    const running = await emulators.start();
    const { stageArn, renderer, send, key } = await rendererWithPublisher(running, 'gop');
    let sequence = 0;
    let timestamp = 0;
    /** A key frame (its SPS) and one more picture; then how many packets the renderer would replay. */
    const sendGop = (): number => {
      timestamp += 3000;
      send(rtp(sequence++, timestamp, [0x67, 0x42, 0x00, 0x1f]));
      timestamp += 3000;
      send(rtp(sequence++, timestamp, [0x41, 0x9a]));
      return renderer.lastGop(key).length;
    };

    expect(sendGop(), 'no composition: nothing kept').toBe(0);
    const { composition } = await running.client.send(new StartCompositionCommand({ stageArn, destinations: [{ channel: { channelArn: 'arn:aws:ivs:us-east-1:123456789012:channel/AbCdEfGhIjKl' } }] }));
    await eventually('the group of pictures to be kept once the composition is drawn', async () => (sendGop() === 2 ? true : undefined));
    await running.client.send(new StopCompositionCommand({ arn: composition!.arn! }));
    await eventually('the group of pictures to go with the composition', async () => (sendGop() === 0 ? true : undefined));
  });

  it('counts only RTP as video arriving: a video that stopped while its RTCP goes on is seen as stopped', async () => {
    const { renderer, send, key } = await rendererWithPublisher(await emulators.start(), 'rtcp');
    send(rtp(0, 3000, [0x65, 0x88]));
    expect(renderer.videoFlowing(key)).toBe(true);
    // From here only sender reports come, ten a second, as a sender goes on reporting on a track it stopped.
    const reports = setInterval(() => send(senderReport()), 100);
    cleanups.push(() => clearInterval(reports));
    await eventually('the video to be seen as stopped while its RTCP goes on', async () => (renderer.videoFlowing(key) ? undefined : true));
    // And RTP again is video again.
    send(rtp(1, 6000, [0x41, 0x9a]));
    expect(renderer.videoFlowing(key)).toBe(true);
  });

  it.skipIf(findFfmpeg() === undefined)("asks for a key frame as a composition's first ffmpeg is set up, before it is started", async () => {
    const running = await emulators.start();
    /** The pid the renderer lists for the composition's ffmpeg each time the publisher is asked for a key frame. */
    const askedWhile: (number | undefined)[] = [];
    const { stageArn, renderer, send } = await rendererWithPublisher(running, 'pli', { joined: true, requestKeyframe: () => askedWhile.push(renderer.renditions()[0]?.ffmpegPid) });
    // Its video flows (so it is drawn), with no key frame among it (so no group of pictures is kept).
    let sequence = 0;
    const video = setInterval(() => send(rtp(sequence, ++sequence * 3000, [0x41, 0x9a])), 50);
    cleanups.push(() => clearInterval(video));
    await running.client.send(new StartCompositionCommand({ stageArn, destinations: [{ channel: { channelArn: 'arn:aws:ivs:us-east-1:123456789012:channel/AbCdEfGhIjKl' } }] }));
    await eventually('the publisher to be asked for a key frame', async () => (askedWhile.length > 0 ? true : undefined));
    expect(askedWhile[0], 'asked before ffmpeg was started').toBeUndefined();
    await eventually('the ffmpeg to start', async () => (renderer.renditions()[0]?.ffmpegPid !== undefined ? true : undefined));
    expect(askedWhile, 'asked once').toHaveLength(1);
  });
});
