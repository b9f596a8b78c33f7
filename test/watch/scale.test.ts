// A session bigger than one poll's request budget: publishers stay current every poll while the full
// roster is paged through in the background, and every request goes through the limiter. The limiter
// runs on a short window here so the test is quick; window, interval and pages keep the real
// proportions (1.1 s window, 2 s interval, 5 TPS against 10,000 people at 100 per page). Everything is
// counted in polls and requests, never in milliseconds: that no window holds more than the limit is
// the limiter's own property, proven on a fake clock in rate-limiter.test.ts.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Poller } from '../../src/watch/poller.js';
import { RateLimiter } from '../../src/watch/rate-limiter.js';
import { eventually } from '../helpers/wait.js';
import { ChangeLog, participantChange, startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

const WINDOW_MS = 200;
const LIST_LIMIT = 2;

it('keeps publishers current while the roster of a large session refreshes across polls', async () => {
  const stageArn = await h.createStage('scale');
  for (let batch = 0; batch < 450; batch += 50) {
    await Promise.all(Array.from({ length: 50 }, (_, i) => h.admin.join({ stageArn, userId: `viewer${batch + i}`, capabilities: ['SUBSCRIBE'] })));
  }

  const sent: Record<string, number> = {};
  const counting = {
    send(command: { constructor: { name: string } }, options?: unknown) {
      const operation = command.constructor.name.replace(/Command$/, '');
      sent[operation] = (sent[operation] ?? 0) + 1;
      return h.client.send(command as never, options as never);
    },
  };
  const limiter = new RateLimiter({ windowMs: WINDOW_MS, defaultTps: 100, limits: { ListParticipants: LIST_LIMIT } });
  const poller = new Poller({ client: counting, stageArn, intervalMs: 2 * WINDOW_MS, limiter });
  const log = new ChangeLog(poller);
  poller.start();
  try {
    // The first poll lists what its budget allows, not all five pages.
    await log.next((c) => c.kind === 'participant');
    expect(poller.snapshot.rosterComplete).toBe(false);

    let polls = 0;
    const countPolls = poller.on('poll', () => polls++);
    const star = log.next(participantChange('ADDED', 'star', (p) => p.published === true));
    await h.admin.join({ stageArn, userId: 'star', publish: true });
    const pollsBefore = polls;
    await star;
    countPolls();
    // A publisher shows up in the first poll that starts after it joined (the one already running may
    // miss it), not after a full pass. Counted in polls, so machine load cannot fail it.
    expect(polls - pollsBefore).toBeLessThanOrEqual(2);

    await eventually('the whole roster of 451', (see) => {
      see({ rosterComplete: poller.snapshot.rosterComplete, participants: poller.snapshot.participant.size });
      return poller.snapshot.rosterComplete && poller.snapshot.participant.size === 451 ? true : undefined;
    });
    expect(poller.snapshot.headcounts.get(poller.snapshot.sessionId!)).toEqual({ count: 451, more: false });
  } finally {
    await poller.stop();
  }
  // Every request the poller sent was one the limiter granted: none went around it.
  expect(sent.ListParticipants).toBeGreaterThan(5);
  expect(limiter.totals()).toEqual(sent);
});
