// Media through the emulator's SFU with an independent WebRTC stack: Debian's aiortc (the stack of AWS's
// IVS samples) publishes a known solid colour over WHIP and subscribes as the samples do; the decoded
// frames have the sent size and colour. Then the subscription's end when its publisher goes, and the
// quotas that need a publisher with real media (the stage's subscribers, a participant's download).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/assemble.js';
import { apiClient, type Api } from '../helpers/activity.js';
import { emulatorBed } from '../helpers/bed.js';
import { adminHeaders } from '../helpers/emulator.js';
import { eventually } from '../helpers/wait.js';
import { mediaOf, participantEvents } from '../whip/whip-api.js';
import { aiortc, aiortcMissing, postOffer, recvonlyOffer, syntheticPublisher, type AiortcRun } from './clients.js';

const missing = aiortcMissing();
if (missing) console.warn(`skipping the aiortc subscribe tests: ${missing}`);

const bed = emulatorBed();

/** Orange-ish, far from grey and from every primary, so a swapped channel or a grey frame shows. */
const COLOUR = { hex: 'e0602a', rgb: [0xe0, 0x60, 0x2a] };

async function stageAndToken(api: Api, name: string, capabilities: string[]): Promise<{ stageArn: string; whip: string; token: string; participantId: string }> {
  const { stage } = await api('CreateStage', { name });
  const { participantToken } = await api('CreateParticipantToken', { stageArn: stage.arn, capabilities });
  return { stageArn: stage.arn, whip: stage.endpoints.whip, token: participantToken.token, participantId: participantToken.participantId };
}

async function aiortcPublisher(whip: string, token: string): Promise<AiortcRun> {
  const publisher = aiortc(['publish', '--url', whip, '--token', token, '--colour', COLOUR.hex, '--width', '320', '--height', '240']);
  await publisher.line((l) => l.event === 'published');
  return publisher;
}

describe.skipIf(missing !== undefined)('aiortc publishing and subscribing through the emulator', () => {
  it('a subscriber decodes the publisher\'s frames at the sent size and colour, with its audio; when the publisher leaves, the subscription ends (SUBSCRIBE_STOPPED, LEFT)', async () => {
    const pub = await stageAndToken(bed.api, 'aiortc-colour', ['PUBLISH']);
    const publisher = await aiortcPublisher(pub.whip, pub.token);
    try {
      const { participantToken: viewer } = await bed.api('CreateParticipantToken', { stageArn: pub.stageArn, capabilities: ['SUBSCRIBE'] });
      const subscriber = aiortc(['subscribe', '--url', pub.whip, '--token', viewer.token, '--participant', pub.participantId, '--frames', '10']);
      const done = await subscriber.line((l) => l.event === 'done');
      const frames = subscriber.lines().filter((l) => l.event === 'frame');
      expect(frames).toHaveLength(10);
      for (const frame of frames) {
        expect([frame.width, frame.height]).toEqual([320, 240]);
        frame.rgb.forEach((c: number, i: number) => expect(Math.abs(c - COLOUR.rgb[i]!), `channel ${i} of ${frame.rgb}`).toBeLessThanOrEqual(12));
      }
      expect(done.audioFrames).toBeGreaterThan(0);
      await subscriber.exited;
      expect(await participantEvents(bed.api, pub.stageArn, viewer.participantId)).toEqual(['JOINED', 'SUBSCRIBE_STARTED', 'SUBSCRIBE_STOPPED', 'LEFT']);

      // A second subscriber stays until the publisher goes.
      const { participantToken: second } = await bed.api('CreateParticipantToken', { stageArn: pub.stageArn, capabilities: ['SUBSCRIBE'] });
      const staying = aiortc(['subscribe', '--url', pub.whip, '--token', second.token, '--participant', pub.participantId, '--frames', '1000000']);
      await staying.line((l) => l.event === 'frame');
      await publisher.stop();
      await eventually('the subscriber to leave with its publisher', async (see) => {
        const events = await participantEvents(bed.api, pub.stageArn, second.participantId);
        see({ events });
        return events.includes('LEFT') ? events : undefined;
      });
      expect(await participantEvents(bed.api, pub.stageArn, second.participantId)).toEqual(['JOINED', 'SUBSCRIBE_STARTED', 'SUBSCRIBE_STOPPED', 'LEFT']);
      // Its subscription is over, but it waits for the frames it asked for and reads no stdin (no --hold):
      // stop() would give it 10 s before killing it, so it is ended now.
      staying.child.kill('SIGTERM');
      await staying.exited;
    } finally {
      await publisher.stop();
    }
  });
});

describe.skipIf(missing !== undefined)('forwarding as each subscriber negotiated, with RTCP both ways (aiortc on both ends)', () => {
  it("rewrites SSRCs and payload types to the subscriber's, asks the publisher for a key frame for a new subscriber that asks for none, passes the subscriber's PLI and FIR upstream, answers its NACK with the packet again, and sends the publisher receiver reports", async () => {
    const pub = await stageAndToken(bed.api, 'aiortc-rtcp', ['PUBLISH']);
    const publisher = await aiortcPublisher(pub.whip, pub.token);
    try {
      const { senders } = await publisher.line((l) => l.event === 'published');
      const keyframeRequests = () => publisher.lines().filter((l) => l.event === 'keyframe-request' && l.kind === 'video').length;
      const before = keyframeRequests();
      const { participantToken: viewer } = await bed.api('CreateParticipantToken', { stageArn: pub.stageArn, capabilities: ['SUBSCRIBE'] });
      // Every payload type the subscriber offers is 20 above aiortc's own (the publisher's), and the
      // subscriber never asks for a key frame itself: aiortc drops packets of a payload type it did not
      // negotiate, and its first picture needs the key frame the emulator asks the publisher for.
      const subscriber = aiortc(['subscribe', '--url', pub.whip, '--token', viewer.token, '--participant', pub.participantId, '--frames', '3', '--timeout', '30', '--shift-payload-types', '20', '--no-pli', '--hold']);
      try {
        const done = await subscriber.line((l) => l.event === 'done');
        for (const kind of ['audio', 'video']) {
          expect(done.answer[kind].pt, kind).toBe(senders[kind].pt + 20);
          expect(done.answer[kind].ssrc, kind).not.toBe(senders[kind].ssrc);
          expect(done.received[kind], kind).toEqual({ ssrcs: [done.answer[kind].ssrc], pts: [done.answer[kind].pt] });
        }
        for (const frame of subscriber.lines().filter((l) => l.event === 'frame')) expect([frame.width, frame.height]).toEqual([320, 240]);
        expect(done.audioFrames).toBeGreaterThan(0);
        await eventually('a key frame request for the new subscriber', (see) => {
          see({ before, now: keyframeRequests() });
          return keyframeRequests() > before ? true : undefined;
        });

        for (const request of ['pli', 'fir']) {
          const asked = keyframeRequests();
          subscriber.send(request);
          await subscriber.line((l) => l.event === 'sent' && l.what === request);
          await eventually(`the subscriber's ${request.toUpperCase()} to reach the publisher`, (see) => {
            see({ asked, now: keyframeRequests() });
            return keyframeRequests() > asked ? true : undefined;
          });
        }

        subscriber.send('nack');
        const nacked = await subscriber.line((l) => l.event === 'nack-sent');
        await eventually('the NACKed packet to come again', (see) => {
          see({ nacked: nacked.seq, retransmitted: subscriber.lines().filter((l) => l.event === 'retransmitted').map((l) => l.seq) });
          return subscriber.lines().some((l) => l.event === 'retransmitted' && l.seq === nacked.seq) ? true : undefined;
        });

        // The emulator's receiver reports answer the publisher's sender reports (aiortc sends one every
        // second or so): asked for until both tracks have had one, not read once after some time has passed.
        const feedback = await eventually("receiver reports on both of the publisher's tracks", async (see) => {
          const earlier = new Set(publisher.lines().filter((l) => l.event === 'stats'));
          publisher.send('stats');
          const { feedback: now } = await publisher.line((l) => l.event === 'stats' && !earlier.has(l));
          see(now);
          return (now.video?.receiverReports ?? 0) > 0 && (now.audio?.receiverReports ?? 0) > 0 ? now : undefined;
        });
        expect(feedback.video.receiverReports).toBeGreaterThan(0);
        expect(feedback.audio.receiverReports).toBeGreaterThan(0);
      } finally {
        await subscriber.stop();
      }
    } finally {
      await publisher.stop();
    }
  });
});

describe("the service's own download cap (8.5 Mbps a participant)", () => {
  it('lets one participant receive a 5 Mbit/s publisher, and refuses it a second (10 Mbit/s together): 403 QUOTA_EXCEEDED, SUBSCRIBE_ERROR', async () => {
    const { stage } = await bed.api('CreateStage', { name: 'download-cap' });
    const publishers = await Promise.all([1, 2].map(async () => {
      const { participantToken } = await bed.api('CreateParticipantToken', { stageArn: stage.arn, capabilities: ['PUBLISH'] });
      return { id: participantToken.participantId as string, run: await syntheticPublisher(stage.endpoints.whip, participantToken.token, 5) };
    }));
    try {
      // Both measured above the half of the cap (and under the 8.5 Mbps a publisher may send).
      await eventually('both publishers measured above 4.3 Mbit/s', async (see) => {
        const rates = (await mediaOf(bed.emu.url)).filter((p) => p.stageArn === stage.arn).map((p) => p.media.bitrate);
        see({ rates });
        return rates.length === 2 && rates.every((r) => r > 4_300_000) ? true : undefined;
      });
      const { participantToken: viewer } = await bed.api('CreateParticipantToken', { stageArn: stage.arn, capabilities: ['SUBSCRIBE'] });
      const first = await postOffer(`${stage.endpoints.whip}/subscribe/${publishers[0]!.id}`, viewer.token, recvonlyOffer());
      expect(first.status, await first.clone().text()).toBe(201);
      const second = await postOffer(`${stage.endpoints.whip}/subscribe/${publishers[1]!.id}`, viewer.token, recvonlyOffer());
      expect(second.status).toBe(403);
      const body = await second.json();
      expect(body).toMatchObject({ code: 'QUOTA_EXCEEDED' });
      expect(body.message).toMatch(/above the 8500000 bps a participant may/);
      expect(await participantEvents(bed.api, stage.arn, viewer.participantId)).toEqual(['JOINED', 'SUBSCRIBE_STARTED', 'SUBSCRIBE_ERROR:QUOTA_EXCEEDED']);
    } finally {
      await Promise.all(publishers.map((p) => p.run.stop()));
    }
  });
});

describe('subscriber quotas', () => {
  let emu: RunningEmulator;
  let api: Api;
  beforeAll(async () => {
    // The stage's subscriber quota lowered to 1 and the download cap to 1 kbit/s, so that one aiortc
    // publisher can reach them (the service's are 10,000 and 8.5 Mbps).
    emu = await startEmulator({ quotas: { subscribersPerStage: 1 }, mediaLimits: { maxBitrate: 8_500_000, maxLongSide: 1280, maxShortSide: 720, maxDownloadBitrate: 1_000 } });
    api = apiClient(emu.url);
  });
  afterAll(() => emu?.close());

  it.skipIf(missing !== undefined)('refuses a subscription that takes a participant over the download cap (measured from an aiortc publisher): QUOTA_EXCEEDED, HTTP 403, SUBSCRIBE_ERROR', async () => {
    const pub = await stageAndToken(api, 'quota-stage', ['PUBLISH']);
    const publisher = await aiortcPublisher(pub.whip, pub.token);
    try {
      await eventually('the publisher\'s bitrate to be measured', async (see) => {
        const publishers = await mediaOf(emu.url);
        see({ media: publishers.map((p) => p.media) });
        return (publishers[0]?.media.bitrate ?? 0) > 1_000 || undefined;
      });
      const url = `${pub.whip}/subscribe/${pub.participantId}`;
      const { participantToken: heavy } = await api('CreateParticipantToken', { stageArn: pub.stageArn, capabilities: ['SUBSCRIBE'] });
      const over = await postOffer(url, heavy.token, recvonlyOffer());
      expect(over.status).toBe(403);
      const body = await over.json();
      expect(body).toMatchObject({ code: 'QUOTA_EXCEEDED' });
      expect(body.message).toMatch(/above the 1000 bps a participant may/);
      expect(await participantEvents(api, pub.stageArn, heavy.participantId)).toEqual(['JOINED', 'SUBSCRIBE_ERROR:QUOTA_EXCEEDED', 'LEFT']);
    } finally {
      await publisher.stop();
    }
  });

  it('the stage\'s subscriber quota: the second subscriber is refused with QUOTA_EXCEEDED', async () => {
    const { stage } = await api('CreateStage', { name: 'quota-subscribers' });
    const join = await fetch(`${emu.url}/_ivsrt/join`, {
      method: 'POST',
      headers: adminHeaders(emu.url),
      body: JSON.stringify({ stageArn: stage.arn, publish: true }),
    });
    expect(join.status, await join.clone().text()).toBe(200);
    const publisherId = ((await join.json()) as { participant: { participantId: string } }).participant.participantId;
    const tokens = await Promise.all([1, 2].map(async () => (await api('CreateParticipantToken', { stageArn: stage.arn, capabilities: ['SUBSCRIBE'] })).participantToken));
    expect((await postOffer(`${stage.endpoints.whip}/subscribe/${publisherId}`, tokens[0].token, recvonlyOffer())).status).toBe(201);
    const second = await postOffer(`${stage.endpoints.whip}/subscribe/${publisherId}`, tokens[1].token, recvonlyOffer());
    expect(second.status).toBe(403);
    expect(await second.json()).toMatchObject({ code: 'QUOTA_EXCEEDED' });
    expect(await participantEvents(api, stage.arn, tokens[1].participantId)).toEqual(['JOINED', 'SUBSCRIBE_ERROR:QUOTA_EXCEEDED', 'LEFT']);
  });
});
