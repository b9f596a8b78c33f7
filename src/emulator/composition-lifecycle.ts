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
  switch (c.state) {
    case 'STARTING':
      emu.setTimer(stateTimer(c), Math.max(0, c.startTime + STARTUP_MS - now), () => activate(emu, c));
      break;
    case 'STOPPING':
      emu.setTimer(stateTimer(c), SHUTDOWN_MS, () => finish(emu, c));
      break;
    case 'STOPPED':
    case 'FAILED':
      emu.setTimer(stateTimer(c), Math.max(0, (c.endTime ?? now) + PURGE_MS - now), () => {
        emu.save({ k: 'delete', kind: 'composition', arn: c.arn });
      });
      break;
  }
  watchIdle(emu, c);
}

function activate(emu: Emulator, c: CompositionRec): void {
  if (c.state !== 'STARTING') return;
  const now = emu.now();
  c.state = 'ACTIVE';
  for (const d of c.destinations) {
    d.state = 'ACTIVE';
    d.startTime = now;
  }
  emu.save({ k: 'composition', v: c });
}

export function stopComposition(emu: Emulator, c: CompositionRec): void {
  if (!isRunning(c)) return;
  c.state = 'STOPPING';
  for (const d of c.destinations) d.state = 'STOPPING';
  emu.save({ k: 'composition', v: c });
  scheduleComposition(emu, c);
}

function finish(emu: Emulator, c: CompositionRec): void {
  const now = emu.now();
  c.state = 'STOPPED';
  c.endTime = now;
  for (const d of c.destinations) {
    d.state = 'STOPPED';
    d.endTime = now;
  }
  emu.save({ k: 'composition', v: c });
  scheduleComposition(emu, c);
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
