// One limiter per watch process, shared by the poller and the UI's actions, so that together they stay
// inside the service's per-operation TPS quotas (reference §5; they are per account and region and not
// adjustable).
import { DEFAULT_TPS, SERVICE_TPS } from '../model/rate-limits.js';
import { systemClock, type Clock } from '../clock.js';

export { DEFAULT_TPS, SERVICE_TPS };

/**
 * A token is spent when a request starts and comes back one window after the request settles (its reply,
 * error or abort). Unlike a bucket that refills continuously, this never lets two bursts meet at a window
 * edge. Counting from the reply rather than the start is what holds at the service: a request arrives
 * after it starts and before its reply, so two requests that take turns on one token arrive at least a
 * window apart however long either waited on the way (a loaded machine can hold a started request back
 * for hundreds of milliseconds, then send it together with the next). So no window of `windowMs` ever
 * holds more than `limit` arrivals. The window is a little longer than the service's second all the same.
 */
export const DEFAULT_WINDOW_MS = 1100;

/** A token whose request has not settled yet: it does not come back before it has. */
const IN_FLIGHT = Number.POSITIVE_INFINITY;

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
  /**
   * The tokens held, ascending: when each one's request settled (it comes back a window later), or
   * IN_FLIGHT while its request runs.
   */
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
    try {
      return await call();
    } finally {
      this.settle(this.state(operation));
    }
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
      state.spent.push(IN_FLIGHT);
      state.recent.push(now);
      state.total++;
      state.waiting.shift()!.start();
    }
    if (state.waiting.length > 0 && state.timer === undefined && state.spent[0] !== IN_FLIGHT) {
      // Otherwise every token is in flight, and settle() drains again when one comes back.
      const wait = state.spent[0]! + this.windowMs - now;
      state.timer = this.clock.setTimeout(() => {
        state.timer = undefined;
        this.drain(state);
      }, Math.max(0, wait));
    }
  }

  /** A request settled: its token comes back one window from now. */
  private settle(state: OperationState): void {
    const held = state.spent.indexOf(IN_FLIGHT);
    if (held < 0) return;
    state.spent.splice(held, 1);
    const now = this.clock.now();
    const at = state.spent.findIndex((t) => t > now);
    state.spent.splice(at < 0 ? state.spent.length : at, 0, now);
    this.drain(state);
  }

  private prune(state: OperationState, now: number): void {
    while (state.spent.length > 0 && state.spent[0]! <= now - this.windowMs) state.spent.shift();
    while (state.recent.length > 0 && state.recent[0]! <= now - RATE_SAMPLE_MS) state.recent.shift();
  }
}
