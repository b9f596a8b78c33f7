// Every frame costs Ink a whole redraw, so the full screen draws only when there is something new to
// show. A scripted poller (pure logic: no requests) lands polls; time is vitest's fake clock (setTimeout
// and Date only; React and Ink keep their real setImmediate), and the test counts the frames Ink writes.
import type { Participant } from '@aws-sdk/client-ivs-realtime';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { diffSnapshots } from '../../src/watch/diff.js';
import { emptySnapshot, type WatchSnapshot } from '../../src/watch/model.js';
import { Poller } from '../../src/watch/poller.js';
import { App } from '../../src/watch/ui/App.js';
import { NOTE_DELAY_MS, WatchStore } from '../../src/watch/ui/store.js';
import { renderAt } from './ink-render.js';

const STAGE_ARN = 'arn:aws:ivs:us-east-1:123456789012:stage/frames';
const INTERVAL_MS = 2000;

/** Lands the polls a test gives it, as the real poller emits them (its snapshot and changes, then its status). */
class ScriptedPoller extends Poller {
  private last: WatchSnapshot = emptySnapshot(STAGE_ARN);
  constructor() {
    super({ client: { send: () => Promise.reject(new Error('a scripted poller sends nothing')) }, stageArn: STAGE_ARN, intervalMs: INTERVAL_MS });
  }
  land(snapshot: WatchSnapshot): void {
    const changes = diffSnapshots(this.last, snapshot, new Date().toISOString());
    this.last = snapshot;
    this.emit('poll', { snapshot, changes });
    this.emit('status', { state: 'ok', lastSuccessAt: Date.now(), consecutiveFailures: 0 });
  }
}

function stageWith(...userIds: string[]): WatchSnapshot {
  const participants: Participant[] = userIds.map((userId, i) => ({ participantId: `pid-${userId}`, userId, state: 'CONNECTED', firstJoinTime: new Date(Date.UTC(2026, 0, 1, 12, 0, i)) }));
  return {
    ...emptySnapshot(STAGE_ARN),
    sessionId: 'st-frames',
    rosterComplete: true,
    stage: new Map([[STAGE_ARN, { arn: STAGE_ARN, name: 'frames', activeSessionId: 'st-frames' }]]),
    participant: new Map(participants.map((p) => [p.participantId!, p])),
  };
}

/** Lets React commit and Ink write what the last step changed. */
async function drawn(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

const cleanups: Array<() => void> = [];
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  vi.useRealTimers();
});

function watch() {
  const poller = new ScriptedPoller();
  const store = new WatchStore(poller);
  const view = renderAt(<App root={store} readonly={false} onExit={() => undefined} />, { columns: 100, rows: 30 });
  cleanups.push(view.unmount, () => store.dispose());
  return { poller, store, view };
}

describe('frames of the full screen', () => {
  it("draws the emulator's events with a poll that lands within half a second, not one frame each", async () => {
    const { poller, store, view } = watch();
    poller.land(stageWith('alice'));
    await drawn();
    expect(view.lastFrame()).toContain('alice');
    const frames = view.frameCount();

    store.note('event Participant Joined: bob (pid-bob)', 'good');
    await drawn();
    store.note('event Participant Published: bob (pid-bob)', 'good');
    await vi.advanceTimersByTimeAsync(NOTE_DELAY_MS - 1);
    await drawn();
    expect(view.frameCount()).toBe(frames);
    expect(view.lastFrame()).not.toContain('Participant Joined');

    poller.land(stageWith('alice', 'bob'));
    await drawn();
    expect(view.frameCount()).toBe(frames + 1);
    const frame = view.lastFrame();
    expect(frame).toContain('event Participant Joined: bob (pid-bob)');
    expect(frame).toContain('event Participant Published: bob (pid-bob)');
    expect(frame).toMatch(/bob \(pid-bob\) joined/);
  });

  it('draws notes on their own, all in one frame, once the first has waited half a second without a poll', async () => {
    expect(NOTE_DELAY_MS).toBeLessThan(INTERVAL_MS);
    const { poller, store, view } = watch();
    poller.land(stageWith('alice'));
    await drawn();
    const frames = view.frameCount();

    store.note('event Participant Left: alice (pid-alice)', 'warn');
    await vi.advanceTimersByTimeAsync(NOTE_DELAY_MS - 1);
    store.note('event Participant Joined: carol (pid-carol)', 'good');
    await drawn();
    expect(view.frameCount()).toBe(frames);
    await vi.advanceTimersByTimeAsync(1);
    await drawn();
    expect(view.frameCount()).toBe(frames + 1);
    expect(view.lastFrame()).toContain('event Participant Left: alice (pid-alice)');
    expect(view.lastFrame()).toContain('event Participant Joined: carol (pid-carol)');
  });
});
