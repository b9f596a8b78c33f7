import type { Event, ParticipantSummary } from '@aws-sdk/client-ivs-realtime';
import { describe, expect, it } from 'vitest';
import { diffSnapshots, sameValue } from '../../src/watch/diff.js';
import { emptySnapshot, eventKey, type WatchSnapshot } from '../../src/watch/model.js';

const at = '2025-01-01T00:00:00.000Z';
const alice: ParticipantSummary = { participantId: 'p1', userId: 'alice', state: 'CONNECTED', published: false, firstJoinTime: new Date(1000) };

function snapshot(parts: Partial<WatchSnapshot>): WatchSnapshot {
  return { ...emptySnapshot('arn:stage'), ...parts };
}

describe('diffSnapshots', () => {
  it('reports everything as ADDED against an empty snapshot, containers first', () => {
    const next = snapshot({
      participant: new Map([['p1', alice]]),
      stage: new Map([['arn:stage', { arn: 'arn:stage', name: 'demo' }]]),
    });
    expect(diffSnapshots(emptySnapshot(), next, at).map((c) => [c.type, c.kind])).toEqual([
      ['ADDED', 'stage'],
      ['ADDED', 'participant'],
    ]);
  });

  it('reports MODIFIED with the previous object, and REMOVED', () => {
    const before = snapshot({ participant: new Map<string, ParticipantSummary>([['p1', alice], ['p2', { participantId: 'p2' }]]) });
    const left: ParticipantSummary = { ...alice, state: 'DISCONNECTED' };
    const after = snapshot({ participant: new Map([['p1', left]]) });
    expect(diffSnapshots(before, after, at)).toEqual([
      { type: 'MODIFIED', kind: 'participant', object: left, previous: alice, timestamp: at },
      { type: 'REMOVED', kind: 'participant', object: { participantId: 'p2' }, timestamp: at },
    ]);
  });

  it('ignores objects that are equal but not identical, Dates included', () => {
    const before = snapshot({ participant: new Map([['p1', alice]]) });
    const after = snapshot({ participant: new Map([['p1', { ...alice, firstJoinTime: new Date(1000) }]]) });
    expect(diffSnapshots(before, after, at)).toEqual([]);
  });

  it('never reports participant events as REMOVED when the log drops old ones', () => {
    const event: Event = { name: 'JOINED', participantId: 'p1', eventTime: new Date(5) };
    const before = snapshot({ event: new Map([[eventKey(event), event]]) });
    expect(diffSnapshots(before, emptySnapshot(), at)).toEqual([]);
  });
});

describe('sameValue', () => {
  it('compares nested structures, treating undefined members as absent', () => {
    expect(sameValue({ a: [1, { b: new Date(1) }] }, { a: [1, { b: new Date(1) }] })).toBe(true);
    expect(sameValue({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(sameValue({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
    expect(sameValue({ d: new Date(1) }, { d: '1970-01-01T00:00:00.001Z' })).toBe(false);
    expect(sameValue([], {})).toBe(false);
  });
});
