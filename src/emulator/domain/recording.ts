// Individual participant recording (User Guide, rt-individual-participant-recording.html): on a stage
// whose autoParticipantRecordingConfiguration names a storage configuration, every publisher is recorded
// to `<stageId>/<sessionId>/<participantId>/<timestamp>` in its bucket (the timestamp of the recording's
// start on the emulator clock, written `2024-01-01T12-00-55Z` as the page's example event shows). recordingState goes STARTING -> ACTIVE
// when publishing starts, ACTIVE -> STOPPING when it stops, and STOPPING -> STOPPED once
// recordingReconnectWindowSeconds have passed without the participant publishing again (publishing
// within the window continues the same recording). FAILED where it fails: a broken bucket
// (`ivsrt local fail bucket`) or `ivsrt local fail recording`. The EventBridge events follow from these
// states (eventbridge/derive.ts). All of it runs on the virtual clock.
//
// A simulated publisher's recording runs RECORDING_STARTUP_MS after it publishes. A publisher whose real
// media the emulator receives (WHIP ingest, `recordByMedia`) is driven by that media instead: ACTIVE when
// its first media arrives (`recordingMediaArrived`), and the reconnect window counts from when its media
// has stopped and been written out (`recordingMediaStopped`), so Recording Start never comes before any
// media and Recording End never before the last segment.
import { prefixTimestamp } from '../eventbridge/envelope.js';
import { current, update } from './participant-record.js';
import type { Emulator } from './emulator.js';
import { isBucketBroken } from './faults.js';
import { participantKey, type ParticipantRec } from '../state/store.js';

/** From the first published media to a recording that runs (Recording Start). */
const RECORDING_STARTUP_MS = 1_000;

const timer = (p: ParticipantRec): string => `recording:${p.sessionId}:${p.id}`;

/** Per emulator, the participants (`sessionId/participantId`) whose recording their real media drives. */
const mediaDriven = new WeakMap<Emulator, Set<string>>();
const byMedia = (emu: Emulator, p: ParticipantRec): boolean => mediaDriven.get(emu)?.has(participantKey(p)) ?? false;

/** From now on (`on`), or no longer, `p`'s recording follows its real media rather than the start-up timer. */
export function recordByMedia(emu: Emulator, p: ParticipantRec, on: boolean): void {
  let driven = mediaDriven.get(emu);
  if (!driven) mediaDriven.set(emu, (driven = new Set()));
  if (on) driven.add(participantKey(p));
  else driven.delete(participantKey(p));
}

const RECORDING_STATES = new Set(['STARTING', 'ACTIVE', 'STOPPING']);
export const isRecording = (p: ParticipantRec): boolean => RECORDING_STATES.has(p.recordingState ?? '');

/** The bucket the stage records `p` to, or undefined when `p` is not to be recorded. */
function recordingBucket(emu: Emulator, p: ParticipantRec): string | undefined {
  const config = emu.store.stages.get(p.stageArn)?.autoRecording;
  const storageArn = config?.storageConfigurationArn;
  if (typeof storageArn !== 'string' || storageArn === '') return undefined;
  if (p.replicationType === 'REPLICA' && config!.recordParticipantReplicas === false) return undefined;
  return emu.store.storages.get(storageArn)?.s3.bucketName;
}

/** The recording fields of `p` as it starts publishing: a new recording, or the one still in its reconnect window. */
export function recordingOnPublish(emu: Emulator, p: ParticipantRec): Partial<ParticipantRec> {
  if (p.recordingState === 'STOPPING') {
    emu.clearTimer(timer(p));
    return { recordingState: 'ACTIVE', recordingActiveSince: emu.now() };
  }
  const bucket = recordingBucket(emu, p);
  if (bucket === undefined) return {};
  const { sessionId, id } = p;
  if (!byMedia(emu, p)) emu.setTimer(timer(p), RECORDING_STARTUP_MS, () => recordingStarted(emu, sessionId, id));
  return {
    recordingState: 'STARTING',
    recordingBucket: bucket,
    recordingPrefix: recordingPrefix(p, emu.now()),
    recordingStartTime: undefined,
    recordingMediaMs: undefined,
    recordingActiveSince: undefined,
  };
}

/**
 * The prefix of a new recording of `p` starting at `now`. Two recordings of one participant in one session
 * within the same second (a reconnect window of 0) would share a prefix, so the later one takes the next second.
 */
function recordingPrefix(p: ParticipantRec, now: number): string {
  const stageId = p.stageArn.slice(p.stageArn.lastIndexOf('/') + 1);
  let at = now;
  let prefix = `${stageId}/${p.sessionId}/${p.id}/${prefixTimestamp(at)}`;
  while (prefix <= (p.recordingPrefix ?? '')) prefix = `${stageId}/${p.sessionId}/${p.id}/${prefixTimestamp((at += 1000))}`;
  return prefix;
}

function stored(emu: Emulator, sessionId: string, id: string): ParticipantRec | undefined {
  return emu.store.participants.get(sessionId)?.get(id);
}

function recordingStarted(emu: Emulator, sessionId: string, id: string): ParticipantRec | undefined {
  const p = stored(emu, sessionId, id);
  if (p?.recordingState !== 'STARTING') return p;
  if (isBucketBroken(emu, p.recordingBucket!)) return update(emu, p, { recordingState: 'FAILED' });
  const now = emu.now();
  return update(emu, p, { recordingState: 'ACTIVE', recordingStartTime: now, recordingActiveSince: now, recordingMediaMs: 0 });
}

/** The first media of a media-driven publisher arrived: a starting recording runs now (Recording Start). */
export function recordingMediaArrived(emu: Emulator, p: ParticipantRec): ParticipantRec | undefined {
  return recordingStarted(emu, p.sessionId, p.id);
}

/**
 * A media-driven publisher's media has stopped and is written out: its recording, if it stopped
 * publishing, ends once the reconnect window has passed from now ([IPR] "Recording End events and
 * recording-ended JSON metadata files are delayed by at least recordingReconnectWindowSeconds").
 */
export function recordingMediaStopped(emu: Emulator, who: ParticipantRec): void {
  const p = current(emu, who);
  if (p.recordingState !== 'STOPPING' || emu.hasTimer(timer(p))) return;
  const windowMs = reconnectWindowSeconds(emu, p) * 1000;
  if (windowMs <= 0) {
    update(emu, p, { recordingState: 'STOPPED' });
    return;
  }
  const { sessionId, id } = p;
  emu.setTimer(timer(p), windowMs, () => recordingEnded(emu, sessionId, id));
}

function reconnectWindowSeconds(emu: Emulator, p: ParticipantRec): number {
  return Number(emu.store.stages.get(p.stageArn)?.autoRecording.recordingReconnectWindowSeconds ?? 0);
}

/** The recording fields of `p` as it stops publishing; Recording End waits out the reconnect window. */
export function recordingOnUnpublish(emu: Emulator, p: ParticipantRec): Partial<ParticipantRec> {
  if (p.recordingState === 'STARTING') {
    // Gone before the recording ran: nothing was recorded (IPR: very short publishers are not guaranteed a recording).
    emu.clearTimer(timer(p));
    return { recordingState: 'STOPPED' };
  }
  if (p.recordingState !== 'ACTIVE') return {};
  const media = mediaUntilNow(emu, p);
  // Real media is still being written out: the window starts once it is (recordingMediaStopped).
  if (byMedia(emu, p)) return { recordingState: 'STOPPING', ...media };
  const windowSeconds = reconnectWindowSeconds(emu, p);
  if (windowSeconds <= 0) return { recordingState: 'STOPPED', ...media };
  const { sessionId, id } = p;
  emu.setTimer(timer(p), windowSeconds * 1000, () => recordingEnded(emu, sessionId, id));
  return { recordingState: 'STOPPING', ...media };
}

/**
 * The media an ACTIVE recording holds once it stops being ACTIVE: what it held, plus the time since it last
 * became ACTIVE. The reconnect windows do not count: the file's duration_ms is its media only, and no source
 * says Recording End's recording_duration_ms counts more (docs/events.md).
 */
function mediaUntilNow(emu: Emulator, p: ParticipantRec): Partial<ParticipantRec> {
  const since = p.recordingActiveSince ?? p.recordingStartTime ?? emu.now();
  return { recordingMediaMs: (p.recordingMediaMs ?? 0) + Math.max(0, emu.now() - since), recordingActiveSince: undefined };
}

function recordingEnded(emu: Emulator, sessionId: string, id: string): void {
  const p = stored(emu, sessionId, id);
  if (p?.recordingState === 'STOPPING') update(emu, p, { recordingState: 'STOPPED' });
}

/** `stageArn` is being deleted: recordings still inside their reconnect window end now. */
export function endRecordingsOf(emu: Emulator, stageArn: string): void {
  for (const session of emu.store.stageSessions.get(stageArn) ?? []) {
    for (const p of [...(emu.store.participants.get(session.id)?.values() ?? [])]) {
      if (p.recordingState !== 'STOPPING') continue;
      emu.clearTimer(timer(p));
      update(emu, p, { recordingState: 'STOPPED' });
    }
  }
}

/** The recording of `p` fails now: Recording Start Failure while STARTING, Recording End Failure after. */
export function failRecording(emu: Emulator, who: ParticipantRec): ParticipantRec {
  const p = current(emu, who);
  emu.clearTimer(timer(p));
  return update(emu, p, { recordingState: 'FAILED' });
}

/** Every participant recording to `bucket` right now. */
export function recordingsTo(emu: Emulator, bucket: string): ParticipantRec[] {
  const out: ParticipantRec[] = [];
  for (const members of emu.store.participants.values()) {
    for (const p of members.values()) if (p.recordingBucket === bucket && isRecording(p)) out.push(p);
  }
  return out;
}

/** After a restart: timers for recordings that were starting or inside their reconnect window. */
export function resumeRecordings(emu: Emulator): void {
  for (const members of emu.store.participants.values()) {
    for (const p of members.values()) {
      const { sessionId, id } = p;
      if (p.recordingState === 'STARTING') emu.setTimer(timer(p), RECORDING_STARTUP_MS, () => recordingStarted(emu, sessionId, id));
      if (p.recordingState === 'STOPPING') emu.setTimer(timer(p), reconnectWindowSeconds(emu, p) * 1000, () => recordingEnded(emu, sessionId, id));
    }
  }
}
