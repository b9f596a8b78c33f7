// The merge of the emulator's measured media into the watched participants, as pure logic: a fake
// service (answering only what a stage poll asks), a fake media source and a fake clock, counted in polls.
import type { Participant } from '@aws-sdk/client-ivs-realtime';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { WhipPublisherStatus } from '../../src/emulator/http/admin-contract.js';
import type { MeasuredMedia } from '../../src/local/media.js';
import { MEDIA_OPERATION, type CommandSender } from '../../src/watch/api.js';
import { emulatorMedia } from '../../src/watch/emulator-media.js';
import type { MediaSource } from '../../src/watch/media.js';
import type { Change, WatchedParticipant } from '../../src/watch/model.js';
import { Poller, type PollResult } from '../../src/watch/poller.js';
import { RateLimiter } from '../../src/watch/rate-limiter.js';
import { FakeClock } from './fake-clock.js';

const STAGE = 'arn:aws:ivs:us-east-1:123456789012:stage/watched';
const OTHER_STAGE = 'arn:aws:ivs:us-east-1:123456789012:stage/other';
const SESSION = 'st-session';
const INTERVAL = 1000;

const participant = (participantId: string, userId: string): Participant => ({
  participantId,
  userId,
  state: 'CONNECTED',
  published: true,
  firstJoinTime: new Date(Date.UTC(2026, 0, 1)),
});

/** Answers the stage poll's requests with one active session of `participants`; counts them by operation. */
function fakeService(participants: Participant[]) {
  const calls: string[] = [];
  const answers: Record<string, (input: { participantId?: string }) => unknown> = {
    GetStageCommand: () => ({ stage: { arn: STAGE, name: 'watched', activeSessionId: SESSION } }),
    ListStageSessionsCommand: () => ({ stageSessions: [{ sessionId: SESSION, startTime: new Date(Date.UTC(2026, 0, 1)) }] }),
    ListParticipantsCommand: () => ({ participants }),
    GetParticipantCommand: ({ participantId }) => ({ participant: { ...participants.find((p) => p.participantId === participantId), protocol: 'WHIP' } }),
    ListCompositionsCommand: () => ({ compositions: [] }),
  };
  const sender: CommandSender = {
    async send(command) {
      const { name } = command.constructor;
      calls.push(name);
      const answer = answers[name];
      if (!answer) throw new Error(`the fake service does not answer ${name}`);
      return answer((command as { input: { participantId?: string } }).input);
    },
  };
  return { sender, calls };
}

const media = (bitrate: number, extra: Partial<MeasuredMedia> = {}): MeasuredMedia => ({
  videoCodec: 'H264',
  audioCodec: 'OPUS',
  width: 640,
  height: 360,
  frameRate: 15,
  bitrate,
  ...extra,
});

const publisher = (participantId: string, measured: MeasuredMedia, where: Partial<WhipPublisherStatus> = {}): WhipPublisherStatus => ({
  participantId,
  stageArn: STAGE,
  sessionId: SESSION,
  sessionUrl: `http://127.0.0.1/whip/session/${participantId}`,
  connectionState: 'connected',
  // The route reports counters beside the rates; they change at every poll and must not reach the watch.
  media: { ...measured, bytesReceived: 1234, packetsReceived: 56 } as MeasuredMedia,
  ...where,
});

/** A poller on the fake clock, with each poll's result kept in order. */
function watch(sender: CommandSender, media?: MediaSource) {
  const clock = new FakeClock();
  const limiter = new RateLimiter({ clock, defaultTps: 1000, limits: Object.fromEntries(['GetStage', 'ListStageSessions', 'ListParticipants', 'GetParticipant', 'ListCompositions'].map((op) => [op, 1000])) });
  const poller = new Poller({ client: sender, stageArn: STAGE, intervalMs: INTERVAL, clock, limiter, media });
  const polls: PollResult[] = [];
  poller.on('poll', (result) => polls.push(result));
  return {
    poller,
    polls,
    limiter,
    /** Runs until `n` polls in all have been applied. */
    async pollsDone(n: number) {
      poller.start();
      for (let guard = 0; polls.length < n; guard++) {
        if (guard > 50) throw new Error(`only ${polls.length} polls of ${n}; status ${JSON.stringify(poller.status)}`);
        await clock.advance(INTERVAL);
      }
    },
  };
}

const participantsOf = (result: PollResult): Map<string, WatchedParticipant> => new Map(result.snapshot.participant);
const participantChanges = (result: PollResult): Change[] => result.changes.filter((c) => c.kind === 'participant');

let poller: Poller | undefined;
afterEach(async () => {
  await poller?.stop();
  poller = undefined;
  vi.restoreAllMocks();
});

describe('measured media in the stage poll', () => {
  it('merges each WHIP publisher of the watched session into its participant, and only those', async () => {
    const { sender } = fakeService([participant('pid-whip', 'alice'), participant('pid-sim', 'bob')]);
    const source = vi.fn<MediaSource>(async () => [
      publisher('pid-whip', media(800_000)),
      publisher('pid-sim', media(1_000_000), { stageArn: OTHER_STAGE }),
      publisher('pid-sim', media(1_000_000), { sessionId: 'st-older' }),
    ]);
    const w = watch(sender, source);
    poller = w.poller;
    await w.pollsDone(1);

    const seen = participantsOf(w.polls[0]!);
    expect(seen.get('pid-whip')).toMatchObject({ userId: 'alice', media: media(800_000) });
    expect(seen.get('pid-whip')!.media).not.toHaveProperty('bytesReceived');
    expect(seen.get('pid-sim')).not.toHaveProperty('media');
    expect(source).toHaveBeenCalledTimes(1);
    expect(w.limiter.totals()[MEDIA_OPERATION]).toBe(1);
  });

  it('keeps the reported figures while they move by less than 5%, and reports a larger move or a new picture', async () => {
    const { sender } = fakeService([participant('pid-whip', 'alice')]);
    const measurements = [
      media(800_000),
      media(830_000, { frameRate: 14.6 }), // 3.6% and 2.7%: the same stream
      media(780_000), // 2.5% below the figure reported first
      media(950_000), // 18.75%: news
      media(950_000, { width: 1280, height: 720 }), // a new picture size, whatever the rates
    ];
    let asked = 0;
    const source = vi.fn<MediaSource>(async () => [publisher('pid-whip', measurements[Math.min(asked++, measurements.length - 1)]!)]);
    const w = watch(sender, source);
    poller = w.poller;
    await w.pollsDone(5);

    const shown = w.polls.map((result) => participantsOf(result).get('pid-whip')!.media);
    expect(shown).toEqual([media(800_000), media(800_000), media(800_000), media(950_000), media(950_000, { width: 1280, height: 720 })]);
    expect(w.polls.map((result) => participantChanges(result).map((c) => c.type))).toEqual([['ADDED'], [], [], ['MODIFIED'], ['MODIFIED']]);
    expect(source).toHaveBeenCalledTimes(5);
  });

  it('goes on without media when the media route fails, and shows it again when the route answers', async () => {
    const { sender } = fakeService([participant('pid-whip', 'alice')]);
    let failing = true;
    const source = vi.fn<MediaSource>(async () => {
      if (failing) throw new Error('connect ECONNREFUSED');
      return [publisher('pid-whip', media(800_000))];
    });
    const w = watch(sender, source);
    poller = w.poller;
    await w.pollsDone(2);
    expect(w.polls.map((result) => participantsOf(result).get('pid-whip'))).toEqual([
      expect.not.objectContaining({ media: expect.anything() }),
      expect.not.objectContaining({ media: expect.anything() }),
    ]);
    expect(w.poller.status).toMatchObject({ state: 'ok', consecutiveFailures: 0 });

    failing = false;
    await w.pollsDone(3);
    expect(participantsOf(w.polls[2]!).get('pid-whip')).toMatchObject({ media: media(800_000) });
  });

  it('without a media source (AWS) makes no media request and adds no media', async () => {
    const { sender, calls } = fakeService([participant('pid-whip', 'alice')]);
    const w = watch(sender);
    poller = w.poller;
    await w.pollsDone(2);
    expect(participantsOf(w.polls[1]!).get('pid-whip')).not.toHaveProperty('media');
    expect(w.limiter.totals()).not.toHaveProperty(MEDIA_OPERATION);
    expect(new Set(calls)).toEqual(new Set(['GetStageCommand', 'ListStageSessionsCommand', 'ListParticipantsCommand', 'GetParticipantCommand', 'ListCompositionsCommand']));
  });

  it('has no media source for an AWS target, without a request', async () => {
    const fetch = vi.spyOn(globalThis, 'fetch');
    expect(await emulatorMedia({ kind: 'aws', region: 'us-east-1' })).toBeUndefined();
    expect(fetch).not.toHaveBeenCalled();
  });
});
