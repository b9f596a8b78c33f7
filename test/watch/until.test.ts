import type { Participant } from '@aws-sdk/client-ivs-realtime';
import { describe, expect, it } from 'vitest';
import { emptySnapshot, type Change, type WatchSnapshot } from '../../src/watch/model.js';
import { UntilSyntaxError, parseUntil } from '../../src/watch/until.js';

const at = '2025-01-01T00:00:00.000Z';
const people = (...list: Participant[]): WatchSnapshot => ({
  ...emptySnapshot('arn:stage'),
  participant: new Map(list.map((p) => [p.participantId!, p])),
});
const ann: Participant = { participantId: 'p1', userId: 'ann', state: 'CONNECTED', published: true };
const bob: Participant = { participantId: 'p2', userId: 'bob', state: 'DISCONNECTED' };

describe('--until', () => {
  it('compares the connected participant count', () => {
    expect(parseUntil('participant-count=0').met(people(bob), [])).toBe(true);
    expect(parseUntil('participant-count=0').met(people(ann, bob), [])).toBe(false);
    expect(parseUntil('participant-count>=1').met(people(ann), [])).toBe(true);
    expect(parseUntil('participant-count != 1').met(people(ann), [])).toBe(false);
  });

  it('matches participants by userId or participantId', () => {
    expect(parseUntil('joined=ann').met(people(ann), [])).toBe(true);
    expect(parseUntil('joined=p2').met(people(bob), [])).toBe(false);
    expect(parseUntil('left=bob').met(people(bob), [])).toBe(true);
    expect(parseUntil('published=p1').met(people(ann), [])).toBe(true);
    const removed: Change = { type: 'REMOVED', kind: 'participant', object: ann, timestamp: at };
    expect(parseUntil('left=ann').met(people(), [removed])).toBe(true);
  });

  it('sees a session end only as a change', () => {
    const ended: Change = {
      type: 'MODIFIED',
      kind: 'session',
      object: { sessionId: 's', endTime: new Date() },
      previous: { sessionId: 's' },
      timestamp: at,
    };
    expect(parseUntil('session-ended').met(people(), [ended])).toBe(true);
    expect(parseUntil('session-ended').met(people(), [])).toBe(false);
    const idle = { ...people(), stage: new Map([['arn:stage', { arn: 'arn:stage' }]]) };
    expect(parseUntil('session-active').met(idle, [])).toBe(false);
  });

  it('checks composition states', () => {
    const snapshot = { ...people(), composition: new Map([['c', { arn: 'c', state: 'ACTIVE' as const, stageArn: 's', destinations: [] }]]) };
    expect(parseUntil('composition=active').met(snapshot, [])).toBe(true);
    expect(parseUntil('composition=STOPPED').met(snapshot, [])).toBe(false);
  });

  it('rejects what it does not understand, naming the forms', () => {
    for (const text of ['foo', 'participant-count', 'participant-count=x', 'composition=RUNNING', 'joined', 'session-ended=1']) {
      expect(() => parseUntil(text), text).toThrow(UntilSyntaxError);
    }
    expect(() => parseUntil('nope')).toThrow(/participant-count<op><n>, session-active/);
  });
});
