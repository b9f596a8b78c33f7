// Compositions move on their own (behaviour reference §4; User Guide, ssc-overview.html): STARTING becomes
// ACTIVE shortly after the start; a composition stops after a minute with nobody publishing on its stage
// (subscribers alone do not keep it alive; docs/fidelity.md gives the sources), and after 24 hours in any case; a destination whose output is interrupted reconnects (RECONNECTING) and fails
// (FAILED) when it cannot; a composition fails when its stage is deleted or no destination is left; and
// STOPPED/FAILED compositions disappear about five minutes later. All of it runs on the virtual clock.
// The EventBridge events follow from these states (eventbridge/derive.ts).
import type { Emulator } from './emulator.js';
import { conflict, notFound } from '../state/errors.js';
import { isBucketBroken } from './faults.js';
import type { CompositionRec, DestinationRec } from '../state/store.js';

const STARTUP_MS = 2_000;
const SHUTDOWN_MS = 1_000;
const IDLE_STOP_MS = 60_000;
const PURGE_MS = 5 * 60_000;
/** The longest a composition runs (service quotas: maximum composition duration, 24 hours). */
const MAX_DURATION_MS = 24 * 3_600_000;
/** How long an interrupted destination tries to reconnect before it fails (undocumented: the emulator's choice). */
const RECONNECT_MS = 30_000;

const stateTimer = (arn: string): string => `composition:${arn}`;
const idleTimer = (arn: string): string => `composition-idle:${arn}`;
const maxTimer = (arn: string): string => `composition-max:${arn}`;
const reconnectTimer = (arn: string, destinationId: string): string => `destination-reconnect:${arn}:${destinationId}`;

export const isRunning = (c: CompositionRec): boolean => c.state === 'STARTING' || c.state === 'ACTIVE';
const RUNNING_DESTINATION = new Set(['STARTING', 'ACTIVE', 'RECONNECTING']);
const destinationRunning = (d: DestinationRec): boolean => RUNNING_DESTINATION.has(d.state);

/** Schedules whatever comes next for `c` in its current state (after a start, a change, or a restart of the emulator). */
export function scheduleComposition(emu: Emulator, c: CompositionRec): void {
  const now = emu.now();
  // Timers name the composition by ARN: by the time one fires, the record has been replaced (or deleted).
  const { arn } = c;
  switch (c.state) {
    case 'STARTING':
      emu.setTimer(stateTimer(arn), Math.max(0, c.startTime + STARTUP_MS - now), () => activate(emu, arn));
      break;
    case 'STOPPING':
      emu.setTimer(stateTimer(arn), SHUTDOWN_MS, () => finish(emu, arn));
      break;
    case 'STOPPED':
    case 'FAILED':
      emu.setTimer(stateTimer(arn), Math.max(0, (c.endTime ?? now) + PURGE_MS - now), () => {
        if (emu.store.compositions.has(arn)) emu.mutate([{ k: 'delete', kind: 'composition', arn }]);
      });
      break;
  }
  if (isRunning(c)) {
    emu.setTimer(maxTimer(arn), Math.max(0, c.startTime + MAX_DURATION_MS - now), () => stopComposition(emu, c));
    for (const d of c.destinations) {
      const key = reconnectTimer(arn, d.id);
      if (d.state === 'RECONNECTING' && !emu.hasTimer(key)) emu.setTimer(key, RECONNECT_MS, () => failDestinations(emu, arn, [d.id]));
    }
  } else {
    emu.clearTimer(maxTimer(arn));
    for (const d of c.destinations) emu.clearTimer(reconnectTimer(arn, d.id));
  }
  watchIdle(emu, c);
}

/** The bucket an S3 destination writes to. */
function bucketOf(emu: Emulator, d: DestinationRec): string | undefined {
  const s3 = d.configuration.s3 as { storageConfigurationArn?: string } | undefined;
  return s3?.storageConfigurationArn ? emu.store.storages.get(s3.storageConfigurationArn)?.s3.bucketName : undefined;
}

const writesToBrokenBucket = (emu: Emulator, d: DestinationRec): boolean => {
  const bucket = bucketOf(emu, d);
  return bucket !== undefined && isBucketBroken(emu, bucket);
};

/** The pipeline is up: its destinations start, except those writing to a broken bucket, which fail. */
function activate(emu: Emulator, arn: string): void {
  const c = emu.store.compositions.get(arn);
  if (c?.state !== 'STARTING') return;
  const now = emu.now();
  const destinations = c.destinations.map((d): DestinationRec => {
    if (d.state !== 'STARTING') return d;
    return writesToBrokenBucket(emu, d) ? { ...d, state: 'FAILED', endTime: now } : { ...d, state: 'ACTIVE', startTime: now };
  });
  const next: CompositionRec = destinations.some(destinationRunning)
    ? { ...c, state: 'ACTIVE', destinations }
    : { ...c, state: 'FAILED', endTime: now, destinations };
  emu.mutate([{ k: 'composition', v: next }]);
  scheduleComposition(emu, next);
}

export function stopComposition(emu: Emulator, c: CompositionRec): void {
  const latest = emu.store.compositions.get(c.arn);
  if (!latest || !isRunning(latest)) return;
  const destinations = latest.destinations.map((d): DestinationRec => (destinationRunning(d) ? { ...d, state: 'STOPPING' } : d));
  const next: CompositionRec = { ...latest, state: 'STOPPING', destinations };
  emu.mutate([{ k: 'composition', v: next }]);
  scheduleComposition(emu, next);
}

function finish(emu: Emulator, arn: string): void {
  const c = emu.store.compositions.get(arn);
  if (!c) return;
  const now = emu.now();
  const destinations = c.destinations.map((d): DestinationRec => (d.state === 'STOPPING' ? { ...d, state: 'STOPPED', endTime: now } : d));
  const next: CompositionRec = { ...c, state: 'STOPPED', endTime: now, destinations };
  emu.mutate([{ k: 'composition', v: next }]);
  scheduleComposition(emu, next);
}

/**
 * Output to a destination of `arn` is interrupted (`ivsrt local fail destination`): it reconnects for
 * RECONNECT_MS and then fails, or fails at once with `now`. Without `destinationId`, the first running one.
 */
export function interruptDestination(emu: Emulator, arn: string, destinationId: string | undefined, now: boolean): CompositionRec {
  const c = emu.composition(arn);
  if (!isRunning(c)) throw conflict(`composition ${arn} is ${c.state}; only a running composition's destinations can fail`);
  const d = destinationId === undefined ? c.destinations.find(destinationRunning) : c.destinations.find((x) => x.id === destinationId);
  if (!d) throw notFound(destinationId === undefined ? `composition ${arn} has no running destination` : `composition ${arn} has no destination ${destinationId}`);
  if (!destinationRunning(d)) throw conflict(`destination ${d.id} of ${arn} is ${d.state}`);
  if (now) return failDestinations(emu, arn, [d.id])!;
  if (d.state === 'RECONNECTING') return c;
  const next: CompositionRec = { ...c, destinations: c.destinations.map((x): DestinationRec => (x.id === d.id ? { ...x, state: 'RECONNECTING' } : x)) };
  emu.mutate([{ k: 'composition', v: next }]);
  scheduleComposition(emu, next);
  return next;
}

/** The destinations `ids` of `arn` fail; a composition with no running destination left fails with them (ssc-overview). */
function failDestinations(emu: Emulator, arn: string, ids: readonly string[]): CompositionRec | undefined {
  const c = emu.store.compositions.get(arn);
  if (!c || !isRunning(c)) return c;
  const now = emu.now();
  const destinations = c.destinations.map((d): DestinationRec => (ids.includes(d.id) && destinationRunning(d) ? { ...d, state: 'FAILED', endTime: now } : d));
  for (const id of ids) emu.clearTimer(reconnectTimer(arn, id));
  const next: CompositionRec = destinations.some(destinationRunning)
    ? { ...c, destinations }
    : { ...c, state: 'FAILED', endTime: now, destinations };
  emu.mutate([{ k: 'composition', v: next }]);
  scheduleComposition(emu, next);
  return next;
}

/** A bucket broke: running S3 destinations writing to it fail. Returns how many. */
export function failDestinationsWritingTo(emu: Emulator, bucket: string): number {
  let failed = 0;
  for (const c of [...emu.store.compositions.values()]) {
    if (!isRunning(c)) continue;
    const ids = c.destinations.filter((d) => destinationRunning(d) && bucketOf(emu, d) === bucket).map((d) => d.id);
    if (ids.length === 0) continue;
    failDestinations(emu, c.arn, ids);
    failed += ids.length;
  }
  return failed;
}

/** The stage under running compositions is being deleted: their outputs end and they fail ("Session Failure", EB). */
export function stageDeleted(emu: Emulator, stageArn: string): void {
  const now = emu.now();
  for (const c of [...emu.store.compositions.values()]) {
    if (c.stageArn !== stageArn || !isRunning(c)) continue;
    const destinations = c.destinations.map((d): DestinationRec => (destinationRunning(d) ? { ...d, state: 'STOPPED', endTime: now } : d));
    const next: CompositionRec = { ...c, state: 'FAILED', endTime: now, destinations };
    emu.mutate([{ k: 'composition', v: next }]);
    scheduleComposition(emu, next);
  }
}

/**
 * Arms the one-minute idle stop while nobody publishes on `c`'s stage, disarms it otherwise (User Guide,
 * ssc-getting-started: "auto-shutdown after 60 seconds of inactivity from publisher participants").
 */
function watchIdle(emu: Emulator, c: CompositionRec, publishing = someonePublishes(emu, c.stageArn)): void {
  if (!isRunning(c) || publishing) {
    emu.clearTimer(idleTimer(c.arn));
  } else if (!emu.hasTimer(idleTimer(c.arn))) {
    emu.setTimer(idleTimer(c.arn), IDLE_STOP_MS, () => stopComposition(emu, c));
  }
}

/** Whether a participant of the stage's active session is publishing right now. */
function someonePublishes(emu: Emulator, stageArn: string): boolean {
  const sessionId = emu.store.stages.get(stageArn)?.activeSessionId;
  const members = sessionId === undefined ? undefined : emu.store.participants.get(sessionId);
  for (const p of members?.values() ?? []) if (p.connected && p.publishing) return true;
  return false;
}

/** Call when a participant of the stage starts or stops publishing. */
export function stagePublishingChanged(emu: Emulator, stageArn: string): void {
  let publishing: boolean | undefined;
  for (const c of emu.store.compositions.values()) {
    if (c.stageArn === stageArn) watchIdle(emu, c, (publishing ??= someonePublishes(emu, stageArn)));
  }
}
