// The emulator's state as plain records, and the one function (`apply`) that changes it. Live changes
// (through Emulator.mutate) and loading from disk both go through `apply`, so what is on disk always
// rebuilds what was in memory. Records are never changed in place: an op carries a whole new record,
// which replaces the old one (with `freeze`, every stored record is deeply frozen to prove it).
// Times are epoch milliseconds on the virtual clock; views.ts turns them into ISO-8601.
import { ARN_KINDS, isArnKind, RESOURCES, type ArnKind, type CollectionOf } from '../../model/resources.js';

import { firstAtOrAfter, SequencedMap } from './sequenced-map.js';

export type { ArnKind };

export type Tags = Record<string, string>;
export type Attributes = Record<string, string>;

export interface StageRec {
  arn: string;
  id: string;
  name: string;
  tags: Tags;
  /** The random 12-hex host label of the WHIP/RTMP endpoints (not the stage id, as in the real service). */
  host: string;
  autoRecording: Record<string, unknown>;
  activeSessionId?: string;
  /** Participant ids that DisconnectParticipant revoked: their tokens can never join this stage again. */
  revoked?: string[];
}

export interface SessionRec {
  id: string;
  stageArn: string;
  startTime: number;
  endTime?: number;
}

/** What a token granted, before and after a TOKEN_EXCHANGED event. */
export interface ExchangedTokenRec {
  capabilities: number;
  attributes?: Attributes;
  userId?: string;
  expirationTime: number;
}

export interface EventRec {
  name: string;
  time: number;
  remote?: string;
  errorCode?: string;
  destinationStageArn?: string;
  destinationSessionId?: string;
  replica?: boolean;
  previousToken?: ExchangedTokenRec;
  newToken?: ExchangedTokenRec;
}

export interface ReplicationRec {
  destinationStageArn: string;
  destinationSessionId: string;
  state: 'ACTIVE' | 'STOPPED';
  reconnectWindowSeconds: number;
}

export const CAN_PUBLISH = 1;
export const CAN_SUBSCRIBE = 2;

export interface ParticipantRec {
  id: string;
  stageArn: string;
  sessionId: string;
  userId?: string;
  attributes?: Attributes;
  connected: boolean;
  firstJoinTime: number;
  /** Ever published in this session (the API's `published`); `publishing` is "right now". */
  published: boolean;
  publishing: boolean;
  /** Bit set of CAN_PUBLISH / CAN_SUBSCRIBE from the token. */
  capabilities: number;
  protocol: string;
  clientInfo?: Record<string, string>;
  /** Publishers this participant currently subscribes to. */
  subscriptions?: string[];
  recordingState?: string;
  recordingBucket?: string;
  recordingPrefix?: string;
  /** When the current recording started (Recording Start). */
  recordingStartTime?: number;
  /**
   * Milliseconds of media the recording holds so far: the time it was ACTIVE, not the reconnect windows
   * it waited in (Recording End's recording_duration_ms), and since when it has been ACTIVE again.
   */
  recordingMediaMs?: number;
  recordingActiveSince?: number;
  replicationType?: 'SOURCE' | 'REPLICA';
  replicationState?: 'ACTIVE' | 'STOPPED';
  sourceStageArn?: string;
  sourceSessionId?: string;
  replications?: ReplicationRec[];
  ingestConfigurationArn?: string;
  redundantIngest?: boolean;
  /** Oldest first; an `event` op appends one (the participant is replaced by a copy with the longer list). */
  events: readonly EventRec[];
  /** How many of the oldest events retention has dropped: `events[i]` is the (eventsDropped + i)th ever appended (from 0). */
  eventsDropped?: number;
}

/** A participant's key where a map needs one string: its session and its id (an id is unique within its session). */
export const participantKey = (p: { sessionId: string; id: string }): string => `${p.sessionId}/${p.id}`;

/**
 * A session's participants by id, in join order (numbered for paging), with what the rules read on every
 * join, publish, subscribe and leave kept up to date as records are replaced: how many are connected,
 * publishing and subscribing, and who left, oldest first. None of those rules scans the session, so a
 * crowd of 10,000 costs no more per change than a crowd of ten.
 */
export class SessionRoster extends SequencedMap<ParticipantRec> {
  connected = 0;
  publishing = 0;
  /** Connected participants subscribed to at least one publisher (the stage's subscriber quota counts these). */
  subscribers = 0;
  /** Sequence numbers of the participants who are not connected, ascending (join order). */
  private readonly departedSeqs: number[] = [];

  override set(id: string, p: ParticipantRec): this {
    const before = this.get(id);
    super.set(id, p);
    if (before) this.count(id, before, -1);
    this.count(id, p, 1);
    return this;
  }

  override delete(id: string): boolean {
    const before = this.get(id);
    if (before) this.count(id, before, -1);
    return super.delete(id);
  }

  override clear(): void {
    this.connected = this.publishing = this.subscribers = 0;
    this.departedSeqs.length = 0;
    super.clear();
  }

  get departedCount(): number {
    return this.departedSeqs.length;
  }

  /** The participants who are not connected, the earliest to have joined first (change none while iterating). */
  *departed(): Generator<ParticipantRec> {
    for (const seq of this.departedSeqs) yield this.valueAt(this.indexFrom(seq))!;
  }

  private count(id: string, p: ParticipantRec, sign: 1 | -1): void {
    if (p.connected) {
      this.connected += sign;
      if (p.publishing) this.publishing += sign;
      if (p.subscriptions?.length) this.subscribers += sign;
      return;
    }
    const seq = this.seqOf(id)!;
    const i = firstAtOrAfter(this.departedSeqs, seq);
    if (sign > 0) this.departedSeqs.splice(i, 0, seq);
    else this.departedSeqs.splice(i, 1);
  }
}

export interface DestinationRec {
  id: string;
  state: string;
  startTime?: number;
  endTime?: number;
  configuration: Record<string, unknown>;
  detail?: { s3: { recordingPrefix: string } };
  /**
   * Emulator-only (not in the API's views): the S3 destination's composite recording as the renderer
   * writes it: ACTIVE from its first segment, STOPPED once recording-ended.json is written, FAILED with
   * recording-failed.json. The composite recording events (extras) follow from it (eventbridge/derive.ts).
   */
  recording?: { state: 'ACTIVE' | 'STOPPED' | 'FAILED'; bucket: string; durationMs?: number };
}

export interface CompositionRec {
  arn: string;
  id: string;
  stageArn: string;
  state: string;
  layout: Record<string, unknown>;
  destinations: DestinationRec[];
  tags: Tags;
  startTime: number;
  endTime?: number;
  idempotencyToken?: string;
}

export interface Video {
  width: number;
  height: number;
  framerate: number;
  bitrate: number;
}

export interface EncoderConfigurationRec {
  arn: string;
  id: string;
  name: string;
  video: Video;
  tags: Tags;
}

export interface StorageConfigurationRec {
  arn: string;
  id: string;
  name: string;
  s3: { bucketName: string };
  tags: Tags;
}

export interface IngestConfigurationRec {
  arn: string;
  id: string;
  name: string;
  ingestProtocol: string;
  insecureIngest: boolean;
  streamKey: string;
  stageArn: string;
  participantId: string;
  state: 'ACTIVE' | 'INACTIVE';
  userId?: string;
  attributes?: Attributes;
  redundantIngest: boolean;
  redundantIngestCredentials?: { participantId: string; streamKey: string }[];
  tags: Tags;
}

export interface PublicKeyRec {
  arn: string;
  id: string;
  name: string;
  publicKeyMaterial: string;
  fingerprint: string;
  tags: Tags;
}

/**
 * The record of each kind addressed by ARN (src/model/resources.ts declares the kinds); each has its
 * own map in the store and is taggable. A kind declared there without a record here fails the type check.
 */
interface Records extends Record<ArnKind, { arn: string; id: string; tags: Tags }> {
  stage: StageRec;
  composition: CompositionRec;
  encoder: EncoderConfigurationRec;
  storage: StorageConfigurationRec;
  ingest: IngestConfigurationRec;
  key: PublicKeyRec;
}

/** The op that stores a whole record of a kind addressed by ARN (created or changed). */
export type RecordOp = { [K in ArnKind]: { k: K; v: Records[K] } }[ArnKind];
export const isRecordOp = (op: Op): op is RecordOp => isArnKind(op.k);

export type Op =
  | RecordOp
  | { k: 'session'; v: SessionRec }
  | { k: 'participant'; v: ParticipantRec }
  | { k: 'event'; s: string; p: string; e: EventRec }
  | { k: 'delete'; kind: ArnKind; arn: string }
  /** Retention: an ended session and its participants are forgotten. */
  | { k: 'purge-session'; stageArn: string; id: string }
  /** Retention: a participant that left is forgotten. */
  | { k: 'purge-participant'; stageArn: string; s: string; p: string }
  /** Where the clock stands (clock.ts ClockState); journals before `shiftMs` existed have none, i.e. 0. */
  | { k: 'clock'; offsetMs: number; shiftMs?: number }
  /** A row of an auxiliary table (data that is not an API resource, e.g. an event outbox); `v` undefined deletes it. */
  | { k: 'aux'; table: string; key: string; v?: unknown }
  | { k: 'reset' };

/** Freezes a record and everything it holds, so that changing it in place throws (strict mode). */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

export interface StoreOptions {
  /** Deep-freeze every record the store holds (tests): a handler that changes a stored record in place fails loudly. */
  freeze?: boolean;
  /** A participant keeps this many of its newest events (retention.ts). */
  eventsPerParticipant?: number;
}

/** One map by ARN per kind, named by its collection (`store.stages`, `store.encoders`), in creation order and numbered for paging (sequenced-map.ts). */
type Collections = { readonly [K in ArnKind as CollectionOf<K>]: SequencedMap<Records[K]> };

// The collections are made in the constructor, one per declared kind; this declares their types.
export interface Store extends Collections {}

export class Store {
  readonly sessions = new Map<string, SessionRec>();
  /** Sessions of each stage in creation order. */
  readonly stageSessions = new Map<string, SessionRec[]>();
  /** Participants of each session, keyed by participant id, in join order, numbered for paging. */
  readonly participants = new Map<string, SessionRoster>();
  clockOffsetMs = 0;
  clockShiftMs = 0;
  private readonly auxTables = new Map<string, Map<string, unknown>>();
  private readonly freeze: boolean;
  private readonly eventsPerParticipant: number;

  constructor(options: StoreOptions = {}) {
    this.freeze = options.freeze ?? false;
    this.eventsPerParticipant = options.eventsPerParticipant ?? Infinity;
    for (const kind of ARN_KINDS) Object.defineProperty(this, RESOURCES[kind].collection, { value: new SequencedMap(), enumerable: true });
  }

  /** An auxiliary table by name (created empty on first use); change it only through `aux` ops. */
  aux(table: string): Map<string, unknown> {
    let rows = this.auxTables.get(table);
    if (!rows) this.auxTables.set(table, (rows = new Map()));
    return rows;
  }

  /** The names of the auxiliary tables that hold rows. */
  auxTableNames(): string[] {
    return [...this.auxTables].filter(([, rows]) => rows.size > 0).map(([name]) => name);
  }

  byKind<K extends ArnKind>(kind: K): SequencedMap<Records[K]> {
    return (this as Collections)[RESOURCES[kind].collection] as unknown as SequencedMap<Records[K]>;
  }

  private keep<T>(record: T): T {
    return this.freeze ? deepFreeze(record) : record;
  }

  apply(op: Op): void {
    if (isRecordOp(op)) {
      (this.byKind(op.k) as Map<string, unknown>).set(op.v.arn, this.keep(op.v));
      return;
    }
    switch (op.k) {
      case 'session': {
        const session = this.keep(op.v);
        if (!this.sessions.has(session.id)) {
          let list = this.stageSessions.get(session.stageArn);
          if (!list) this.stageSessions.set(session.stageArn, (list = []));
          list.push(session);
          this.participants.set(session.id, new SessionRoster());
        } else {
          const list = this.stageSessions.get(session.stageArn)!;
          list[list.findIndex((s) => s.id === session.id)] = session;
        }
        this.sessions.set(session.id, session);
        return;
      }
      case 'participant': {
        const members = this.participants.get(op.v.sessionId);
        if (!members) return;
        // A participant read back from disk comes without its events (they are stored apart).
        const before = members.get(op.v.id);
        const p = op.v.events ? op.v : { ...op.v, events: before?.events ?? [], eventsDropped: before?.eventsDropped };
        members.set(p.id, this.keep(p));
        return;
      }
      case 'event': {
        const members = this.participants.get(op.s);
        const p = members?.get(op.p);
        // concat sizes the array exactly; push would reserve 17 slots for the first event, and there are
        // 100,000s of participants with one or two events each.
        if (!p) return;
        const drop = Math.max(0, p.events.length - this.eventsPerParticipant + 1);
        const kept = drop === 0 ? { events: p.events.concat([op.e]) } : { events: p.events.slice(drop).concat([op.e]), eventsDropped: (p.eventsDropped ?? 0) + drop };
        members!.set(p.id, this.keep({ ...p, ...kept }));
        return;
      }
      case 'aux':
        if (op.v === undefined) this.aux(op.table).delete(op.key);
        else this.aux(op.table).set(op.key, this.keep(op.v));
        return;
      case 'delete':
        this.byKind(op.kind).delete(op.arn);
        if (op.kind === 'stage') this.dropSessions(op.arn);
        return;
      case 'purge-session': {
        const list = this.stageSessions.get(op.stageArn);
        if (list) this.stageSessions.set(op.stageArn, list.filter((session) => session.id !== op.id));
        this.sessions.delete(op.id);
        this.participants.delete(op.id);
        return;
      }
      case 'purge-participant':
        this.participants.get(op.s)?.delete(op.p);
        return;
      case 'clock':
        this.clockOffsetMs = op.offsetMs;
        this.clockShiftMs = op.shiftMs ?? 0;
        return;
      case 'reset':
        for (const kind of ARN_KINDS) this.byKind(kind).clear();
        this.sessions.clear();
        this.stageSessions.clear();
        this.participants.clear();
        this.auxTables.clear();
        return;
    }
  }

  private dropSessions(stageArn: string): void {
    for (const session of this.stageSessions.get(stageArn) ?? []) {
      this.sessions.delete(session.id);
      this.participants.delete(session.id);
    }
    this.stageSessions.delete(stageArn);
  }

  /** The whole state as a list of ops that rebuilds it, in creation order (importing a journal data dir). */
  *snapshot(): Generator<Op> {
    yield { k: 'clock', offsetMs: this.clockOffsetMs, shiftMs: this.clockShiftMs };
    // Kinds in dependency order; a stage's sessions and their participants follow it.
    for (const kind of ARN_KINDS) {
      for (const v of this.byKind(kind).values()) {
        yield { k: kind, v } as RecordOp;
        if (kind !== 'stage') continue;
        for (const session of this.stageSessions.get(v.arn) ?? []) {
          yield { k: 'session', v: session };
          for (const p of this.participants.get(session.id)!.values()) yield { k: 'participant', v: p };
        }
      }
    }
    for (const [table, rows] of this.auxTables) for (const [key, v] of rows) yield { k: 'aux', table, key, v };
  }
}
