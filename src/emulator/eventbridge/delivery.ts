// Delivers the outbox to the configured targets, at least once. An outbox entry was committed in the
// same transaction as the change that caused the event; it is removed only once every matching target
// has taken the event, or has given up on it for good (dead-letter file). After a crash the emulator
// resumes the outbox, so an event can reach a target twice but is never lost — as on EventBridge.
// Retries back off on the emulator's clock, so `ivsrt local clock --advance` moves them along too.
import { spawn } from 'node:child_process';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { ClockTimer, VirtualClock } from '../state/clock.js';
import { DeadLetterFile } from './dead-letters.js';
import { decide, NO_FAULTS, unit, type FaultPlan } from './faults.js';
import { DEFAULT_COMMAND_TIMEOUT_MS, hideUrlPasswords, type DeliveryConfig, type Target, type TargetSpec } from './rules.js';

/** What delivery needs of the emulator's clock (clock.ts VirtualClock): timers, and `track` for attempts an advance waits for. */
export type DeliveryClock = Pick<VirtualClock, 'now' | 'schedule' | 'cancel' | 'track'>;

interface DeliveryHost {
  clock: DeliveryClock;
  /** Removes the outbox entry durably (a mutation of the outbox table). */
  removeFromOutbox(key: string): Promise<void>;
  log(line: string): void;
}

/** EventBridge API destinations give up on a request after 5 seconds. */
const HTTP_TIMEOUT_MS = 5_000;
/** First retry after about a second, doubling up to ten minutes (with jitter): 185 retries span about a day. */
const BACKOFF_BASE_MS = 1_000;
const BACKOFF_CAP_MS = 10 * 60_000;
/**
 * Deliveries in flight per target, unless a rules file fixes it (`concurrencyPerTarget`): it starts here
 * and adapts (additive increase, multiplicative decrease). While events wait for a target that answers,
 * each answer lets one more go at a time, up to MAX_CONCURRENCY; each failed attempt halves it, so a
 * struggling target is not pressed harder. A target that is slow but well, or an emulator busy answering
 * requests, is thus kept up with; one that truly cannot keep up is reported (see BEHIND_BACKLOG).
 */
export const DEFAULT_CONCURRENCY = 10;
export const MAX_CONCURRENCY = 100;
/** Events waiting (not yet sent) for one target beyond which it is reported as behind, at most every BEHIND_LOG_MS. */
export const BEHIND_BACKLOG = 1_000;
const BEHIND_LOG_MS = 10_000;
/** A reordered event waits at most this long (emulator clock) for a later event to overtake it. */
export const REORDER_HOLD_MS = 2_000;
/** HTTP statuses an API destination retries (EventBridge User Guide, "API destinations"); other 4xx are final. */
const RETRYABLE_STATUS = new Set([401, 407, 409, 429]);

type Outcome = { ok: true } | { ok: false; retryable: boolean; error: string };

export interface DeadLetter {
  deadLetteredAt: string;
  rule: string;
  target: string;
  errorCode: 'RETRIES_EXHAUSTED' | 'MAXIMUM_EVENT_AGE_EXCEEDED' | 'NON_RETRYABLE_ERROR' | 'TARGET_REMOVED';
  errorMessage: string;
  retryAttempts: number;
  event: unknown;
}

interface TargetQueue {
  /** Deliveries in flight. */
  busy: number;
  jobs: { body: string; resolve: (outcome: Outcome) => void }[];
  /** How many may be in flight now (fixed when the configuration sets it, else adapted). */
  limit: number;
  /** Attempts sent and answered since the queue was last reported behind (or began), for the rates in the report. */
  sent: number;
  answered: number;
  /** When the queue was last reported behind (clock ms); undefined while it keeps up. */
  reportedAt: number | undefined;
  countingSince: number;
}

/** Where one target's deliveries stand: what waits, what is in flight, and how many may be. */
export interface TargetBacklog {
  target: string;
  /** Events waiting to be sent (not counting those waiting for a retry). */
  waiting: number;
  inFlight: number;
  concurrency: number;
  /** Whether the target is reported as behind (more than BEHIND_BACKLOG waiting). */
  behind: boolean;
}

interface Entry {
  key: string;
  event: Record<string, unknown>;
  /** Emulator time the event was committed (the outbox key starts with it). */
  committedAt: number;
  /** Targets that still owe this event a delivery. */
  owed: Set<string>;
  timers: Set<ClockTimer>;
}

/** What the worker did, for logs, tests and the benchmark. */
export interface DeliveryStats {
  delivered: number;
  retried: number;
  deadLettered: number;
  dropped: number;
  duplicated: number;
  reordered: number;
  delayed: number;
}

/** The emulator time an event-table key starts with (see tables.ts). */
export function keyTime(key: string): number {
  return Number(key.slice(0, key.indexOf('.')));
}

function committedAtOf(key: string, event: Record<string, unknown>): number {
  const ms = keyTime(key);
  return Number.isFinite(ms) && ms > 0 ? ms : Date.parse(String(event.time));
}

function describe(event: Record<string, unknown>): string {
  const detail = event.detail as Record<string, unknown> | undefined;
  return `${String(detail?.event_name ?? event['detail-type'])} ${String(event.id)}`;
}

/** Kept-alive connections to the targets, as an API destination's connection would be. */
const agents = { 'http:': new HttpAgent({ keepAlive: true }), 'https:': new HttpsAgent({ keepAlive: true }) };

/**
 * One POST, ended within HTTP_TIMEOUT_MS whatever the target does: connecting, answering, or sending
 * its reply's body. A reply cut short (the socket closed or reset mid-body) is a failure to retry.
 */
function post(url: string, body: string, log: (line: string) => void): Promise<Outcome> {
  return new Promise((resolve) => {
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    let ended = false;
    const end = (outcome: Outcome): void => {
      if (ended) return;
      ended = true;
      clearTimeout(deadline);
      resolve(outcome);
    };
    const req = send(
      target,
      {
        method: 'POST',
        agent: agents[target.protocol as 'http:' | 'https:'],
        headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'user-agent': 'Amazon/EventBridge/ApiDestinations' },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        const cutShort = (detail?: string): void => end({ ok: false, retryable: true, error: `the reply was cut short${detail ? ` (${detail})` : ''}` });
        res.once('error', (error: NodeJS.ErrnoException) => cutShort(error.code ?? error.message));
        res.once('close', () => {
          if (!res.complete) cutShort();
        });
        // Drain the body so the connection returns to the pool.
        res.resume();
        res.once('end', () => {
          if (status >= 200 && status < 300) end({ ok: true });
          else end({ ok: false, retryable: status >= 500 || RETRYABLE_STATUS.has(status), error: `HTTP ${status}` });
        });
      },
    );
    const deadline = setTimeout(() => {
      const error = `no complete reply within ${HTTP_TIMEOUT_MS / 1000} s`;
      log(`events: an attempt to deliver to ${url} is stuck: ${error}; it is ended, and counts as a failure to retry`);
      end({ ok: false, retryable: true, error });
      req.destroy();
    }, HTTP_TIMEOUT_MS);
    req.once('error', (error: NodeJS.ErrnoException) => end({ ok: false, retryable: true, error: error.code ?? error.message }));
    req.end(body);
  });
}

function run(command: string, timeoutMs: number, body: string, log: (line: string) => void): Promise<Outcome> {
  return new Promise((resolve) => {
    // Its own process group, so a timeout ends the shell and whatever it started.
    const child = spawn('/bin/sh', ['-c', command], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    let tail = '';
    const keep = (chunk: Buffer) => {
      tail = (tail + chunk.toString()).slice(-2_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.stdin.on('error', () => {}); // a handler that does not read stdin closes it early
    child.stdin.end(body);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ ok: false, retryable: true, error: error.message });
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const output = tail.trim().split('\n').slice(-3).join(' | ');
      if (output) log(`  ${command}: ${output}`);
      if (timedOut) resolve({ ok: false, retryable: true, error: `timed out after ${timeoutMs / 1000} s` });
      else if (code === 0) resolve({ ok: true });
      else resolve({ ok: false, retryable: true, error: signal ? `killed by ${signal}` : `exit code ${code}` });
    });
  });
}

/** A function target gets its own copy of the envelope; a throw or a rejection is a failure to retry, as a Lambda's would be. */
async function invoke(spec: Extract<TargetSpec, { kind: 'function' }>, body: string): Promise<Outcome> {
  try {
    await spec.invoke(JSON.parse(body) as Record<string, unknown>);
    return { ok: true };
  } catch (error) {
    return { ok: false, retryable: true, error: error instanceof Error ? error.message : String(error) };
  }
}

/** How long one attempt may take: an API destination's 5 s, a command's timeout, and a function a command's default (as a Lambda has one). */
function attemptLimitMs(spec: TargetSpec): number {
  return spec.kind === 'http' ? HTTP_TIMEOUT_MS : spec.kind === 'command' ? spec.timeoutMs : DEFAULT_COMMAND_TIMEOUT_MS;
}

/** Past its limit, an attempt's own handling (the POST's deadline, the command's kill) has this long to end it. */
const STUCK_GRACE_MS = 1_000;

function describeSpec(spec: TargetSpec): string {
  return spec.kind === 'http' ? spec.url : spec.kind === 'command' ? `exec:${spec.command}` : `function ${spec.name}`;
}

/**
 * One delivery attempt of an envelope (JSON text) to a target. It always ends, within the target's
 * limit: an attempt still unsettled after it (a function that never resolves, a command whose output
 * a detached child keeps open) is logged as stuck and counts as a failure to retry, so it cannot hold
 * one of the target's delivery slots for good.
 */
export function deliver(spec: TargetSpec, body: string, log: (line: string) => void): Promise<Outcome> {
  const attempt = spec.kind === 'function' ? invoke(spec, body) : spec.kind === 'http' ? post(spec.url, body, log) : run(spec.command, spec.timeoutMs, body, log);
  const limitMs = attemptLimitMs(spec);
  let timer: NodeJS.Timeout | undefined;
  const stuck = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => {
      const error = `no outcome within ${limitMs / 1000} s`;
      log(`events: an attempt to deliver to ${describeSpec(spec)} is stuck: ${error}; it is ended, and counts as a failure to retry`);
      resolve({ ok: false, retryable: true, error });
    }, limitMs + STUCK_GRACE_MS);
  });
  return Promise.race([attempt, stuck]).finally(() => clearTimeout(timer));
}

/** Where one event stands with one target: owed, taken (2xx, exit 0, resolved), given up for good, or lost to the drop fault. */
export type DeliveryStatus = 'pending' | 'delivered' | 'dead-lettered' | 'dropped';

/** A change of an event's standing with a target (`key` is its event-log key). */
export interface DeliveryChange {
  key: string;
  target: Target;
  status: DeliveryStatus;
}

export class DeliveryWorker {
  private readonly entries = new Map<string, Entry>();
  /** Events handed to each target so far: the ordinal that seeds fault decisions. */
  private readonly ordinals = new Map<string, number>();
  /** Reordered sends waiting for the next event to the same target. */
  private readonly held = new Map<string, { send: () => void; timer: ClockTimer }[]>();
  private readonly queues = new Map<string, TargetQueue>();
  /** The targets in configuration order; `addTarget`/`removeTarget` change them at run time. */
  private readonly targets: Target[];
  private closed = false;
  private readonly deadLetters: DeadLetterFile | undefined;
  readonly stats: DeliveryStats = { delivered: 0, retried: 0, deadLettered: 0, dropped: 0, duplicated: 0, reordered: 0, delayed: 0 };

  constructor(
    private readonly host: DeliveryHost,
    private readonly config: DeliveryConfig,
    private readonly faults: FaultPlan = NO_FAULTS,
    /** Told of every change of an event's standing with a target. */
    private readonly onChange: (change: DeliveryChange) => void = () => {},
  ) {
    this.targets = [...config.targets];
    this.deadLetters = config.deadLetterFile ? new DeadLetterFile(config.deadLetterFile, host.log) : undefined;
  }

  get hasTargets(): boolean {
    return this.targets.length > 0;
  }

  get currentTargets(): readonly Target[] {
    return this.targets;
  }

  /** A target for the events committed from now on. */
  addTarget(target: Target): void {
    if (this.targets.some((t) => t.id === target.id)) throw new RangeError(`target ${target.id} is already configured`);
    this.targets.push(target);
  }

  /** Stops delivering to a target: what it was still owed is dead-lettered with TARGET_REMOVED. */
  removeTarget(id: string): boolean {
    const i = this.targets.findIndex((t) => t.id === id);
    if (i < 0) return false;
    const [target] = this.targets.splice(i, 1);
    for (const entry of [...this.entries.values()]) if (entry.owed.has(id)) this.deadLetter(entry, target!, 'TARGET_REMOVED', 'the target was removed', 0);
    return true;
  }

  /** Events still owed to some target. */
  get pending(): number {
    return this.entries.size;
  }

  /** Takes on an outbox entry (a fresh commit, or one left over from before a restart). */
  enqueue(key: string, event: Record<string, unknown>): void {
    if (this.closed || this.entries.has(key)) return;
    const matched = this.targets.filter((t) => t.pattern.matches(event));
    const entry: Entry = { key, event, committedAt: committedAtOf(key, event), owed: new Set(matched.map((t) => t.id)), timers: new Set() };
    this.entries.set(key, entry);
    for (const target of matched) this.onChange({ key, target, status: 'pending' });
    if (matched.length === 0) {
      this.finish(entry);
      return;
    }
    for (const target of matched) this.handOver(entry, target);
  }

  /** The outbox left by an earlier run, oldest first. */
  resume(outbox: Map<string, unknown>): void {
    const keys = [...outbox.keys()].sort();
    if (keys.length > 0) this.host.log(`events: resuming ${keys.length} undelivered event(s) from the outbox`);
    for (const key of keys) this.enqueue(key, outbox.get(key) as Record<string, unknown>);
  }

  /** Forgets every pending delivery (the emulator's state was reset). */
  reset(): void {
    for (const entry of this.entries.values()) for (const timer of entry.timers) this.host.clock.cancel(timer);
    for (const list of this.held.values()) for (const { timer } of list) this.host.clock.cancel(timer);
    this.entries.clear();
    this.held.clear();
    this.ordinals.clear();
    // Queued sends of forgotten events are not sent; their attempts see the entry gone and stop.
    for (const queue of this.queues.values()) for (const job of queue.jobs.splice(0)) job.resolve({ ok: false, retryable: false, error: 'reset' });
    this.deadLetters?.forget();
  }

  close(): void {
    this.closed = true;
    this.reset();
  }

  /** What seeds a target's faults: its place in the configuration, not its URL (a test's receiver port changes). */
  private faultKey(target: Target): string {
    return `${target.rule}#${this.targets.indexOf(target)}`;
  }

  /** The first hand-over of an event to a target, where the faults apply. */
  private handOver(entry: Entry, target: Target): void {
    const ordinal = this.ordinals.get(target.id) ?? 0;
    this.ordinals.set(target.id, ordinal + 1);
    const fault = decide(this.faults, this.faultKey(target), ordinal);
    if (fault.drop) {
      this.stats.dropped++;
      this.host.log(`events: fault: dropped ${describe(entry.event)} for ${target.id}`);
      this.settle(entry, target, 'dropped');
      return;
    }
    const send = () => {
      if (fault.delayMs > 0) {
        this.stats.delayed++;
        this.later(entry, fault.delayMs, () => this.start(entry, target, ordinal, 0, fault.duplicate));
      } else this.start(entry, target, ordinal, 0, fault.duplicate);
    };
    if (fault.reorder) {
      this.stats.reordered++;
      const list = this.held.get(target.id) ?? [];
      this.held.set(target.id, list);
      const held = { send, timer: this.host.clock.schedule(REORDER_HOLD_MS, () => this.release(target.id, held)) };
      list.push(held);
      return;
    }
    send();
    // Whatever was held back for this target now goes after this event.
    const list = this.held.get(target.id);
    if (list) {
      this.held.delete(target.id);
      for (const held of list) {
        this.host.clock.cancel(held.timer);
        held.send();
      }
    }
  }

  private release(targetId: string, held: { send: () => void }): void {
    const list = this.held.get(targetId);
    const i = list?.indexOf(held as never) ?? -1;
    if (!list || i < 0) return;
    list.splice(i, 1);
    if (list.length === 0) this.held.delete(targetId);
    held.send();
  }

  private later(entry: Entry, delayMs: number, fire: () => void): void {
    const timer = this.host.clock.schedule(delayMs, () => {
      entry.timers.delete(timer);
      fire();
    });
    entry.timers.add(timer);
  }

  /**
   * Sends in hand-over (commit) order, up to `concurrency` at a time per target; with 1, a target
   * receives its events strictly in commit order.
   */
  private send(target: Target, body: string): Promise<Outcome> {
    return new Promise((resolve) => {
      let queue = this.queues.get(target.id);
      if (!queue) {
        queue = { busy: 0, jobs: [], limit: this.config.concurrency ?? DEFAULT_CONCURRENCY, sent: 0, answered: 0, reportedAt: undefined, countingSince: this.host.clock.now() };
        this.queues.set(target.id, queue);
      }
      queue.jobs.push({ body, resolve });
      queue.sent++;
      this.pump(target, queue);
      if (queue.jobs.length >= BEHIND_BACKLOG) this.reportBehind(target, queue);
    });
  }

  private pump(target: Target, queue: TargetQueue): void {
    while (queue.busy < queue.limit) {
      const job = queue.jobs.shift();
      if (!job) return;
      queue.busy++;
      void deliver(target.spec, job.body, this.host.log).then((outcome) => {
        queue.busy--;
        queue.answered++;
        this.adapt(queue, outcome);
        job.resolve(outcome);
        this.pump(target, queue);
        if (queue.reportedAt !== undefined && queue.jobs.length === 0) {
          queue.reportedAt = undefined;
          this.host.log(`events: ${target.id} has caught up (${queue.busy} in flight, up to ${queue.limit} at a time)`);
        }
      });
    }
  }

  /** The adaptive concurrency of DEFAULT_CONCURRENCY's comment; a configured concurrency stays as it is. */
  private adapt(queue: TargetQueue, outcome: Outcome): void {
    if (this.config.concurrency !== undefined) return;
    if (!outcome.ok) queue.limit = Math.max(1, Math.floor(queue.limit / 2));
    else if (queue.jobs.length > 0 && queue.limit < MAX_CONCURRENCY) queue.limit++;
  }

  /** One log line, at most every BEHIND_LOG_MS, while a target has more than BEHIND_BACKLOG events waiting. */
  private reportBehind(target: Target, queue: TargetQueue): void {
    const now = this.host.clock.now();
    if (queue.reportedAt !== undefined && now - queue.reportedAt < BEHIND_LOG_MS) return;
    const seconds = Math.max(0.001, (now - queue.countingSince) / 1000);
    this.host.log(
      `events: ${target.id} is behind: ${queue.jobs.length} event(s) waiting, ${queue.busy} in flight (at most ${queue.limit} at a time), ` +
        `${Math.round(queue.sent / seconds)}/s to send, ${Math.round(queue.answered / seconds)}/s answered; nothing is lost (the outbox keeps them), they arrive late`,
    );
    queue.reportedAt = now;
    queue.sent = 0;
    queue.answered = 0;
    queue.countingSince = now;
  }

  /** Each target's deliveries now, in configuration order (for `ivsrt local status`). */
  backlog(): TargetBacklog[] {
    return this.targets.map((target) => {
      const queue = this.queues.get(target.id);
      return {
        target: hideUrlPasswords(target.id),
        waiting: queue?.jobs.length ?? 0,
        inFlight: queue?.busy ?? 0,
        concurrency: queue?.limit ?? this.config.concurrency ?? DEFAULT_CONCURRENCY,
        behind: (queue?.jobs.length ?? 0) >= BEHIND_BACKLOG,
      };
    });
  }

  private async attempt(entry: Entry, target: Target, ordinal: number, retries: number, duplicate: boolean): Promise<void> {
    if (!this.owes(entry, target)) return; // reset, closed or the target removed meanwhile
    const body = JSON.stringify(entry.event);
    const outcome = await this.send(target, body);
    if (!this.owes(entry, target)) return;
    if (outcome.ok) {
      this.stats.delivered++;
      if (duplicate) {
        this.stats.duplicated++;
        this.host.log(`events: fault: delivering ${describe(entry.event)} to ${target.id} a second time`);
        await this.send(target, body);
      }
      this.settle(entry, target, 'delivered');
      return;
    }
    const age = this.host.clock.now() - entry.committedAt;
    const { maximumRetryAttempts, maximumEventAgeMs } = this.config.retry;
    if (!outcome.retryable) return this.deadLetter(entry, target, 'NON_RETRYABLE_ERROR', outcome.error, retries);
    if (retries >= maximumRetryAttempts) return this.deadLetter(entry, target, 'RETRIES_EXHAUSTED', outcome.error, retries);
    const backoff = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** retries) * (0.5 + unit(this.faults.seed, this.faultKey(target), ordinal, `retry-${retries}`) / 2);
    if (age + backoff > maximumEventAgeMs) return this.deadLetter(entry, target, 'MAXIMUM_EVENT_AGE_EXCEEDED', outcome.error, retries);
    this.stats.retried++;
    this.host.log(`events: ${describe(entry.event)} to ${target.id} failed (${outcome.error}); retry ${retries + 1} in ${(backoff / 1000).toFixed(1)} s`);
    this.later(entry, backoff, () => this.start(entry, target, ordinal, retries + 1, duplicate));
  }

  /** An attempt, tracked by the clock: an advance waits for its outcome, which may schedule the next retry within it. */
  private start(entry: Entry, target: Target, ordinal: number, retries: number, duplicate: boolean): void {
    this.host.clock.track(this.attempt(entry, target, ordinal, retries, duplicate));
  }

  private deadLetter(entry: Entry, target: Target, errorCode: DeadLetter['errorCode'], errorMessage: string, retryAttempts: number): void {
    this.stats.deadLettered++;
    const letter: DeadLetter = {
      deadLetteredAt: new Date(this.host.clock.now()).toISOString(),
      rule: target.rule,
      target: target.id,
      errorCode,
      errorMessage,
      retryAttempts,
      event: entry.event,
    };
    const file = this.config.deadLetterFile;
    this.host.log(`events: ${describe(entry.event)} to ${target.id} given up (${errorCode}: ${errorMessage})${file ? `; written to ${file}` : ''}`);
    if (!this.deadLetters) return this.settle(entry, target, 'dead-lettered');
    // Settled once it is written down: until then the event stays in the outbox (dead-letters.ts).
    this.deadLetters.add(letter, () => {
      if (this.owes(entry, target)) this.settle(entry, target, 'dead-lettered');
    });
  }

  private owes(entry: Entry, target: Target): boolean {
    return this.entries.get(entry.key) === entry && entry.owed.has(target.id);
  }

  /** `target` is done with the event; once every target is, the outbox entry goes. */
  private settle(entry: Entry, target: Target, status: Exclude<DeliveryStatus, 'pending'>): void {
    entry.owed.delete(target.id);
    this.onChange({ key: entry.key, target, status });
    if (entry.owed.size === 0) this.finish(entry);
  }

  private finish(entry: Entry): void {
    if (this.entries.get(entry.key) !== entry) return;
    this.entries.delete(entry.key);
    this.host.removeFromOutbox(entry.key).catch((error: unknown) => this.host.log(`events: outbox entry ${entry.key} not removed: ${String(error)}`));
  }
}
