// A participant the service forgets (the emulator's retention purges those who left; on AWS a record can
// expire) answers GetParticipant with 404. The watch drops them from its roster and carries on: the
// poll succeeds, it is never an error state. The real emulator with retention over HTTP, the real SDK;
// the watch polls on the emulator's own clock, frozen, so each poll happens when the test advances it.
import { CreateStageCommand, GetParticipantCommand } from '@aws-sdk/client-ivs-realtime';
import { afterEach, expect, test } from 'vitest';
import type { VirtualClock } from '../../src/emulator/state/clock.js';
import { AdminClient } from '../../src/local/admin-client.js';
import type { Clock } from '../../src/clock.js';
import { Poller, type PollStatus } from '../../src/watch/poller.js';
import { RateLimiter } from '../../src/watch/rate-limiter.js';
import { startTestEmulator, type TestEmulator } from '../emulator/helpers.js';

const INTERVAL_MS = 2000;

/** The watch's clock as the emulator's virtual clock: its timers fire when the emulator's time reaches them. */
const onEmulatorClock = (clock: VirtualClock): Clock => ({
  now: () => clock.now(),
  setTimeout: (callback, ms) => clock.schedule(ms, callback),
  clearTimeout: (handle) => clock.cancel(handle as ReturnType<VirtualClock['schedule']>),
});

let pair: TestEmulator | undefined;
let poller: Poller | undefined;
afterEach(async () => {
  await poller?.stop();
  pair?.client.destroy();
  await pair?.emu.close();
  pair = poller = undefined;
});

test('a participant purged while the watch asks for its details, or between two passes, leaves the roster; every poll succeeds', async () => {
  // Retention keeps one participant that left per session: the next join purges the one before.
  pair = await startTestEmulator({ retention: { departedParticipantsPerSession: 1 } });
  const clock = pair.emu.emulator.clock;
  clock.freeze();
  const admin = new AdminClient(pair.emu.url);
  const stageArn = (await pair.client.send(new CreateStageCommand({ name: 'purged' }))).stage!.arn!;
  await admin.join({ stageArn, userId: 'host', publish: true });
  const idOf = async (userId: string) => (await admin.join({ stageArn, userId })).participant.participantId as string;
  const purge = async (participantId: string) => {
    await admin.leave({ stageArn, participantId });
    return idOf(`after-${participantId}`); // this join purges the one who just left
  };

  const early = await idOf('early');
  const detailsAsked = new Map<string, number>();
  const sender = {
    async send(command: object, options?: { abortSignal?: AbortSignal }) {
      if (command instanceof GetParticipantCommand) {
        const id = command.input.participantId!;
        detailsAsked.set(id, (detailsAsked.get(id) ?? 0) + 1);
        // 'early' is purged between the list that showed it and the GetParticipant that asks for it
        if (id === early && detailsAsked.get(id) === 1) await purge(early);
      }
      return pair!.client.send(command as never, options as never);
    },
  };
  poller = new Poller({ client: sender, stageArn, intervalMs: INTERVAL_MS, clock: onEmulatorClock(clock), limiter: new RateLimiter({ clock: onEmulatorClock(clock), defaultTps: 100 }) });
  const statuses: PollStatus[] = [];
  let waiting: (() => void) | undefined;
  poller.on('status', (status) => {
    statuses.push(status);
    waiting?.();
  });
  /** Resolves with the status the next poll ends with (the first poll starts with start(), later ones when the clock reaches them). */
  const polled = (advance: boolean) =>
    new Promise<PollStatus>((resolve) => {
      const before = statuses.length;
      waiting = () => statuses.length > before && resolve(statuses.at(-1)!);
      if (advance) void admin.advanceClock(INTERVAL_MS / 1000);
      else poller!.start();
    });
  const users = () => [...poller!.snapshot.participant.values()].map((p) => p.userId).sort();

  // 1. Listed, then purged before its GetParticipant: a 404 that drops it, not an error.
  expect(await polled(false)).toMatchObject({ state: 'ok', consecutiveFailures: 0 });
  expect(detailsAsked.get(early)).toBe(1);
  expect(users()).toEqual(['host']);

  // 2. Seen connected by one pass, purged before the next: the pass misses it, GetParticipant confirms (404).
  const connected = await idOf('connected');
  expect(await polled(true)).toMatchObject({ state: 'ok' });
  expect(users()).toEqual([`after-${early}`, 'connected', 'host'].sort());
  await purge(connected);
  expect(await polled(true)).toMatchObject({ state: 'ok' });
  expect(users()).toEqual([`after-${connected}`, `after-${early}`, 'host'].sort());
  expect(detailsAsked.get(connected)).toBe(2); // its details once, then the confirmation that found it gone

  // 3. Seen after it left, purged before the next pass: dropped without asking.
  const departed = await idOf('departed');
  await admin.leave({ stageArn, participantId: departed });
  expect(await polled(true)).toMatchObject({ state: 'ok' });
  expect(poller.snapshot.participant.get(departed)).toMatchObject({ state: 'DISCONNECTED' });
  const askedBefore = detailsAsked.get(departed) ?? 0;
  await idOf('purger');
  expect(await polled(true)).toMatchObject({ state: 'ok' });
  expect(poller.snapshot.participant.has(departed)).toBe(false);
  expect(detailsAsked.get(departed) ?? 0).toBe(askedBefore);

  expect(statuses.every((s) => s.state === 'ok' && s.lastError === undefined)).toBe(true);
});
