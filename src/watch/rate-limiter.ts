// One limiter per watch process, shared by the poller and the UI's actions, so that together they stay
// inside the service's per-operation TPS quotas (reference §5; they are per account and region and not
// adjustable).
import { DEFAULT_TPS, SERVICE_TPS } from '../model/rate-limits.js';
import { systemClock, type Clock } from '../clock.js';

export { DEFAULT_TPS, SERVICE_TPS };

/**
 * A token is spent when a request starts and comes back one window later. Unlike a bucket that refills
 * continuously, this never lets two bursts meet at a window edge, so no window of `windowMs` ever holds
 * more than `limit` request starts. The window is a little longer than the service's second because
 * requests can arrive closer together than they left.
 */
export const DEFAULT_WINDOW_MS = 1100;

/** How far back requestRate() looks; long enough to smooth the bursts of one poll. */
const RATE_SAMPLE_MS = 5000;

export interface RateLimiterOptions {
  /** Per-operation TPS overrides, merged over SERVICE_TPS. */
  limits?: Record<string, number>;
  defaultTps?: number;
  windowMs?: number;
  clock?: Clock;
}

export type Priority = 'high' | 'low';

export interface ScheduleOptions {
  signal?: AbortSignal;
  /**
   * Low-priority calls (background refreshes) wait while high-priority ones are queued and never take
   * an operation's last token, so what a person is looking at is never stuck behind them.
   */
  priority?: Priority;
}

interface Waiter {
  start: () => void;
  priority: Priority;
}

interface OperationState {
  limit: number;
  /** Start times still holding a token (within the last window). */
  spent: number[];
  /** Start times within RATE_SAMPLE_MS, for the measured rate. */
  recent: number[];
  total: number;
  waiting: Waiter[];
  timer?: unknown;
}

export class RateLimiter {
  private readonly limits: Record<string, number>;
  private readonly defaultTps: number;
  private readonly windowMs: number;
  private readonly clock: Clock;
  private readonly operations = new Map<string, OperationState>();

  constructor(options: RateLimiterOptions = {}) {
    this.limits = { ...SERVICE_TPS, ...options.limits };
    this.defaultTps = options.defaultTps ?? DEFAULT_TPS;
    this.windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
    this.clock = options.clock ?? systemClock;
  }

  limitFor(operation: string): number {
    return this.limits[operation] ?? this.defaultTps;
  }

  /** Requests of this operation that could start right now without waiting. */
  available(operation: string): number {
    const state = this.state(operation);
    this.prune(state, this.clock.now());
    return Math.max(0, state.limit - state.spent.length - state.waiting.length);
  }

  /** Runs `call` once a token for `operation` is free; calls of one priority start in FIFO order. */
  async schedule<T>(operation: string, call: () => Promise<T>, options: ScheduleOptions = {}): Promise<T> {
    await this.acquire(operation, options.signal, options.priority ?? 'high');
    return call();
  }

  /** Measured requests per second of one operation over the last few seconds. */
  requestRate(operation: string): number {
    const state = this.operations.get(operation);
    if (!state) return 0;
    this.prune(state, this.clock.now());
    return state.recent.length / (RATE_SAMPLE_MS / 1000);
  }

  /** Measured rate of every operation used so far. */
  rates(): Record<string, number> {
    return Object.fromEntries([...this.operations.keys()].map((op) => [op, this.requestRate(op)]));
  }

  totals(): Record<string, number> {
    return Object.fromEntries([...this.operations].map(([op, state]) => [op, state.total]));
  }

  private state(operation: string): OperationState {
    let state = this.operations.get(operation);
    if (!state) {
      state = { limit: this.limitFor(operation), spent: [], recent: [], total: 0, waiting: [] };
      this.operations.set(operation, state);
    }
    return state;
  }

  private acquire(operation: string, signal: AbortSignal | undefined, priority: Priority): Promise<void> {
    signal?.throwIfAborted();
    const state = this.state(operation);
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        priority,
        start: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        state.waiting = state.waiting.filter((w) => w !== waiter);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      // High-priority waiters go ahead of every low-priority one, behind earlier high-priority ones.
      const firstLow = state.waiting.findIndex((w) => w.priority === 'low');
      if (priority === 'high' && firstLow >= 0) state.waiting.splice(firstLow, 0, waiter);
      else state.waiting.push(waiter);
      this.drain(state);
    });
  }

  private drain(state: OperationState): void {
    const now = this.clock.now();
    this.prune(state, now);
    const lowCap = state.limit > 1 ? state.limit - 1 : state.limit;
    while (state.waiting.length > 0) {
      const next = state.waiting[0]!;
      if (state.spent.length >= (next.priority === 'high' ? state.limit : lowCap)) break;
      state.spent.push(now);
      state.recent.push(now);
      state.total++;
      state.waiting.shift()!.start();
    }
    if (state.waiting.length > 0 && state.timer === undefined) {
      const wait = state.spent[0]! + this.windowMs - now;
      state.timer = this.clock.setTimeout(() => {
        state.timer = undefined;
        this.drain(state);
      }, Math.max(0, wait));
    }
  }

  private prune(state: OperationState, now: number): void {
    while (state.spent.length > 0 && state.spent[0]! <= now - this.windowMs) state.spent.shift();
    while (state.recent.length > 0 && state.recent[0]! <= now - RATE_SAMPLE_MS) state.recent.shift();
  }
}
