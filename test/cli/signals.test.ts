// How long-running verbs take Ctrl-C (src/cli/signals.ts). publish and subscribe (endOnInterrupt): the first
// of Ctrl-C (or SIGTERM), the duration and the session's own end is the reason, and release gives the
// signals back. simulate and demo (abortOnInterrupt): the first Ctrl-C aborts their signal.
// Signals are emitted on `process` (its listeners run; nothing is sent to the worker).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { abortOnInterrupt, endOnInterrupt } from '../../src/cli/signals.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('endOnInterrupt', () => {
  it('ends with Ctrl-C on SIGINT, and on SIGTERM', async () => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const run = endOnInterrupt();
      process.emit(signal);
      await expect(run.ended).resolves.toBe('Ctrl-C');
      run.release();
    }
  });

  it('keeps the first reason: a helper that exits on the same Ctrl-C does not turn it into a failure', async () => {
    const run = endOnInterrupt();
    process.emit('SIGINT');
    run.end('ffmpeg exited (255)');
    await expect(run.ended).resolves.toBe('Ctrl-C');
    run.release();
    const ownEnd = endOnInterrupt();
    ownEnd.end('the WebRTC connection failed');
    process.emit('SIGTERM');
    await expect(ownEnd.ended).resolves.toBe('the WebRTC connection failed');
    ownEnd.release();
  });

  it('ends with duration once endAfter\'s seconds pass, and not before', async () => {
    vi.useFakeTimers();
    const run = endOnInterrupt();
    let reason: string | undefined;
    void run.ended.then((r) => (reason = r));
    run.endAfter(30);
    await vi.advanceTimersByTimeAsync(29_999);
    expect(reason).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(reason).toBe('duration');
    run.release();
  });

  it('release gives SIGINT and SIGTERM back and drops the timer', async () => {
    vi.useFakeTimers();
    const before = { int: process.listenerCount('SIGINT'), term: process.listenerCount('SIGTERM') };
    const run = endOnInterrupt();
    expect(process.listenerCount('SIGINT')).toBe(before.int + 1);
    expect(process.listenerCount('SIGTERM')).toBe(before.term + 1);
    run.endAfter(1);
    run.release();
    expect({ int: process.listenerCount('SIGINT'), term: process.listenerCount('SIGTERM') }).toEqual(before);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('abortOnInterrupt', () => {
  it('aborts its signal on the first Ctrl-C only, or on abort(), and release gives SIGINT back', () => {
    const before = process.listenerCount('SIGINT');
    const interrupt = abortOnInterrupt();
    expect(interrupt.signal.aborted).toBe(false);
    expect(process.listenerCount('SIGINT')).toBe(before + 1);
    process.emit('SIGINT');
    expect(interrupt.signal.aborted).toBe(true);
    // Once it has fired, nobody of ours listens: a second Ctrl-C is Node's (it ends the process).
    expect(process.listenerCount('SIGINT')).toBe(before);
    interrupt.release();
    const other = abortOnInterrupt();
    other.abort();
    expect(other.signal.aborted).toBe(true);
    other.release();
    expect(process.listenerCount('SIGINT')).toBe(before);
  });
});
