// The emulator's notion of time. Every lifecycle timer (composition start-up, idle shutdown, purge,
// replication reconnect windows) runs on it, so tests and demos can run time faster (`speed`) or
// jump ahead (`advance`) without waiting in real time, or stand still (`freeze`) until told to move.
// It can start at any instant (`start`), so what the emulator writes does not depend on today's date.

export interface ClockOptions {
  /** Virtual milliseconds per real millisecond (1 unless told otherwise). */
  speed?: number;
  /** The instant (epoch ms) the clock starts at; absent, it goes on from where a data dir's clock stood. */
  start?: number;
  /** Start stopped: only `advance` moves it until `resume`. */
  frozen?: boolean;
}

/** What a data dir keeps of the clock, so a restart goes on from where it stood. */
export interface ClockState {
  /** Milliseconds moved forward by `advance`, all told. */
  offsetMs: number;
  /** Milliseconds the clock was set apart from the real clock when started at a given instant (`start`). */
  shiftMs: number;
}

/** The earliest and latest instants a clock may start at: ISO 8601 years 1970 to 9999. */
const START_RANGE = [0, Date.UTC(9999, 11, 31, 23, 59, 59, 999)] as const;
/** A date, or a date and time with a zone (Z or ±hh:mm): `2030-01-01`, `2030-01-01T09:30:00Z`, `2030-01-01T09:30:00.250+02:00`. */
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2})))?$/i;

/**
 * An ISO 8601 time as epoch milliseconds, or a one-line reason why not. A time needs its zone, so the
 * instant is the same on every machine; a date alone is midnight UTC.
 */
export function parseClockStart(text: string): number | { error: string } {
  const rule = 'an ISO 8601 time with a zone, e.g. 2030-01-01T00:00:00Z (or a date, 2030-01-01)';
  const m = ISO_8601.exec(text);
  if (!m) return { error: `must be ${rule}, got "${text}"` };
  const [year, month, day, hour = 0, minute = 0, second = 0, zoneHour = 0, zoneMinute = 0] = m.slice(1).map((part) => (part === undefined ? undefined : Number(part)));
  // Date.parse rolls days over (2030-02-30 is March 2nd), so each field is checked against its range first.
  const realDay = month! >= 1 && month! <= 12 && day! >= 1 && new Date(Date.UTC(year!, month! - 1, day!)).getUTCDate() === day;
  if (!realDay || hour > 23 || minute > 59 || second > 59 || zoneHour > 23 || zoneMinute > 59) return { error: `is not a real date and time: "${text}" (${rule})` };
  const ms = Date.parse(text.toUpperCase());
  if (!(ms >= START_RANGE[0] && ms <= START_RANGE[1])) return { error: `must be from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z, got "${text}"` };
  return ms;
}

export interface ClockTimer {
  readonly due: number;
  /** What runs when it falls due; undefined once cancelled. */
  fire: (() => void) | undefined;
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
  private readonly inFlight = new Set<Promise<unknown>>();
  /** The advance under way (`advanceSettling`), which the next one waits for. */
  private advancing: Promise<void> = Promise.resolve();

  readonly speed: number;
  /** Milliseconds the clock has been pushed ahead by `advance` (persisted across restarts). */
  private advancedMs: number;
  /** Milliseconds it stands apart from the real clock besides the advances: set by `start` (persisted). */
  private readonly shiftMs: number;

  /** `stored` is where a data dir's clock stood; `options.start` overrides it. */
  constructor(options: ClockOptions = {}, stored: ClockState = { offsetMs: 0, shiftMs: 0 }) {
    this.speed = options.speed ?? 1;
    if (!(this.speed > 0) || !Number.isFinite(this.speed)) throw new RangeError('clock speed must be a positive number');
    if (options.start !== undefined && !Number.isFinite(options.start)) throw new RangeError('clock start must be a time');
    this.advancedMs = stored.offsetMs;
    this.shiftMs = options.start === undefined ? stored.shiftMs : options.start - this.anchorReal - stored.offsetMs;
    this.anchorVirtual = this.anchorReal + this.shiftMs + this.advancedMs;
    // Frozen where it starts (freeze() would read the real clock again, a millisecond or more later).
    if (options.frozen) this.frozenAt = this.anchorVirtual;
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

  /** What a data dir keeps (the `clock` op). */
  get state(): ClockState {
    return { offsetMs: this.advancedMs, shiftMs: this.shiftMs };
  }

  /** Runs `fire` once `delayMs` of virtual time has passed. */
  schedule(delayMs: number, fire: () => void): ClockTimer {
    const timer: ClockTimer = { due: this.now() + delayMs, fire };
    let i = this.timers.length;
    while (i > 0 && this.timers[i - 1]!.due > timer.due) i--;
    this.timers.splice(i, 0, timer);
    if (i === 0) this.arm();
    return timer;
  }

  /**
   * Stops `timer` from firing. It stays in the queue until its due time, but lets go of what it would have
   * run: a cancelled timer must not hold on to (say) a closed socket for a token's 14 days.
   */
  cancel(timer: ClockTimer | undefined): void {
    if (timer) timer.fire = undefined;
  }

  /**
   * Moves time forward by `ms`, firing the timers that fall due on the way in due order, each with
   * `now()` at its own due time (never before the time the advance started from), as if time had run:
   * a timer that a firing one schedules fires too if it falls due within the advance. A timer's changes
   * are in memory when it returns (`Emulator.mutate`), so the next one sees them.
   */
  advance(ms: number): void {
    const { from, until } = this.moveBy(ms);
    try {
      this.fireDue(until, (due) => Math.max(due, from));
    } finally {
      this.firingAt = undefined;
      this.arm();
    }
  }

  /** Work under way that may schedule timers when it ends (an event delivery attempt, whose reply decides its retry). */
  track(work: Promise<unknown>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work)).catch(() => {});
  }

  /**
   * `advance`, waiting on the way for the work `track`ed: what is under way ends first, at the time the
   * advance starts from; then, each time the timers due are fired, the work they started ends (at the due
   * time of the one fired last) before the advance goes on. So a delivery's retry, scheduled only once its
   * attempt's reply is in, fires too if it falls due within the span: `ivsrt local clock --advance 600`
   * plays every retry of those ten minutes. Each attempt ends within its target's time limit. Advances
   * run one after another.
   */
  advanceSettling(ms: number): Promise<void> {
    const run = this.advancing.then(async () => {
      await this.settled();
      const { from, until } = this.moveBy(ms);
      try {
        for (;;) {
          this.fireDue(until, (due) => Math.max(due, from));
          if (this.inFlight.size === 0) break;
          await this.settled();
        }
      } finally {
        this.firingAt = undefined;
        this.arm();
      }
    });
    this.advancing = run.catch(() => {});
    return run;
  }

  private async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Puts the clock `ms` ahead: where it stood, and where it stands now. */
  private moveBy(ms: number): { from: number; until: number } {
    const from = this.now();
    this.advancedMs += ms;
    this.anchorVirtual += ms;
    if (this.frozenAt !== undefined) this.frozenAt += ms;
    return { from, until: this.now() };
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
      const { due, fire } = this.timers.shift()!;
      if (!fire) continue;
      if (at) this.firingAt = at(due);
      fire();
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
    while (this.timers.length > 0 && !this.timers[0]!.fire) this.timers.shift();
    const next = this.timers[0];
    if (!next || this.frozenAt !== undefined) return;
    const realDelay = Math.max(0, (next.due - this.now()) / this.speed);
    // Node caps timeouts at 2^31-1 ms; a longer wait simply re-arms when it wakes.
    this.wakeup = setTimeout(() => this.runDue(), Math.min(realDelay + 1, 2 ** 31 - 1));
    this.wakeup.unref();
  }
}
