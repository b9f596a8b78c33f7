// The whole Ink app over real pollers and the in-process emulator, driven by keys, checked by what a
// person would see on a 100x30 terminal.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Poller } from '../../src/watch/poller.js';
import { App } from '../../src/watch/ui/App.js';
import { WatchStore } from '../../src/watch/ui/store.js';
import { KEYS, renderAt } from './ink-render.js';
import { fastLimiter, startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

const SIZE = { columns: 100, rows: 30 };
const stores: WatchStore[] = [];
const cleanups: Array<() => void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  await Promise.all(stores.splice(0).map((s) => s.poller.stop()));
});

function storeFor(stageArn?: string): WatchStore {
  const store = new WatchStore(new Poller({ client: h.client, stageArn, intervalMs: 50, limiter: fastLimiter() }));
  stores.push(store);
  store.poller.start();
  return store;
}

function app(stageArn: string | undefined, options: { readonly?: boolean } = {}) {
  const exits: number[] = [];
  const view = renderAt(
    <App root={storeFor(stageArn)} openStage={(arn) => storeFor(arn)} readonly={Boolean(options.readonly)} onExit={(code) => exits.push(code)} />,
    SIZE,
  );
  cleanups.push(view.unmount);
  return { ...view, exits };
}

/** The participants table line of a user. */
const row = (frame: string, userId: string) => frame.split('\n').find((line) => line.includes(` ${userId} `)) ?? '';

describe('watch app on a stage', () => {
  it('shows the stage, its participants and moves the selection', async () => {
    const stageArn = await h.createStage('app-stage');
    await h.admin.join({ stageArn, userId: 'alice', publish: true });
    await h.admin.join({ stageArn, userId: 'bob' });
    const view = app(stageArn);
    const frame = await view.waitFor((f) => f.includes('alice') && f.includes('bob'));
    expect(frame).toContain('ivsrt watch app-stage');
    expect(frame).toContain(stageArn);
    expect(frame).toMatch(/session st-\w+ started/);
    expect(frame).toContain('Participants (2 connected, 2 listed)');
    expect(row(frame, 'alice')).toMatch(/^> alice .* CONNECTED +yes/);
    expect(frame).toContain('Sessions');
    expect(frame).toContain('Compositions (0)');

    await view.press(KEYS.down);
    const moved = await view.waitFor((f) => /^> bob/.test(row(f, 'bob')));
    expect(row(moved, 'alice')).toMatch(/^ {2}alice/);
    // Nothing renders past the terminal's height.
    expect(moved.split('\n').length).toBeLessThanOrEqual(SIZE.rows);
  });

  it('opens a participant with its events and goes back with Esc', async () => {
    const stageArn = await h.createStage('app-detail');
    const carol = await h.admin.join({ stageArn, userId: 'carol', publish: true });
    const view = app(stageArn);
    await view.waitFor('carol');
    await view.press(KEYS.enter);
    const detail = await view.waitFor('PUBLISH_STARTED');
    expect(detail).toContain(`Participant ${carol.participant.participantId}`);
    expect(detail).toContain('JOINED');
    expect(detail).toMatch(/protocol +WHIP/);
    await view.press(KEYS.escape);
    await view.waitFor('Participants (1 connected');
  });

  it('disconnects the selected participant after a y/n confirmation', async () => {
    const stageArn = await h.createStage('app-disconnect');
    await h.admin.join({ stageArn, userId: 'dora' });
    await h.admin.join({ stageArn, userId: 'eve' });
    const view = app(stageArn);
    await view.waitFor('eve');
    await view.press(KEYS.down, 'd');
    await view.waitFor((f) => /Disconnect eve \(\w+\)\? \[y\/N\]/.test(f));
    await view.press('n');
    expect(row(await view.waitFor('cancelled'), 'eve')).toContain('CONNECTED');

    await view.press('d', 'y');
    const frame = await view.waitFor((f) => row(f, 'eve').includes('DISCONNECTED'));
    expect(frame).toMatch(/eve \(\w+\) left/);
    expect(row(frame, 'dora')).toContain(' CONNECTED');
  });

  it('filters, shows help, and refuses mutations when read-only', async () => {
    const stageArn = await h.createStage('app-filter');
    await h.admin.join({ stageArn, userId: 'frank' });
    await h.admin.join({ stageArn, userId: 'grace' });
    const view = app(stageArn, { readonly: true });
    await view.waitFor('grace');
    expect(view.lastFrame()).not.toContain('d disconnect');

    await view.press('/', 'g', 'r');
    let frame = await view.waitFor((f) => f.includes('/gr') && !f.includes('frank'));
    expect(frame).toContain('grace');
    await view.press(KEYS.enter);
    await view.waitFor('filter: gr');
    await view.press(KEYS.escape);
    await view.waitFor('frank');

    await view.press('d');
    await view.waitFor('read-only: disconnecting is disabled by --readonly');

    await view.press('?');
    frame = await view.waitFor('Keys');
    expect(frame).toContain('(disabled: --readonly)');
    expect(frame).not.toContain('Participants (');
    await view.press('z');
    await view.waitFor('Participants (');
  });

  it('pauses, and quits with 0 on q and 130 on Ctrl-C', async () => {
    const stageArn = await h.createStage('app-quit');
    const view = app(stageArn);
    await view.waitFor('ok');
    await view.press('p');
    await view.waitFor('PAUSED');
    await view.press('p');
    await view.waitFor((f) => !f.includes('PAUSED'));
    await view.press('q');
    await view.press(KEYS.ctrlC);
    expect(view.exits).toEqual([0, 130]);
  });
});

describe('watch app on every stage', () => {
  it('lists stages and drills into one with Enter, back with Esc', async () => {
    const stageArn = await h.createStage('app-all-zzz');
    await h.admin.join({ stageArn, userId: 'henry' });
    const view = app(undefined);
    let frame = await view.waitFor((f) => row(f, 'app-all-zzz').includes('1'));
    expect(frame).toContain('ivsrt watch all stages');
    expect(row(frame, 'app-all-zzz')).toMatch(/st-\w+ +1/);
    // Stages with an active session come first; app-all-zzz is the only one with someone connected...
    await view.press('/', 'z', 'z', 'z', KEYS.enter, KEYS.enter);
    frame = await view.waitFor('henry');
    expect(frame).toContain('ivsrt watch app-all-zzz');
    await view.press(KEYS.escape);
    await view.waitFor('Stages (');
  });
});
