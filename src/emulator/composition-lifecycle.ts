// Compositions move on their own (behaviour reference §4): STARTING becomes ACTIVE shortly after the
// start, a composition stops after a minute with nobody on its stage, and STOPPED/FAILED compositions
// disappear about five minutes later. All of it runs on the virtual clock.
import type { Emulator } from './emulator.js';
import type { CompositionRec } from './store.js';

export const STARTUP_MS = 2_000;
export const SHUTDOWN_MS = 1_000;
export const IDLE_STOP_MS = 60_000;
export const PURGE_MS = 5 * 60_000;

const stateTimer = (c: CompositionRec): string => `composition:${c.arn}`;
const idleTimer = (c: CompositionRec): string => `composition-idle:${c.arn}`;

export const isRunning = (c: CompositionRec): boolean => c.state === 'STARTING' || c.state === 'ACTIVE';

/** Schedules whatever comes next for `c` in its current state (after a start, a stop, or a restart of the emulator). */
export function scheduleComposition(emu: Emulator, c: CompositionRec): void {
  const now = emu.now();
  // Timers name the composition by ARN: by the time one fires, the record has been replaced (or deleted).
  const { arn } = c;
  switch (c.state) {
    case 'STARTING':
      emu.setTimer(stateTimer(c), Math.max(0, c.startTime + STARTUP_MS - now), () => activate(emu, arn));
      break;
    case 'STOPPING':
      emu.setTimer(stateTimer(c), SHUTDOWN_MS, () => finish(emu, arn));
      break;
    case 'STOPPED':
    case 'FAILED':
      emu.setTimer(stateTimer(c), Math.max(0, (c.endTime ?? now) + PURGE_MS - now), () => {
        if (emu.store.compositions.has(arn)) emu.mutate([{ k: 'delete', kind: 'composition', arn }]);
      });
      break;
  }
  watchIdle(emu, c);
}

function activate(emu: Emulator, arn: string): void {
  const c = emu.store.compositions.get(arn);
  if (c?.state !== 'STARTING') return;
  const now = emu.now();
  emu.mutate([{ k: 'composition', v: { ...c, state: 'ACTIVE', destinations: c.destinations.map((d) => ({ ...d, state: 'ACTIVE', startTime: now })) } }]);
}

export function stopComposition(emu: Emulator, c: CompositionRec): void {
  const latest = emu.store.compositions.get(c.arn);
  if (!latest || !isRunning(latest)) return;
  const next: CompositionRec = { ...latest, state: 'STOPPING', destinations: latest.destinations.map((d) => ({ ...d, state: 'STOPPING' })) };
  emu.mutate([{ k: 'composition', v: next }]);
  scheduleComposition(emu, next);
}

function finish(emu: Emulator, arn: string): void {
  const c = emu.store.compositions.get(arn);
  if (!c) return;
  const now = emu.now();
  const next: CompositionRec = { ...c, state: 'STOPPED', endTime: now, destinations: c.destinations.map((d) => ({ ...d, state: 'STOPPED', endTime: now })) };
  emu.mutate([{ k: 'composition', v: next }]);
  scheduleComposition(emu, next);
}

/** Arms the one-minute idle stop while `c`'s stage has nobody connected, disarms it otherwise. */
function watchIdle(emu: Emulator, c: CompositionRec): void {
  const occupied = emu.store.stages.get(c.stageArn)?.activeSessionId !== undefined;
  if (!isRunning(c) || occupied) {
    emu.clearTimer(idleTimer(c));
  } else if (!emu.hasTimer(idleTimer(c))) {
    emu.setTimer(idleTimer(c), IDLE_STOP_MS, () => stopComposition(emu, c));
  }
}

/** Call when a stage's session starts or ends. */
export function stageOccupancyChanged(emu: Emulator, stageArn: string): void {
  for (const c of emu.store.compositions.values()) if (c.stageArn === stageArn) watchIdle(emu, c);
}
