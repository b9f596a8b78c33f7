// The header's clock costs a whole Ink frame per tick, so it stays still while polls land on time and
// counts once the last poll is late.
import { afterEach, describe, expect, it } from 'vitest';
import { Header } from '../../src/watch/ui/Header.js';
import { renderAt } from './ink-render.js';

const views: { unmount(): void }[] = [];
afterEach(() => {
  for (const view of views.splice(0)) view.unmount();
});

describe('Header', () => {
  it('does not redraw between polls that land on time', async () => {
    const view = renderAt(<Header title="demo" subtitle="arn" status={{ state: 'ok', lastSuccessAt: Date.now(), consecutiveFailures: 0 }} requestRate={2.5} intervalMs={2000} />, { columns: 100, rows: 10 });
    views.push(view);
    const frame = await view.waitFor('polled 0s ago');
    expect(frame).toContain('2.5 req/s');
    const frames = view.frameCount();
    await new Promise((r) => setTimeout(r, 1500));
    expect(view.frameCount()).toBe(frames);
  });

  it('counts the age of a late poll every second', async () => {
    const view = renderAt(<Header title="demo" subtitle="arn" status={{ state: 'ok', lastSuccessAt: Date.now() - 9_000, consecutiveFailures: 0 }} requestRate={0} intervalMs={2000} />, { columns: 100, rows: 10 });
    views.push(view);
    await view.waitFor('polled 9s ago');
    await view.waitFor('polled 10s ago', 2500);
  });
});
