// The roster keeps the participant object it holds while a page tells nothing new about it, so that a
// poll of a big session neither copies nor compares field by field those who did not change; what did
// change (a field that moved, or one the summary no longer has) still makes a new object. Pure logic:
// a scripted sender answers ListParticipants.
import { ListParticipantsCommand, type ParticipantSummary } from '@aws-sdk/client-ivs-realtime';
import { expect, test } from 'vitest';
import { WatchApi } from '../../src/watch/api.js';
import { RateLimiter } from '../../src/watch/rate-limiter.js';
import { Roster } from '../../src/watch/roster.js';

const STAGE = 'arn:aws:ivs:us-east-1:123456789012:stage/roster';
const joined = new Date(Date.UTC(2026, 0, 1, 12));

function rosterListing(pages: ParticipantSummary[][]) {
  let next = 0;
  const sender = {
    async send(command: object) {
      if (!(command instanceof ListParticipantsCommand)) throw new Error(`unexpected ${command.constructor.name}`);
      // Fresh objects every time, as the SDK parses each reply.
      return { participants: structuredClone(pages[Math.min(next, pages.length - 1)]) };
    },
  };
  const roster = new Roster(new WatchApi(sender, new RateLimiter({ defaultTps: 500 })), STAGE, 'st-1');
  return {
    roster,
    async poll() {
      await roster.refresh();
      next++;
      return roster.entries();
    },
  };
}

test('an unchanged participant stays the same object from one poll to the next; a changed one is new', async () => {
  const alice: ParticipantSummary = { participantId: 'pa', userId: 'alice', state: 'CONNECTED', published: true, firstJoinTime: joined, recordingState: 'ACTIVE' };
  const bob: ParticipantSummary = { participantId: 'pb', userId: 'bob', state: 'CONNECTED', published: false, firstJoinTime: joined };
  const { poll } = rosterListing([
    [alice, bob],
    [alice, bob],
    [{ ...alice, recordingState: undefined }, { ...bob, state: 'DISCONNECTED' }],
  ]);

  const first = await poll();
  const second = await poll();
  expect(second.get('pa')).toBe(first.get('pa'));
  expect(second.get('pb')).toBe(first.get('pb'));
  expect(second.get('pa')).toEqual(alice);

  const third = await poll();
  expect(third.get('pb')).not.toBe(second.get('pb'));
  expect(third.get('pb')).toMatchObject({ userId: 'bob', state: 'DISCONNECTED' });
  // A field the summary no longer carries is gone, as a fresh merge would have it.
  expect(third.get('pa')).not.toBe(second.get('pa'));
  expect(third.get('pa')?.recordingState).toBeUndefined();
  expect(third.get('pa')).toMatchObject({ userId: 'alice', state: 'CONNECTED', published: true });
});
