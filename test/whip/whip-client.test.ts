// An independent WHIP client (Debian's simple-whip-client, GStreamer) publishing real H.264 + Opus into
// the emulator with tokens made by `ivsrt token create`, and the media rules it must meet.
import { afterAll, describe, expect, it } from 'vitest';
import type { IvsEvent, StageUpdateDetail } from '../../src/emulator/eventbridge/envelope.js';
import { startReceiver } from '../events/receiver.js';
import { emulatorBed } from '../helpers/bed.js';
import { whipClient, whipClientMissing } from './media.js';
import { eventually } from '../helpers/wait.js';
import { measuredPublisher, mediaOf, participantEvents } from './whip-api.js';

const missing = whipClientMissing();
if (missing) console.warn(`skipping the simple-whip-client tests: ${missing}`);

type StageUpdateEvent = IvsEvent & { detail: StageUpdateDetail };
const isStageUpdate = (e: IvsEvent): e is StageUpdateEvent => e['detail-type'] === 'IVS Stage Update';

// The emulator delivers its EventBridge events to this webhook, as an API destination would; with
// --event-extras, so Participant Publish Error carries error_code (an extra, docs/events.md).
const receiver = await startReceiver();
afterAll(() => receiver.close());
const bed = emulatorBed(['--event-target', receiver.url, '--event-extras']);

/** The IVS Stage Update events delivered about `participantId` (these stages neither record nor compose), once `count` have come. */
async function delivered(participantId: string, count: number): Promise<StageUpdateEvent[]> {
  const about = () => receiver.received.map((r) => r.body as IvsEvent).filter(isStageUpdate).filter((e) => e.detail.participant_id === participantId);
  return eventually(`${count} events delivered about ${participantId}`, (see) => {
    see(described(about()));
    return about().length >= count ? about() : undefined;
  });
}
const described = (events: StageUpdateEvent[]) => events.map((e) => [e['detail-type'], e.detail.event_name, e.detail.error_code].filter(Boolean).join(': '));

async function stageWithToken(name: string, tokenArgs: string[] = []): Promise<{ stageArn: string; whip: string; token: string; participantId: string }> {
  const stage = (await bed.cli(['stage', 'create', '--name', name, '--json'])).json().stage;
  const created = await bed.cli(['token', 'create', name, '--user-id', `${name}-user`, ...tokenArgs, '--json']);
  expect(created.code, created.stderr).toBe(0);
  const { token, participantId } = created.json().participantToken;
  return { stageArn: stage.arn, whip: stage.endpoints.whip, token, participantId };
}

const within10 = (measured: number, sent: number) => Math.abs(measured - sent) / sent;

describe.skipIf(missing !== undefined)('simple-whip-client publishing to the emulator', () => {
  it('joins with the token, publishes (CONNECTED, published, WHIP, JOINED + PUBLISH_STARTED, EventBridge Participant Published), is measured within 10%, and DELETE ends it (Participant Unpublished)', async () => {
    const { stageArn, whip, token, participantId } = await stageWithToken('whip-publish');
    expect(whip).toBe(`${bed.emu.url}/whip/${whip.split('/').pop()}`);
    // A small, slow source, so the encoder keeps real time on a busy two-core machine.
    const client = whipClient(whip, token, { width: 480, height: 270, kbps: 800, fps: 15 });
    try {
      // The encoder's rate control settles within a few seconds: wait for a three-second window that
      // shows it (a client starved of CPU sends less than it was told to, which is not what is tested).
      const sent = { video: 800_000, audio: 64_000, fps: 15 };
      const publisher = await measuredPublisher(bed.emu.url, 'three seconds of media measured at the rates sent', (p) => {
        if (p.participantId !== participantId || p.media.windowSeconds < 3) return false;
        const { videoBitrate, audioBitrate, frameRate } = p.media;
        return within10(videoBitrate, sent.video) < 0.1 && within10(audioBitrate, sent.audio) < 0.1 && within10(frameRate!, sent.fps) < 0.1;
      });
      expect(publisher.connectionState).toBe('connected');
      expect(publisher.media).toMatchObject({ videoCodec: 'H264', audioCodec: 'OPUS', width: 480, height: 270 });
      expect(within10(publisher.media.videoBitrate, sent.video)).toBeLessThan(0.1);
      expect(within10(publisher.media.audioBitrate, sent.audio)).toBeLessThan(0.1);
      expect(within10(publisher.media.frameRate!, sent.fps)).toBeLessThan(0.1);

      const { participant } = await bed.api('GetParticipant', { stageArn, sessionId: publisher.sessionId, participantId });
      expect(participant).toMatchObject({ state: 'CONNECTED', published: true, protocol: 'WHIP', userId: 'whip-publish-user' });
      expect(await participantEvents(bed.api, stageArn, participantId)).toEqual(['JOINED', 'PUBLISH_STARTED']);

      expect(await client.stop()).not.toBeNull();
      await eventually('the participant to leave after the DELETE', async (see) => {
        const { participant: p } = await bed.api('GetParticipant', { stageArn, sessionId: publisher.sessionId, participantId });
        see({ state: p.state });
        return p.state === 'DISCONNECTED' ? p : undefined;
      });
      expect(await participantEvents(bed.api, stageArn, participantId)).toEqual(['JOINED', 'PUBLISH_STARTED', 'PUBLISH_STOPPED', 'LEFT']);
      expect((await mediaOf(bed.emu.url)).some((q) => q.participantId === participantId)).toBe(false);
      const events = await delivered(participantId, 2);
      expect(described(events)).toEqual(['IVS Stage Update: Participant Published', 'IVS Stage Update: Participant Unpublished']);
      for (const event of events) {
        expect(event).toMatchObject({ source: 'aws.ivs', resources: [stageArn], detail: { session_id: publisher.sessionId, user_id: 'whip-publish-user' } });
      }
    } finally {
      await client.stop();
    }
  });

  it.each([
    { breach: 'a picture above 720p', stage: 'whip-1080p', source: { width: 1920, height: 1080, kbps: 400, fps: 5 }, errorCode: 'RESOLUTION_EXCEEDED' },
    { breach: 'a stream above 8.5 Mbps', stage: 'whip-10mbps', source: { width: 640, height: 360, kbps: 10_000 }, errorCode: 'BITRATE_EXCEEDED' },
  ])('$breach gets PUBLISH_ERROR $errorCode (and the EventBridge Participant Publish Error) and the publish ends', async ({ stage, source, errorCode }) => {
    const { stageArn, whip, token, participantId } = await stageWithToken(stage);
    const client = whipClient(whip, token, source);
    try {
      const names = await eventually(`the ${errorCode} error`, async (see) => {
        const events = await participantEvents(bed.api, stageArn, participantId);
        see({ events });
        return events.includes('LEFT') ? events : undefined;
      });
      expect(names).toEqual(['JOINED', 'PUBLISH_STARTED', `PUBLISH_ERROR:${errorCode}`, 'PUBLISH_STOPPED', 'LEFT']);
      expect(described(await delivered(participantId, 3))).toEqual([
        'IVS Stage Update: Participant Published',
        `IVS Stage Update: Participant Publish Error: ${errorCode}`,
        'IVS Stage Update: Participant Unpublished',
      ]);
    } finally {
      await client.stop();
    }
  });

  it('a subscribe-only token is refused: the client fails, the participant gets PUBLISH_ERROR INSUFFICIENT_CAPABILITIES (and the EventBridge event)', async () => {
    const { stageArn, whip, token, participantId } = await stageWithToken('whip-viewer', ['--capabilities', 'subscribe']);
    const client = whipClient(whip, token, { width: 320, height: 180, kbps: 300 });
    const code = await client.exited;
    expect(client.output()).toMatch(/\[403\] Forbidden/);
    expect(code).not.toBeNull();
    expect(await participantEvents(bed.api, stageArn, participantId)).toEqual(['JOINED', 'PUBLISH_ERROR:INSUFFICIENT_CAPABILITIES', 'LEFT']);
    expect(described(await delivered(participantId, 1))).toEqual(['IVS Stage Update: Participant Publish Error: INSUFFICIENT_CAPABILITIES']);
  });
});
