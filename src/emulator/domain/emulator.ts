// The state every handler works on: the store, the one way to change it (`mutate`), the clock, the
// token authority and the account's settings. One instance per running emulator.
import type { ClockTimer, VirtualClock } from '../state/clock.js';
import { ApiError, notFound } from '../state/errors.js';
import { buildArn } from './ids.js';
import { RESOURCES, type ArnType } from '../../model/resources.js';
import type { Quotas } from './quotas.js';
import type { StorageEngine } from '../state/storage/engine.js';
import {
  type Store,
  type ArnKind,
  type CompositionRec,
  type EncoderConfigurationRec,
  type IngestConfigurationRec,
  type Op,
  type PublicKeyRec,
  type StageRec,
  type StorageConfigurationRec,
  type Tags,
} from '../state/store.js';
import type { TokenAuthority } from './tokens.js';

export { DEFAULT_QUOTAS, type Quotas } from './quotas.js';

/** Extra ops that follow from a change, committed in the same transaction (see `addDeriver`). */
export type Deriver = (ops: readonly Op[], store: Store) => Op[];
export type CommitListener = (ops: readonly Op[]) => void;

/** The ops of one turn of the event loop: they are committed together, in one storage transaction. */
interface Batch {
  ops: Op[];
  /** The ops of each `mutate` call (with what derivers added), for the commit listeners. */
  changes: (readonly Op[])[];
  done: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** How often a read is computed again because the state it saw was rolled back (a failed commit). */
const READ_ATTEMPTS = 5;

export class Emulator {
  /** Pending lifecycle timers, keyed by what they belong to (e.g. `composition:<arn>`). */
  private readonly timers = new Map<string, ClockTimer>();
  /** The emulator's WHIP route (`<url>/whip`) once it listens; stage endpoints point there. */
  whipBase: string | undefined;
  private readonly derivers: Deriver[] = [];
  private readonly committedListeners: CommitListener[] = [];
  /** Collecting the ops of the current turn. */
  private open: Batch | undefined;
  /** Being committed; `open` waits for it (one commit at a time, so commits stay in order). */
  private inFlight: Batch | undefined;
  private mutations = 0;

  constructor(
    readonly store: Store,
    readonly region: string,
    readonly accountId: string,
    readonly quotas: Quotas,
    readonly clock: VirtualClock,
    readonly tokens: TokenAuthority,
    /** Where committed ops go; memory only when absent. */
    private readonly engine: StorageEngine | undefined,
    readonly log: (line: string) => void,
  ) {}

  now(): number {
    return this.clock.now();
  }

  arn(type: ArnType, id: string): string {
    return buildArn(this.region, this.accountId, type, id);
  }

  /**
   * The one way to change state. Runs the derivers (which see the state before `ops`), applies `ops` and
   * what they derived to memory at once, so the rest of the request reads its own writes, and commits
   * them with every other op of this turn in one storage transaction. The promise resolves once that
   * commit is durable (then the commit listeners have run); if it fails, memory is rolled back to what
   * is on disk and the promise rejects with an InternalServerException naming the cause.
   *
   * Request handlers need not await it: the server answers only after `run` has seen the commit through.
   * Records are never changed in place: an op carries a new record that replaces the stored one.
   */
  mutate(ops: readonly Op[]): Promise<void> {
    const derived = this.derivers.length > 0 ? this.derivers.flatMap((derive) => derive(ops, this.store)) : [];
    const all = derived.length > 0 ? [...ops, ...derived] : ops;
    for (const op of all) {
      checkOp(op, this.store);
      this.store.apply(op);
    }
    this.mutations++;
    const batch = (this.open ??= this.newBatch());
    for (const op of all) batch.ops.push(op);
    batch.changes.push(all);
    return batch.done;
  }

  /** `derive(ops, store)` runs on every mutation before it is applied; the ops it returns are committed with it. */
  addDeriver(derive: Deriver): void {
    this.derivers.push(derive);
  }

  /** `listener(ops)` runs once the ops are durable and in memory, once per `mutate` call, in commit order. */
  onCommitted(listener: CommitListener): void {
    this.committedListeners.push(listener);
  }

  /**
   * Runs a request: `work` reads and mutates, then this waits until everything it saw is durable. A
   * request that changed something fails if its commit failed; one that only read is computed again
   * when what it read was rolled back, so no reply ever shows a state that was not stored.
   */
  async run<T>(work: () => T | Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const before = this.mutations;
      let result: T | undefined;
      let failure: unknown;
      let failed = false;
      try {
        result = await work();
      } catch (error) {
        failure = error;
        failed = true;
      }
      const seen = this.open ?? this.inFlight;
      if (seen) {
        if (this.mutations !== before || attempt === READ_ATTEMPTS) await seen.done;
        else if (!(await seen.done.then(() => true, () => false))) continue;
      }
      if (failed) throw failure;
      return result as T;
    }
  }

  /** Resolves once every change made so far is durable (or has failed). */
  async settled(): Promise<void> {
    await (this.open ?? this.inFlight)?.done.catch(() => {});
  }

  private newBatch(): Batch {
    let resolve!: () => void;
    let reject!: (error: unknown) => void;
    const done = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // Failures reach whoever awaits the batch; nobody awaiting one must not crash the process.
    done.catch(() => {});
    if (!this.inFlight) queueMicrotask(() => void this.commitLoop());
    return { ops: [], changes: [], done, resolve, reject };
  }

  /** Commits batches one after another; the ops of a batch arrive while the one before it is committed. */
  private async commitLoop(): Promise<void> {
    if (this.inFlight) return;
    while (this.open) {
      const batch = (this.inFlight = this.open);
      this.open = undefined;
      try {
        await this.engine?.commit(batch.ops);
      } catch (error) {
        // What is open was built on the failed batch: it goes too, and memory returns to what is on disk.
        const later = this.open as Batch | undefined;
        this.open = undefined;
        this.inFlight = undefined;
        const failure = error instanceof ApiError ? error : new ApiError('InternalServerException', `the change was not stored: ${String(error)}`, 500);
        this.log(`storage: commit of ${batch.ops.length} op(s) failed, rolled back: ${failure.message}`);
        this.reloadAfterFailure();
        batch.reject(failure);
        later?.reject(failure);
        continue;
      }
      this.inFlight = undefined;
      batch.resolve();
      for (const change of batch.changes) {
        for (const listener of this.committedListeners) {
          try {
            listener(change);
          } catch (error) {
            this.log(`commit listener failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
          }
        }
      }
    }
  }

  private reloadAfterFailure(): void {
    try {
      this.engine?.reload();
    } catch (error) {
      this.log(`storage: could not read the data back after a failed commit: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  stage(arn: string): StageRec {
    return this.find('stage', arn) as StageRec;
  }

  composition(arn: string): CompositionRec {
    return this.find('composition', arn) as CompositionRec;
  }

  encoder(arn: string): EncoderConfigurationRec {
    return this.find('encoder', arn) as EncoderConfigurationRec;
  }

  storage(arn: string): StorageConfigurationRec {
    return this.find('storage', arn) as StorageConfigurationRec;
  }

  ingest(arn: string): IngestConfigurationRec {
    return this.find('ingest', arn) as IngestConfigurationRec;
  }

  publicKey(arn: string): PublicKeyRec {
    return this.find('key', arn) as PublicKeyRec;
  }

  /** Any taggable resource, or ResourceNotFoundException. */
  find(kind: ArnKind, arn: string): { arn: string; tags: Tags } {
    const rec = this.store.byKind(kind).get(arn);
    if (!rec) throw notFound(`${RESOURCES[kind].noun} ${arn} was not found`);
    return rec;
  }

  /** Runs `fire` after `delayMs` of virtual time; what it mutates is committed like a request's changes. */
  setTimer(key: string, delayMs: number, fire: () => void): void {
    this.clearTimer(key);
    this.timers.set(
      key,
      this.clock.schedule(delayMs, () => {
        this.timers.delete(key);
        fire();
      }),
    );
  }

  clearTimer(key: string): void {
    this.clock.cancel(this.timers.get(key));
    this.timers.delete(key);
  }

  hasTimer(key: string): boolean {
    return this.timers.has(key);
  }

  clearAllTimers(): void {
    for (const timer of this.timers.values()) this.clock.cancel(timer);
    this.timers.clear();
  }

  async close(): Promise<void> {
    this.clearAllTimers();
    this.clock.clear();
    await this.settled();
    await this.engine?.close();
  }
}

/** An op that cannot be stored is a bug in the code that made it: refuse it before anything changes. */
function checkOp(op: Op, store: Store): void {
  switch (op.k) {
    case 'participant':
      if (!store.sessions.has(op.v.sessionId)) throw new Error(`participant ${op.v.id} of unknown session ${op.v.sessionId}`);
      return;
    case 'event':
      if (!store.participants.get(op.s)?.has(op.p)) throw new Error(`event for unknown participant ${op.p} of session ${op.s}`);
      return;
    case 'aux':
      if (typeof op.table !== 'string' || op.table === '' || typeof op.key !== 'string') throw new Error('aux op needs a table name and a string key');
      return;
    default:
      return;
  }
}
