// Polls the service on an interval (IVS has no watch API), diffs each result against the last snapshot
// and reports changes and its own health. Renderers (NDJSON, the Ink UI) only listen.
import { WatchApi, type CommandSender } from './api.js';
import { backoffDelay, isThrottling } from './backoff.js';
import { systemClock, type Clock } from '../clock.js';
import { diffSnapshots } from './diff.js';
import { Emitter } from './emitter.js';
import type { MediaSource } from './media.js';
import { emptySnapshot, type Change, type WatchSnapshot } from './model.js';
import { RateLimiter } from './rate-limiter.js';
import { StagePoll } from './stage-poll.js';
import { StagesPoll } from './stages-poll.js';

export const DEFAULT_INTERVAL_MS = 2000;
const MAX_BACKOFF_MS = 30_000;

export interface PollerOptions {
  client: CommandSender;
  /** The stage to watch; without it, every stage of the account and region. */
  stageArn?: string;
  intervalMs?: number;
  /** Share one limiter between pollers of the same process (e.g. the all-stages list and a drill-down). */
  limiter?: RateLimiter;
  clock?: Clock;
  /** For the backoff jitter. */
  random?: () => number;
  focusParticipantId?: string;
  /** The ivsrt emulator's measured media of WHIP publishers, merged into their participants. */
  media?: MediaSource;
}

export interface PollError {
  name: string;
  message: string;
  throttled: boolean;
  at: number;
  /** What was thrown, for callers that classify it further. */
  cause: unknown;
}

export interface PollStatus {
  state: 'starting' | 'ok' | 'backoff' | 'paused' | 'stopped';
  /** clock.now() of the last poll that succeeded. */
  lastSuccessAt?: number;
  lastError?: PollError;
  /** When the next attempt is due while backing off. */
  nextRetryAt?: number;
  consecutiveFailures: number;
}

export interface PollResult {
  snapshot: WatchSnapshot;
  changes: Change[];
}

interface PollerEvents extends Record<string, unknown> {
  change: Change;
  poll: PollResult;
  status: PollStatus;
}

export class Poller extends Emitter<PollerEvents> {
  readonly intervalMs: number;
  readonly limiter: RateLimiter;
  readonly stageArn?: string;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly abort = new AbortController();
  private readonly api: WatchApi;
  private readonly source: { poll(focus?: string): Promise<WatchSnapshot> };
  private current: WatchSnapshot;
  private currentStatus: PollStatus = { state: 'starting', consecutiveFailures: 0 };
  private focused: string | undefined;
  private paused = false;
  private stopped = false;
  private loopDone: Promise<void> | undefined;
  /** Ends the wait between polls early; set while waiting. */
  private wake: (() => void) | undefined;
  /** A wake-up asked for while a poll was running: the next wait is skipped. */
  private wakePending = false;

  constructor(options: PollerOptions) {
    super();
    this.intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.limiter = options.limiter ?? new RateLimiter({ clock: this.clock });
    this.stageArn = options.stageArn;
    this.focused = options.focusParticipantId;
    this.api = new WatchApi(options.client, this.limiter, this.abort.signal, options.media);
    this.source = options.stageArn
      ? new StagePoll(this.api, options.stageArn)
      : new StagesPoll(this.api);
    this.current = emptySnapshot(options.stageArn);
  }

  get snapshot(): WatchSnapshot {
    return this.current;
  }

  get status(): PollStatus {
    return this.currentStatus;
  }

  get focusedParticipantId(): string | undefined {
    return this.focused;
  }

  start(): this {
    this.loopDone ??= this.loop();
    return this;
  }

  /** Polls as soon as the current poll (if any) ends, even while paused. */
  refreshNow(): void {
    this.wakeUp();
  }

  pause(): void {
    this.paused = true;
    this.setStatus({ ...this.currentStatus, state: 'paused', nextRetryAt: undefined });
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.wakeUp();
  }

  /** Chooses the participant whose events are fetched (one ListParticipantEvents call per poll). */
  focus(participantId: string | undefined): void {
    this.focused = participantId;
    if (participantId) this.wakeUp();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.abort.abort();
    this.wakeUp();
    await this.loopDone?.catch(() => undefined);
    this.setStatus({ ...this.currentStatus, state: 'stopped', nextRetryAt: undefined });
  }

  async disconnectParticipant(participantId: string, reason = 'disconnected with ivsrt watch'): Promise<void> {
    if (!this.stageArn) throw new Error('disconnecting a participant needs a stage');
    await this.api.disconnectParticipant(this.stageArn, participantId, reason);
    this.refreshNow();
  }

  async stopComposition(arn: string): Promise<void> {
    await this.api.stopComposition(arn);
    this.refreshNow();
  }

  /** Every change from now until stop(), for `for await` consumers. */
  async *changes(): AsyncGenerator<Change> {
    const queue: Change[] = [];
    let signal: (() => void) | undefined;
    const notify = () => signal?.();
    const offChange = this.on('change', (change) => {
      queue.push(change);
      notify();
    });
    const offStatus = this.on('status', (status) => status.state === 'stopped' && notify());
    try {
      while (true) {
        if (queue.length > 0) yield queue.shift()!;
        else if (this.stopped) return;
        else await new Promise<void>((resolve) => (signal = resolve));
      }
    } finally {
      offChange();
      offStatus();
    }
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      if (this.paused && !this.wakePending) {
        await this.sleep(Infinity);
        continue;
      }
      this.wakePending = false;
      const startedAt = this.clock.now();
      let delay: number;
      try {
        const next = await this.source.poll(this.focused);
        if (this.stopped) break;
        this.apply(next);
        this.setStatus({
          state: this.paused ? 'paused' : 'ok',
          lastSuccessAt: this.clock.now(),
          lastError: undefined,
          consecutiveFailures: 0,
        });
        delay = Math.max(0, this.intervalMs - (this.clock.now() - startedAt));
      } catch (error) {
        if (this.stopped) break;
        const failures = this.currentStatus.consecutiveFailures + 1;
        delay = backoffDelay(failures, { baseMs: this.intervalMs, maxMs: MAX_BACKOFF_MS, random: this.random });
        this.setStatus({
          state: this.paused ? 'paused' : 'backoff',
          lastSuccessAt: this.currentStatus.lastSuccessAt,
          lastError: describeError(error, this.clock.now()),
          nextRetryAt: this.clock.now() + delay,
          consecutiveFailures: failures,
        });
      }
      await this.sleep(delay);
    }
  }

  private apply(next: WatchSnapshot): void {
    const changes = diffSnapshots(this.current, next, new Date(this.clock.now()).toISOString());
    this.current = next;
    for (const change of changes) this.emit('change', change);
    this.emit('poll', { snapshot: next, changes });
  }

  private setStatus(status: PollStatus): void {
    this.currentStatus = status;
    this.emit('status', status);
  }

  private wakeUp(): void {
    this.wakePending = true;
    this.wake?.();
  }

  private sleep(ms: number): Promise<void> {
    if (this.wakePending || this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = Number.isFinite(ms) ? this.clock.setTimeout(() => done(), ms) : undefined;
      const done = () => {
        if (timer !== undefined) this.clock.clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      this.wake = done;
    });
  }
}

function describeError(error: unknown, at: number): PollError {
  const e = error as { name?: string; message?: string; code?: string };
  return {
    name: e?.name ?? 'Error',
    message: e?.message || e?.code || String(error),
    throttled: isThrottling(error),
    at,
    cause: error,
  };
}
