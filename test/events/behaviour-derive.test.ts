// The pure derivation of EventBridge events from a committed change and the state before it.
import { describe, expect, test } from 'vitest';
import { deriveEvents, eventKey, eventOps } from '../../src/emulator/eventbridge/derive.js';
import { EVENT_NAMES, detailTypeOf, eventTime, isExtraEvent, sampleEvent, type EventName, type IvsEvent } from '../../src/emulator/eventbridge/envelope.js';
import { EVENT_LOG, OUTBOX } from '../../src/emulator/eventbridge/tables.js';
import { Store, type CompositionRec, type Op, type ParticipantRec } from '../../src/emulator/state/store.js';
import { expectDocumentedShape } from './behaviour-shape.js';

const origin = { account: '123456789012', region: 'us-east-1' };
const STAGE = 'arn:aws:ivs:us-east-1:123456789012:stage/AbCdef1G2hij';
const SESSION = 'st-ZyXwvu1T2sRqP';
const COMPOSITION = 'arn:aws:ivs:us-east-1:123456789012:composition/cOmP0s1t10n1';
const T0 = Date.UTC(2026, 10, 29, 12, 0, 0, 250);

function participant(extra: Partial<ParticipantRec> = {}): ParticipantRec {
  return {
    id: 'xYz1c2d3e4fG', stageArn: STAGE, sessionId: SESSION, userId: 'alice', connected: true, firstJoinTime: T0,
    published: true, publishing: true, capabilities: 3, protocol: 'WHIP', events: [], ...extra,
  };
}

function composition(state: string, destinations: string[]): CompositionRec {
  return {
    arn: COMPOSITION, id: 'cOmP0s1t10n1', stageArn: STAGE, state, layout: {}, tags: {}, startTime: T0,
    destinations: destinations.map((s, i) => ({ id: `dEsT1nAt10n${i}`, state: s, configuration: {} })),
  };
}

/** A store holding a stage session with `p` in it (and `c`, if given). */
function storeWith(p?: ParticipantRec, c?: CompositionRec): Store {
  const store = new Store();
  store.apply({ k: 'session', v: { id: SESSION, stageArn: STAGE, startTime: T0 } });
  if (p) store.apply({ k: 'participant', v: structuredClone(p) });
  if (c) store.apply({ k: 'composition', v: structuredClone(c) });
  return store;
}

const derive = (ops: Op[], store: Store, now = T0 + 5_000, extras = false) => {
  const events = deriveEvents(ops, store, origin, now, { extras });
  for (const e of events) expectDocumentedShape(e, { extras });
  return events;
};
const names = (events: IvsEvent[]) => events.map((e) => e.detail.event_name);

describe('participant events that IVS also sends as IVS Stage Update', () => {
  test('PUBLISH_STARTED and PUBLISH_STOPPED become Participant Published and Unpublished with the participant\'s ids', () => {
    const p = participant();
    const events = derive(
      [
        { k: 'event', s: SESSION, p: p.id, e: { name: 'PUBLISH_STARTED', time: T0 } },
        { k: 'event', s: SESSION, p: p.id, e: { name: 'PUBLISH_STOPPED', time: T0 + 61_000 } },
      ],
      storeWith(p),
    );
    expect(events.map((e) => [e['detail-type'], e.time, e.resources, e.detail])).toEqual([
      ['IVS Stage Update', '2026-11-29T12:00:00Z', [STAGE], { session_id: SESSION, event_name: 'Participant Published', event_time: '2026-11-29T12:00:00Z', user_id: 'alice', participant_id: p.id }],
      ['IVS Stage Update', '2026-11-29T12:01:01Z', [STAGE], { session_id: SESSION, event_name: 'Participant Unpublished', event_time: '2026-11-29T12:01:01Z', user_id: 'alice', participant_id: p.id }],
    ]);
    expect(new Set(events.map((e) => e.id)).size).toBe(2);
  });

  test('a participant put earlier in the same change is the one the event names (join and publish at once)', () => {
    const p = participant({ userId: undefined });
    const events = derive([{ k: 'participant', v: p }, { k: 'event', s: SESSION, p: p.id, e: { name: 'PUBLISH_STARTED', time: T0 } }], storeWith());
    expect(events).toHaveLength(1);
    expect(events[0]!.detail).toMatchObject({ participant_id: p.id, user_id: '' });
  });

  const dest = 'arn:aws:ivs:us-east-1:123456789012:stage/KlMnop3Q4rst';
  const unsourced = (id: string): Op[] => [
    { k: 'event', s: SESSION, p: id, e: { name: 'PUBLISH_ERROR', time: T0, errorCode: 'INVALID_PROTOCOL' } },
    { k: 'event', s: SESSION, p: id, e: { name: 'REPLICATION_STARTED', time: T0, destinationStageArn: dest, destinationSessionId: 'st-AbCdEfGhIjKlM' } },
    { k: 'event', s: SESSION, p: id, e: { name: 'REPLICATION_STOPPED', time: T0, destinationStageArn: dest, destinationSessionId: 'st-AbCdEfGhIjKlM' } },
    { k: 'event', s: SESSION, p: id, e: { name: 'TOKEN_EXCHANGED', time: T0 } },
  ];

  test('by default nothing without a source: Publish Error has no error_code; no replication events, no Token Exchanged', () => {
    const p = participant();
    const events = derive(unsourced(p.id), storeWith(p));
    expect(names(events)).toEqual(['Participant Publish Error']);
    expect(events[0]!.detail).toEqual({ session_id: SESSION, event_name: 'Participant Publish Error', event_time: '2026-11-29T12:00:00Z', user_id: 'alice', participant_id: p.id });
  });

  test('with extras: errors carry error_code, replication carries the destination, token exchange has its own name', () => {
    const p = participant();
    const events = derive(unsourced(p.id), storeWith(p), T0 + 5_000, true);
    expect(names(events)).toEqual(['Participant Publish Error', 'Participant Replication Started', 'Participant Replication Stopped', 'Token Exchanged']);
    expect(events[0]!.detail).toMatchObject({ error_code: 'INVALID_PROTOCOL' });
    expect(events[1]!.detail).toMatchObject({ destination_stage_arn: dest, destination_session_id: 'st-AbCdEfGhIjKlM' });
  });

  test('a replica publishing on its destination stage is an extra', () => {
    const replica = participant({ replicationType: 'REPLICA' });
    const ops: Op[] = [{ k: 'event', s: SESSION, p: replica.id, e: { name: 'PUBLISH_STARTED', time: T0 } }];
    expect(derive(ops, storeWith(replica))).toEqual([]);
    expect(names(derive(ops, storeWith(replica), T0, true))).toEqual(['Participant Published']);
  });

  test('joins, leaves and subscriptions have no EventBridge event', () => {
    const p = participant();
    const ops: Op[] = ['JOINED', 'LEFT', 'SUBSCRIBE_STARTED', 'SUBSCRIBE_STOPPED', 'SUBSCRIBE_ERROR', 'JOIN_ERROR'].map((name) => ({ k: 'event', s: SESSION, p: p.id, e: { name, time: T0 } }));
    expect(derive(ops, storeWith(p))).toEqual([]);
  });

  test('what follows a reset in the same change emits nothing; what precedes it does, its extras only when asked for', () => {
    const p = participant();
    const ops: Op[] = [
      { k: 'event', s: SESSION, p: p.id, e: { name: 'PUBLISH_STARTED', time: T0 } },
      { k: 'event', s: SESSION, p: p.id, e: { name: 'TOKEN_EXCHANGED', time: T0 } },
      { k: 'reset' },
      { k: 'event', s: SESSION, p: p.id, e: { name: 'PUBLISH_STOPPED', time: T0 } },
    ];
    expect(names(derive(ops, storeWith(p)))).toEqual(['Participant Published']);
    expect(names(derive(ops, storeWith(p), T0, true))).toEqual(['Participant Published', 'Token Exchanged']);
  });
});

describe('recording state changes', () => {
  const rec = (state: string | undefined): Partial<ParticipantRec> => ({
    recordingState: state, recordingBucket: 'ivs-recordings', recordingPrefix: `AbCdef1G2hij/${SESSION}/xYz1c2d3e4fG/2026-11-29T12-00-00Z`, recordingStartTime: T0,
  });
  test.each([
    [undefined, 'STARTING', []],
    ['STARTING', 'ACTIVE', ['Recording Start']],
    ['ACTIVE', 'STOPPING', []],
    ['STOPPING', 'ACTIVE', []],
    ['STOPPING', 'STOPPED', ['Recording End']],
    ['ACTIVE', 'STOPPED', ['Recording End']],
    ['STARTING', 'FAILED', ['Recording Start Failure']],
    ['ACTIVE', 'FAILED', ['Recording End Failure']],
    ['STOPPING', 'FAILED', ['Recording End Failure']],
    ['STOPPED', 'STARTING', []],
    ['ACTIVE', 'ACTIVE', []],
  ])('%s -> %s: %j', (from, to, expected) => {
    const events = derive([{ k: 'participant', v: participant(rec(to)) }], storeWith(participant(rec(from))));
    expect(names(events)).toEqual(expected);
  });

  test('Recording End carries the bucket, the prefix and the duration on the emulator clock', () => {
    const events = derive([{ k: 'participant', v: participant(rec('STOPPED')) }], storeWith(participant(rec('STOPPING'))), T0 + 90_000);
    expect(events[0]!.detail).toEqual({
      session_id: SESSION, event_name: 'Recording End', participant_id: 'xYz1c2d3e4fG', recording_s3_bucket_name: 'ivs-recordings',
      recording_s3_key_prefix: `AbCdef1G2hij/${SESSION}/xYz1c2d3e4fG/2026-11-29T12-00-00Z`, recording_duration_ms: 90_000,
    });
    expect(events[0]!.time).toBe(eventTime(T0 + 90_000));
  });

  test('two moves of one participant in one change emit both', () => {
    const events = derive([{ k: 'participant', v: participant(rec('ACTIVE')) }, { k: 'participant', v: participant(rec('STOPPED')) }], storeWith(participant(rec('STARTING'))));
    expect(names(events)).toEqual(['Recording Start', 'Recording End']);
  });
});

describe('composition state changes', () => {
  const step = (from: CompositionRec | undefined, to: CompositionRec) => names(derive([{ k: 'composition', v: to }], storeWith(undefined, from)));

  test('start: nothing while STARTING; Session Start, then each Destination Start', () => {
    expect(step(undefined, composition('STARTING', ['STARTING', 'STARTING']))).toEqual([]);
    expect(step(composition('STARTING', ['STARTING', 'STARTING']), composition('ACTIVE', ['ACTIVE', 'ACTIVE']))).toEqual(['Session Start', 'Destination Start', 'Destination Start']);
  });

  test('graceful stop: Destination End for each, then Session End', () => {
    expect(step(composition('ACTIVE', ['ACTIVE', 'ACTIVE']), composition('STOPPING', ['STOPPING', 'STOPPING']))).toEqual([]);
    expect(step(composition('STOPPING', ['STOPPING', 'STOPPING']), composition('STOPPED', ['STOPPED', 'STOPPED']))).toEqual(['Destination End', 'Destination End', 'Session End']);
  });

  test('a destination reconnects, recovers or fails; a failed composition is a Session Failure', () => {
    expect(step(composition('ACTIVE', ['ACTIVE', 'ACTIVE']), composition('ACTIVE', ['RECONNECTING', 'ACTIVE']))).toEqual(['Destination Reconnecting']);
    expect(step(composition('ACTIVE', ['RECONNECTING', 'ACTIVE']), composition('ACTIVE', ['ACTIVE', 'ACTIVE']))).toEqual([]);
    expect(step(composition('ACTIVE', ['RECONNECTING', 'ACTIVE']), composition('ACTIVE', ['FAILED', 'ACTIVE']))).toEqual(['Destination Failure']);
    expect(step(composition('ACTIVE', ['FAILED', 'ACTIVE']), composition('FAILED', ['FAILED', 'STOPPED']))).toEqual(['Destination End', 'Session Failure']);
  });

  test('composition events name the composition in resources and the stage in detail; destination_id is an extra', () => {
    const ops: Op[] = [{ k: 'composition', v: composition('ACTIVE', ['RECONNECTING']) }];
    const [event] = derive(ops, storeWith(undefined, composition('ACTIVE', ['ACTIVE'])));
    expect(event!.resources).toEqual([COMPOSITION]);
    expect(event!.detail).toEqual({ event_name: 'Destination Reconnecting', stage_arn: STAGE });
    const [extra] = derive(ops, storeWith(undefined, composition('ACTIVE', ['ACTIVE'])), T0, true);
    expect(extra!.detail).toEqual({ event_name: 'Destination Reconnecting', stage_arn: STAGE, destination_id: 'dEsT1nAt10n0' });
  });

  test('the composite recording events (extras) follow the S3 destination\'s recording: Start, then End or Failure with the duration', () => {
    const PREFIX = 'MNALAcH9j2EJ/cOmP0s1t10n1/dEsT1nAt10n0/composite';
    const recording = (state: 'ACTIVE' | 'STOPPED' | 'FAILED' | undefined, durationMs?: number): CompositionRec => {
      const c = composition(state === 'ACTIVE' ? 'ACTIVE' : 'STOPPED', [state === 'ACTIVE' ? 'ACTIVE' : 'STOPPED']);
      c.destinations[0]!.detail = { s3: { recordingPrefix: PREFIX } };
      if (state) c.destinations[0]!.recording = { state, bucket: 'ivs-recordings', ...(durationMs !== undefined && { durationMs }) };
      return c;
    };
    const moved = (from: CompositionRec, to: CompositionRec, extras = true) =>
      derive([{ k: 'composition', v: to }], storeWith(undefined, from), T0, extras).filter((e) => String(e.detail.event_name).startsWith('Composite '));
    const where = { stage_arn: STAGE, destination_id: 'dEsT1nAt10n0', recording_s3_bucket_name: 'ivs-recordings', recording_s3_key_prefix: PREFIX };
    const [start] = moved(recording(undefined), recording('ACTIVE'));
    expect(start).toMatchObject({ 'detail-type': 'IVS Composition State Change', resources: [COMPOSITION] });
    expect(start!.detail).toEqual({ event_name: 'Composite Recording Start', ...where });
    expect(moved(recording('ACTIVE'), recording('ACTIVE'))).toEqual([]);
    expect(moved(recording('ACTIVE'), recording('STOPPED', 61_000)).map((e) => e.detail)).toEqual([{ event_name: 'Composite Recording End', ...where, recording_duration_ms: 61_000 }]);
    expect(moved(recording('ACTIVE'), recording('FAILED', 0)).map((e) => e.detail)).toEqual([{ event_name: 'Composite Recording Failure', ...where, recording_duration_ms: 0 }]);
    // No source shows the service sending them: not without extras.
    expect(moved(recording(undefined), recording('ACTIVE'), false)).toEqual([]);
  });
});

describe('storage and samples', () => {
  test('each event goes to the event log and the outbox under one key that sorts in commit order', () => {
    const events = derive([{ k: 'event', s: SESSION, p: 'xYz1c2d3e4fG', e: { name: 'PUBLISH_STARTED', time: T0 } }], storeWith(participant()));
    let n = 0;
    const ops = eventOps([...events, ...events], () => eventKey(T0, n++));
    expect(ops).toEqual([
      { k: 'aux', table: EVENT_LOG, key: eventKey(T0, 0), v: events[0] },
      { k: 'aux', table: OUTBOX, key: eventKey(T0, 0), v: events[0] },
      { k: 'aux', table: EVENT_LOG, key: eventKey(T0, 1), v: events[0] },
      { k: 'aux', table: OUTBOX, key: eventKey(T0, 1), v: events[0] },
    ]);
    const keys = [eventKey(T0 + 1, 0), eventKey(T0, 10), eventKey(T0, 9), eventKey(999, 5)];
    expect([...keys].sort()).toEqual([eventKey(999, 5), eventKey(T0, 9), eventKey(T0, 10), eventKey(T0 + 1, 0)]);
  });

  test('every event the emulator can send has a sample of the documented shape; the extras only when asked for', () => {
    const all = Object.values(EVENT_NAMES).flat() as EventName[];
    expect(all).toHaveLength(20);
    for (const name of all) {
      for (const extras of [false, true]) {
        if (isExtraEvent(name) && !extras) {
          expect(() => sampleEvent(name, { ...origin, timeMs: T0 })).toThrow(/--event-extras/);
          continue;
        }
        const sample = sampleEvent(name, { ...origin, timeMs: T0, extras });
        expectDocumentedShape(sample, { extras });
        expect(sample.detail.event_name).toBe(name);
        expect(sample['detail-type']).toBe(detailTypeOf(name));
      }
    }
  });

  test('time is ISO-8601 to the second in UTC', () => {
    expect(eventTime(Date.UTC(2024, 2, 13, 22, 19, 4, 999))).toBe('2024-03-13T22:19:04Z');
  });
});
