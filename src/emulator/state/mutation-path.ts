// The one mutation path: the store, the one way to change it (`mutate`), with the derivers that add to a
// change and the listeners that hear of it once it is durable, and the storage engine each batch of changes
// is committed to in one transaction. The Emulator (domain/emulator.ts) is one, with the service's rules on top.
import { ApiError } from './errors.js';
import type { StorageEngine } from './storage/engine.js';
import type { Op, Store } from './store.js';

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

export class MutationPath {
  private readonly derivers: Deriver[] = [];
  private readonly committedListeners: CommitListener[] = [];
  /** Collecting the ops of the current turn. */
  private open: Batch | undefined;
  /** Being committed; `open` waits for it (one commit at a time, so commits stay in order). */
  private inFlight: Batch | undefined;
  private mutations = 0;

  constructor(
    readonly store: Store,
    /** Where committed ops go; memory only when absent. */
    private readonly engine: StorageEngine | undefined,
    readonly log: (line: string) => void,
  ) {}

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

  /** Waits for every change made so far, then closes the storage engine. */
  protected async closeStorage(): Promise<void> {
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
