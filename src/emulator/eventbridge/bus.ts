// The emulator's event bus. The deriver (derive.ts) writes each event into the event log and the
// outbox in the same transaction as the change that caused it; once that commit is durable, the bus
// hands the event to live subscribers (`events tail`, watch, the test fixture) and to the delivery
// worker. It also bounds the event log.
import { DeliveryWorker, keyTime, type DeliveryChange, type DeliveryClock, type DeliveryStats, type DeliveryStatus, type TargetBacklog } from './delivery.js';
import { describeFaults, faultsActive, NO_FAULTS, type FaultPlan } from './faults.js';
import type { DeliveryConfig, Target } from './rules.js';
import { DEFAULT_RETRY } from './rules.js';
import { EVENT_LOG, OUTBOX } from './tables.js';

/** An aux-table op of the mutation path (store.ts `Op`). */
interface AuxOp {
  k: 'aux';
  table: string;
  key: string;
  v?: unknown;
}

/** The part of the Emulator the bus needs. */
interface BusHost {
  store: { aux(table: string): Map<string, unknown> };
  clock: DeliveryClock;
  mutate(ops: readonly AuxOp[]): Promise<void>;
  onCommitted(listener: (ops: readonly { k: string }[]) => void): void;
  log(line: string): void;
}

/**
 * An event as the log holds it: the envelope's members the bus and its readers rely on, and whatever
 * else was stored. Looser than envelope.ts's IvsEvent on purpose: the log is durable, so it may hold
 * events written by another version, and the bus passes them on without reading their shape.
 */
export type EventEnvelope = Record<string, unknown> & { id: string; time: string; detail?: Record<string, unknown>; resources?: string[] };

/** A committed event with its event-log key (which sorts in commit order and starts with the emulator time). */
export interface LoggedEvent {
  key: string;
  event: EventEnvelope;
}

type Subscriber = (logged: LoggedEvent) => void;
type DeliveryListener = (change: DeliveryChange) => void;

export interface EventBusOptions {
  delivery?: DeliveryConfig;
  faults?: FaultPlan;
  /** Events kept in the log for `--since` (older ones are trimmed). */
  retainEvents?: number;
  /** Also emit the events and fields no source shows the service sending (`--event-extras`; docs/events.md, "Extras"). */
  extras?: boolean;
}

const DEFAULT_RETAINED_EVENTS = 10_000;

const isAux = (op: { k: string }): op is AuxOp => op.k === 'aux';

export class EventBus {
  private readonly subscribers = new Map<Subscriber, (() => void) | undefined>();
  private readonly deliveryListeners = new Set<DeliveryListener>();
  /** Each logged event's standing with each target it matched, by event-log key (trimmed with the log). */
  private readonly standings = new Map<string, Map<string, DeliveryStatus>>();
  private readonly worker: DeliveryWorker;
  private readonly retain: number;
  private trimming = false;
  private closed = false;

  constructor(
    private readonly host: BusHost,
    options: EventBusOptions = {},
  ) {
    this.retain = options.retainEvents ?? DEFAULT_RETAINED_EVENTS;
    this.worker = new DeliveryWorker(
      { clock: host.clock, log: host.log, removeFromOutbox: (key) => host.mutate([{ k: 'aux', table: OUTBOX, key }]) },
      options.delivery ?? { targets: [], retry: DEFAULT_RETRY },
      options.faults ?? NO_FAULTS,
      (change) => this.changed(change),
    );
    host.onCommitted((ops) => this.committed(ops));
    const targets = options.delivery?.targets ?? [];
    if (targets.length > 0) host.log(`events: delivering to ${targets.map((t) => t.id).join(', ')}`);
    if (options.faults && faultsActive(options.faults)) host.log(`events: faults on (${describeFaults(options.faults)})`);
    this.worker.resume(host.store.aux(OUTBOX));
  }

  get stats(): DeliveryStats {
    return this.worker.stats;
  }

  /** Events still owed to a target. */
  get pendingDeliveries(): number {
    return this.worker.pending;
  }

  /** Each target's deliveries: waiting, in flight, and how many may be in flight. */
  get backlog(): TargetBacklog[] {
    return this.worker.backlog();
  }

  /**
   * Calls `subscriber` with every event committed from now on, and `onEnd` if the bus closes first;
   * returns the unsubscribe function.
   */
  subscribe(subscriber: Subscriber, onEnd?: () => void): () => void {
    this.subscribers.set(subscriber, onEnd);
    return () => void this.subscribers.delete(subscriber);
  }

  /** The logged events, oldest first, committed at or after `sinceMs` (emulator time). */
  history(sinceMs = 0): LoggedEvent[] {
    const log = this.host.store.aux(EVENT_LOG);
    const out: LoggedEvent[] = [];
    for (const [key, event] of log) if (keyTime(key) >= sinceMs) out.push({ key, event: event as EventEnvelope });
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** The targets events go to now. */
  get targets(): readonly Target[] {
    return this.worker.currentTargets;
  }

  /** Delivers the events committed from now on to `target` too. */
  addTarget(target: Target): void {
    this.worker.addTarget(target);
  }

  /** Stops delivering to a target (what it was owed is dead-lettered with TARGET_REMOVED); false if there is none by that id. */
  removeTarget(id: string): boolean {
    return this.worker.removeTarget(id);
  }

  /** The logged event under `key`, if it is still in the log. */
  event(key: string): EventEnvelope | undefined {
    return this.host.store.aux(EVENT_LOG).get(key) as EventEnvelope | undefined;
  }

  /** A logged event's standing with each target it matched (by target id); empty when it matched none. */
  deliveries(key: string): ReadonlyMap<string, DeliveryStatus> {
    return this.standings.get(key) ?? new Map();
  }

  /** Calls `listener` with every change of an event's standing with a target; returns the unsubscribe function. */
  onDelivery(listener: DeliveryListener): () => void {
    this.deliveryListeners.add(listener);
    return () => void this.deliveryListeners.delete(listener);
  }

  private changed(change: DeliveryChange): void {
    const standing = this.standings.get(change.key) ?? new Map<string, DeliveryStatus>();
    this.standings.set(change.key, standing);
    standing.set(change.target.id, change.status);
    for (const listener of this.deliveryListeners) {
      try {
        listener(change);
      } catch (error) {
        this.host.log(`events: a delivery listener failed: ${String(error)}`);
      }
    }
  }

  close(): void {
    this.closed = true;
    this.deliveryListeners.clear();
    this.worker.close();
    const ends = [...this.subscribers.values()];
    this.subscribers.clear();
    for (const end of ends) end?.();
  }

  private committed(ops: readonly { k: string }[]): void {
    if (this.closed) return;
    for (const op of ops) {
      if (op.k === 'reset') {
        this.worker.reset();
        this.standings.clear();
      }
      if (!isAux(op) || op.v === undefined) continue;
      if (op.table === EVENT_LOG) {
        const logged = { key: op.key, event: op.v as EventEnvelope };
        for (const subscriber of this.subscribers.keys()) {
          try {
            subscriber(logged);
          } catch (error) {
            this.host.log(`events: a subscriber failed: ${String(error)}`);
          }
        }
      } else if (op.table === OUTBOX) this.worker.enqueue(op.key, op.v as Record<string, unknown>);
    }
    this.trim();
  }

  /** Keeps the log near `retain` events: past 10% over, the oldest go in one mutation. */
  private trim(): void {
    const log = this.host.store.aux(EVENT_LOG);
    if (this.trimming || log.size <= this.retain * 1.1) return;
    this.trimming = true;
    const excess = [...log.keys()].sort().slice(0, log.size - this.retain);
    for (const key of excess) this.standings.delete(key);
    this.host
      .mutate(excess.map((key) => ({ k: 'aux', table: EVENT_LOG, key })))
      .catch((error: unknown) => this.host.log(`events: trimming the event log failed: ${String(error)}`))
      .finally(() => (this.trimming = false));
  }
}
