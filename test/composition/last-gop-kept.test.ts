// The composition renderer keeps a publisher's last group of pictures (src/media/last-gop.ts, replayed to
// each new ffmpeg of a composition) only while a composition of its stage is drawn: a stage without one
// costs no copy of every video packet. A CompositionRenderer over an in-process emulator, fed by a
// stand-in RTP source whose packets the test makes (an SPS, then a slice).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateStageCommand, StartCompositionCommand, StopCompositionCommand } from '@aws-sdk/client-ivs-realtime';
import { afterEach, describe, expect, it } from 'vitest';
import { CompositionRenderer } from '../../src/emulator/media/composition/renderer.js';
import type { RtpListener, RtpSource, RtpSourceWatcher } from '../../src/emulator/media/whip/rtp-source.js';
import { participantKey } from '../../src/emulator/state/store.js';
import { emulatorPerTest } from '../emulator/helpers.js';
import { eventually } from '../whip/media.js';

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

describe('the last group of pictures a composition replays', () => {
  it('is kept for a publisher only while a composition of its stage is drawn', async () => {
    const { emu, client } = await emulators.start();
    const { stage } = await client.send(new CreateStageCommand({ name: 'gop' }));
    const stageArn = stage!.arn!;
    const listeners = new Set<RtpListener>();
    const source: RtpSource = {
      stageArn,
      sessionId: 'st-session',
      participantId: 'publisher',
      payloadTypes: { video: 96 },
      listen: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      requestKeyframe: () => undefined,
    };
    const live = mkdtempSync(join(tmpdir(), 'ivsrt-gop-'));
    const renderer = new CompositionRenderer(emu.emulator, { watchRtpSources: (w: RtpSourceWatcher) => (w.added(source), () => undefined) }, { liveDir: () => live });
    cleanups.push(() => rmSync(live, { recursive: true, force: true }), () => renderer.close());
    const key = participantKey({ sessionId: source.sessionId, id: source.participantId });
    let sequence = 0;
    let timestamp = 0;
    /** A key frame (its SPS) and one more picture; then how many packets the renderer would replay. */
    const sendGop = (): number => {
      timestamp += 3000;
      for (const l of listeners) l('video', rtp(sequence++, timestamp, [0x67, 0x42, 0x00, 0x1f]));
      timestamp += 3000;
      for (const l of listeners) l('video', rtp(sequence++, timestamp, [0x41, 0x9a]));
      return renderer.lastGop(key).length;
    };

    expect(sendGop(), 'no composition: nothing kept').toBe(0);
    const { composition } = await client.send(new StartCompositionCommand({ stageArn, destinations: [{ channel: { channelArn: 'arn:aws:ivs:us-east-1:123456789012:channel/AbCdEfGhIjKl' } }] }));
    await eventually('the group of pictures to be kept once the composition is drawn', async () => (sendGop() === 2 ? true : undefined));
    await client.send(new StopCompositionCommand({ arn: composition!.arn! }));
    await eventually('the group of pictures to go with the composition', async () => (sendGop() === 0 ? true : undefined));
  });
});
