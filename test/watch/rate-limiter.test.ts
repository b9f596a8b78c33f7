import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/watch/rate-limiter.js';
import { FakeClock } from './fake-clock.js';

/** Largest number of starts inside any window of `windowMs`. */
function busiestWindow(starts: number[], windowMs: number): number {
  return Math.max(0, ...starts.map((t) => starts.filter((s) => s >= t && s < t + windowMs).length));
}

describe('RateLimiter', () => {
  it('knows the service quotas', () => {
    const limiter = new RateLimiter();
    expect(limiter.limitFor('GetStage')).toBe(5);
    expect(limiter.limitFor('ListParticipants')).toBe(5);
    expect(limiter.limitFor('CreateParticipantToken')).toBe(50);
    expect(limiter.limitFor('TagResource')).toBe(10);
    expect(limiter.limitFor('ImportPublicKey')).toBe(3);
  });

  it('never starts more than the limit within a second, however many calls queue up', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ clock });
    const starts: number[] = [];
    const calls = Array.from({ length: 23 }, () =>
      limiter.schedule('ListParticipants', async () => starts.push(clock.now())),
    );
    await clock.advance(10_000);
    await Promise.all(calls);
    expect(starts).toHaveLength(23);
    expect(busiestWindow(starts, 1000)).toBe(5);
    // Queued calls start as soon as tokens come back, not later.
    expect(starts.at(-1)).toBeLessThanOrEqual(4 * 1100);
  });

  it('keeps operations apart and honours per-operation limits', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ clock });
    const starts: Record<string, number[]> = { GetStage: [], ImportPublicKey: [] };
    const calls = Object.keys(starts).flatMap((op) =>
      Array.from({ length: 10 }, () => limiter.schedule(op, async () => starts[op]!.push(clock.now()))),
    );
    await clock.advance(10_000);
    await Promise.all(calls);
    expect(busiestWindow(starts.GetStage!, 1000)).toBe(5);
    expect(busiestWindow(starts.ImportPublicKey!, 1000)).toBe(3);
    expect(starts.GetStage!.filter((t) => t === 0)).toHaveLength(5);
  });

  it('stays within the limit when calls trickle in at random times', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ clock });
    const starts: number[] = [];
    const calls: Promise<unknown>[] = [];
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let i = 0; i < 200; i++) {
      calls.push(limiter.schedule('GetStage', async () => starts.push(clock.now())));
      await clock.advance(Math.floor(random() * 300));
    }
    await clock.advance(60_000);
    await Promise.all(calls);
    expect(starts).toHaveLength(200);
    expect(busiestWindow(starts, 1000)).toBeLessThanOrEqual(5);
  });

  it('gives a token back one window after its request settles, not after it started', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ clock, limits: { GetStage: 1 } });
    const starts: number[] = [];
    // The first reply takes 700 ms: the second call may start only a window after that reply.
    const slow = limiter.schedule('GetStage', async () => {
      starts.push(clock.now());
      await new Promise<void>((resolve) => clock.setTimeout(resolve, 700));
    });
    const next = limiter.schedule('GetStage', async () => starts.push(clock.now()));
    await clock.advance(5000);
    await Promise.all([slow, next]);
    expect(starts).toEqual([0, 700 + 1100]);
  });

  it('keeps arrivals at the service within the limit however long requests wait on the way', async () => {
    // A loaded machine holds a started request back for a while and then sends it; the service counts
    // arrivals, which fall anywhere between a request's start and its reply.
    const clock = new FakeClock();
    const limiter = new RateLimiter({ clock });
    const arrivals: number[] = [];
    let seed = 11;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const calls = Array.from({ length: 60 }, () =>
      limiter.schedule('ListParticipants', async () => {
        const held = Math.floor(random() * 900);
        const arrivesAfter = Math.floor(random() * held);
        clock.setTimeout(() => arrivals.push(clock.now()), arrivesAfter);
        await new Promise<void>((resolve) => clock.setTimeout(resolve, held));
      }),
    );
    await clock.advance(120_000);
    await Promise.all(calls);
    expect(arrivals).toHaveLength(60);
    expect(busiestWindow(arrivals, 1000)).toBeLessThanOrEqual(5);
    expect(busiestWindow(arrivals, 1100)).toBeLessThanOrEqual(5);
  });

  it('measures the request rate per operation', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ clock });
    for (let second = 0; second < 5; second++) {
      if (second > 0) await clock.advance(1000);
      await Promise.all([1, 2].map(() => limiter.schedule('GetStage', async () => undefined)));
    }
    expect(limiter.requestRate('GetStage')).toBeCloseTo(2, 1);
    expect(limiter.rates()).toEqual({ GetStage: expect.closeTo(2, 1) });
    expect(limiter.totals()).toEqual({ GetStage: 10 });
    expect(limiter.requestRate('ListStages')).toBe(0);
  });

  it('drops a queued call when its signal aborts', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ clock, limits: { GetStage: 1 } });
    const abort = new AbortController();
    await limiter.schedule('GetStage', async () => undefined);
    const queued = limiter.schedule('GetStage', async () => 'ran', { signal: abort.signal });
    abort.abort(new Error('stopped'));
    await expect(queued).rejects.toThrow('stopped');
    await clock.advance(2000);
    expect(limiter.totals()).toEqual({ GetStage: 1 });
  });
});

describe('RateLimiter priorities', () => {
  it('lets high-priority calls overtake queued low-priority ones and keeps a token for them', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ clock });
    const order: string[] = [];
    const low = Array.from({ length: 8 }, (_, i) =>
      limiter.schedule('ListParticipants', async () => order.push(`low${i}`), { priority: 'low' }),
    );
    await clock.advance(0);
    // Low priority never takes the last token of a window.
    expect(order).toEqual(['low0', 'low1', 'low2', 'low3']);
    expect(limiter.available('ListParticipants')).toBe(0);
    const high = limiter.schedule('ListParticipants', async () => order.push('high'));
    await clock.advance(0);
    expect(order.at(-1)).toBe('high');
    await clock.advance(5000);
    await Promise.all([...low, high]);
    expect(order.slice(5)).toEqual(['low4', 'low5', 'low6', 'low7']);
  });
});
