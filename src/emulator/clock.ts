// The emulator's notion of time. Every lifecycle timer (composition start-up, idle shutdown, purge,
// replication reconnect windows) runs on it, so tests and demos can run time faster (`speed`) or
// jump ahead (`advance`) without waiting in real time, or stand still (`freeze`) until told to move.

export interface ClockTimer {
  readonly due: number;
  readonly fire: () => void;
  cancelled: boolean;
}

export class VirtualClock {
  private anchorReal = Date.now();
  private anchorVirtual: number;
  private timers: ClockTimer[] = [];
  private wakeup: NodeJS.Timeout | undefined;
  /** The virtual time the clock stands at while frozen; undefined while it runs. */
  private frozenAt: number | undefined;
  /** While `advance` fires a timer: its due time, which `now()` reports (so what it stamps is when it fell due). */
  private firingAt: number | undefined;

  constructor(
    readonly speed = 1,
    /** Milliseconds the clock has been pushed ahead of real time by `advance` (persisted across restarts). */
    private advancedMs = 0,
  ) {
    if (!(speed > 0) || !Number.isFinite(speed)) throw new RangeError('clock speed must be a positive number');
    this.anchorVirtual = this.anchorReal + advancedMs;
  }

  now(): number {
    return this.firingAt ?? this.frozenAt ?? this.anchorVirtual + (Date.now() - this.anchorReal) * this.speed;
  }

  get frozen(): boolean {
    return this.frozenAt !== undefined;
  }

  /** Stops time: only `advance` moves it (and fires timers) until `resume`. */
  freeze(): void {
    if (this.frozenAt !== undefined) return;
    this.frozenAt = this.now();
    this.arm();
  }

  /** Lets time run again from where it stands. */
  resume(): void {
    if (this.frozenAt === undefined) return;
    this.anchorVirtual = this.frozenAt;
    this.anchorReal = Date.now();
    this.frozenAt = undefined;
    this.arm();
  }

  get offsetMs(): number {
    return this.advancedMs;
  }

  /** Runs `fire` once `delayMs` of virtual time has passed. */
  schedule(delayMs: number, fire: () => void): ClockTimer {
    const timer: ClockTimer = { due: this.now() + delayMs, fire, cancelled: false };
    let i = this.timers.length;
    while (i > 0 && this.timers[i - 1]!.due > timer.due) i--;
    this.timers.splice(i, 0, timer);
    if (i === 0) this.arm();
    return timer;
  }

  cancel(timer: ClockTimer | undefined): void {
    if (timer) timer.cancelled = true;
  }

  /**
   * Moves time forward by `ms`, firing the timers that fall due on the way in due order, each with
   * `now()` at its own due time (never before the time the advance started from), as if time had run:
   * a timer that a firing one schedules fires too if it falls due within the advance. A timer's changes
   * are in memory when it returns (`Emulator.mutate`), so the next one sees them.
   */
  advance(ms: number): void {
    const from = this.now();
    this.advancedMs += ms;
    this.anchorVirtual += ms;
    if (this.frozenAt !== undefined) this.frozenAt += ms;
    const until = this.now();
    try {
      this.fireDue(until, (due) => Math.max(due, from));
    } finally {
      this.firingAt = undefined;
      this.arm();
    }
  }

  /** Forgets every pending timer (reset and shutdown). */
  clear(): void {
    this.timers = [];
    if (this.wakeup) clearTimeout(this.wakeup);
    this.wakeup = undefined;
  }

  /** Fires, in due order, every timer due by `until` (including those scheduled meanwhile); `at(due)`, when given, is what `now()` says during each. */
  private fireDue(until: number, at?: (due: number) => number): void {
    while (this.timers.length > 0 && this.timers[0]!.due <= until) {
      const timer = this.timers.shift()!;
      if (timer.cancelled) continue;
      if (at) this.firingAt = at(timer.due);
      timer.fire();
    }
  }

  /** The wake-up of a running clock: what fell due fires now. */
  private runDue(): void {
    try {
      this.fireDue(this.now());
    } finally {
      this.arm();
    }
  }

  private arm(): void {
    if (this.wakeup) clearTimeout(this.wakeup);
    this.wakeup = undefined;
    while (this.timers.length > 0 && this.timers[0]!.cancelled) this.timers.shift();
    const next = this.timers[0];
    if (!next || this.frozenAt !== undefined) return;
    const realDelay = Math.max(0, (next.due - this.now()) / this.speed);
    // Node caps timeouts at 2^31-1 ms; a longer wait simply re-arms when it wakes.
    this.wakeup = setTimeout(() => this.runDue(), Math.min(realDelay + 1, 2 ** 31 - 1));
    this.wakeup.unref();
  }
}
