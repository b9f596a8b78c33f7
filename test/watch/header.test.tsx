// The header's clock costs a whole Ink frame per tick, so it stays still while polls land on time and
// counts once the last poll is late. Time is vitest's fake clock (setTimeout and Date only; React and
// Ink keep their real setImmediate), so the test counts frames, not milliseconds of a busy machine.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Header } from '../../src/watch/ui/Header.js';
import { renderAt } from './ink-render.js';

const views: { unmount(): void }[] = [];
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});
afterEach(() => {
  for (const view of views.splice(0)) view.unmount();
  vi.useRealTimers();
});

/** Lets React commit and Ink write what the timers just changed. */
async function drawn(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

function header(lastSuccessAt: number) {
  const view = renderAt(<Header title="demo" subtitle="arn" status={{ state: 'ok', lastSuccessAt, consecutiveFailures: 0 }} requestRate={2.5} intervalMs={2000} />, { columns: 100, rows: 10 });
  views.push(view);
  return view;
}

describe('Header', () => {
  it('does not redraw while the last poll is on time (interval + 1 s), then starts counting', async () => {
    const view = header(Date.now());
    await drawn();
    expect(view.lastFrame()).toContain('polled 0s ago');
    expect(view.lastFrame()).toContain('2.5 req/s');
    const frames = view.frameCount();
    await vi.advanceTimersByTimeAsync(2999);
    await drawn();
    expect(view.frameCount()).toBe(frames);
    await vi.advanceTimersByTimeAsync(1);
    await drawn();
    expect(view.frameCount()).toBeGreaterThan(frames);
    expect(view.lastFrame()).toContain('polled 3s ago');
  });

  it('counts the age of a late poll every second', async () => {
    const view = header(Date.now() - 9_000);
    await drawn();
    expect(view.lastFrame()).toContain('polled 9s ago');
    await vi.advanceTimersByTimeAsync(1000);
    await drawn();
    expect(view.lastFrame()).toContain('polled 10s ago');
    await vi.advanceTimersByTimeAsync(1000);
    await drawn();
    expect(view.lastFrame()).toContain('polled 11s ago');
  });
});
