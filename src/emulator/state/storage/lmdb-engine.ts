// The storage engine behind --data-dir: lmdb (ACID, copy-on-write, crash-safe, decades of use as
// OpenLDAP's backend). A commit is one lmdb write transaction with a synchronous (fsync'd) commit; the
// mutation path hands over every op of one turn of the event loop at once, so concurrent requests share
// a transaction and its flush. Memory holds the whole state for reads; the database is loaded once at
// start-up, and again after a failed commit (to roll memory back to what is durable). Before each commit
// the data file is given the room the commit can take (reserve.ts), so a full disk refuses the commit
// up front instead of failing a write inside lmdb, whose error path corrupts the heap.
import { statfsSync } from 'node:fs';
import type { Key, RootDatabase, RootDatabaseOptionsWithPath } from 'lmdb';
import { ApiError } from '../errors.js';
import { isRecordOp, type Op, type Store } from '../store.js';
import type { StorageEngine } from './engine.js';
import { corrupt, DataDirError } from './errors.js';
import { pagesAtMost, SpaceReservation, type PageStats } from './reserve.js';
import {
  arnKey,
  auxKey,
  CLOCK_KEY,
  COUNT_KEY,
  decodeValue,
  encodeValue,
  FORMAT,
  FORMAT_KEY,
  isRecordKey,
  LOAD_ORDER,
  opForKey,
  participantKey,
  printable,
  sessionChildPrefix,
  sessionKey,
  stageChildPrefixes,
} from './records.js';

/** What a key holds after a commit: the value the store has now, or nothing (the key goes). */
type Change = (() => unknown) | undefined;

export class LmdbEngine implements StorageEngine {
  /** Every key in the database, with its place in creation order. */
  private readonly ordinals = new Map<string, number>();
  private nextOrdinal = 0;
  /** How many of those keys are records (not the clock or metadata): what COUNT_KEY stores. */
  private records = 0;
  private readonly space: SpaceReservation;

  private constructor(
    private readonly db: RootDatabase<Buffer, Key>,
    private readonly store: Store,
    private readonly dataDir: string,
    readonly file: string,
  ) {
    this.space = new SpaceReservation(file);
  }

  static async open(dataDir: string, store: Store): Promise<LmdbEngine> {
    // Loaded here, not at the top: only emulators with a data dir pay for the native module.
    const { open } = await import('lmdb');
    const options: RootDatabaseOptionsWithPath & { permissionsMode: number } = {
      path: dataDir,
      encoding: 'binary',
      // The files hold stream keys in clear: this user's only (access.ts tightens files made before).
      // lmdb-js reads this option (env.cpp) but its typings leave it out.
      permissionsMode: 0o600,
      // Commits fsync before they resolve: a reply is sent only for what is on disk.
      overlappingSync: false,
      // Only the mutation path's batches make transactions (lmdb's own per-turn batching leaves a
      // promise nobody awaits, which would crash the process when a commit fails on a full disk).
      eventTurnBatching: false,
    };
    let db: RootDatabase<Buffer, Key>;
    try {
      db = open<Buffer, Key>(options);
    } catch (error) {
      throw new DataDirError(`lmdb cannot open the data dir ${dataDir}: ${error instanceof Error ? error.message : String(error)}`, 'Check that this user can read and write it and its files, or pass another --data-dir.');
    }
    return new LmdbEngine(db, store, dataDir, `${dataDir.replace(/\/+$/, '')}/data.mdb`);
  }

  /** True when the database holds no state yet (a new data dir, or one an import never finished). */
  isEmpty(): boolean {
    return this.db.get(FORMAT_KEY) === undefined;
  }

  /** Fills the store from the database and says how many records it read; a record that fails its checksum stops start-up. */
  load(): number {
    const buckets = new Map<string, [number, Op][]>(LOAD_ORDER.map((kind) => [kind, []]));
    let format: unknown;
    let counted: unknown;
    let records = 0;
    this.ordinals.clear();
    this.nextOrdinal = 0;
    this.records = 0;
    try {
      for (const { key, value } of this.db.getRange()) {
        if (typeof key !== 'string') throw corrupt(this.file, `holds a key that ivsrt never writes (${String(key)})`, this.dataDir);
        const decoded = decodeValue(key, value);
        if (typeof decoded === 'string') throw corrupt(this.file, decoded, this.dataDir);
        const [ordinal, record] = decoded;
        if (key === FORMAT_KEY) format = record;
        else if (key === COUNT_KEY) counted = record;
        else {
          const op = opForKey(key, record);
          if (!op) throw corrupt(this.file, `record "${printable(key)}" is of a kind ivsrt does not know`, this.dataDir);
          buckets.get(op.k)!.push([ordinal, op]);
          if (isRecordKey(key)) records++;
        }
        this.ordinals.set(key, ordinal);
        this.nextOrdinal = Math.max(this.nextOrdinal, ordinal + 1);
      }
      this.records = records;
    } catch (error) {
      if (error instanceof DataDirError) throw error;
      throw corrupt(this.file, `lmdb cannot read it (${error instanceof Error ? error.message : String(error)})`, this.dataDir);
    }
    if (typeof format === 'number' && format > FORMAT) {
      throw new DataDirError(`${this.file} was written by a newer ivsrt (storage format ${format}; this one reads ${FORMAT})`, 'Upgrade ivsrt, or pass another --data-dir.');
    }
    if (records > 0 && format !== FORMAT) throw corrupt(this.file, 'its format record is missing', this.dataDir);
    if (counted !== undefined && counted !== records) {
      throw corrupt(this.file, `holds ${records} records, but its last commit counted ${String(counted)} (pages are missing: truncated?)`, this.dataDir);
    }
    this.store.apply({ k: 'reset' });
    for (const kind of LOAD_ORDER) {
      for (const [, op] of buckets.get(kind)!.sort((a, b) => a[0] - b[0])) {
        if (op.k === 'participant' && !this.store.sessions.has(op.v.sessionId)) {
          throw corrupt(this.file, `participant ${op.v.id} belongs to session ${op.v.sessionId}, which is not stored`, this.dataDir);
        }
        this.store.apply(op);
      }
    }
    return records;
  }

  reload(): void {
    this.load();
  }

  commit(ops: readonly Op[]): Promise<void> {
    const writes: [string, Buffer | undefined][] = [];
    for (const [key, change] of this.changesOf(ops)) {
      const value = change?.();
      if (value === undefined) {
        if (!this.ordinals.delete(key)) continue;
        writes.push([key, undefined]);
        if (isRecordKey(key)) this.records--;
        continue;
      }
      let ordinal = this.ordinals.get(key);
      if (ordinal === undefined) {
        this.ordinals.set(key, (ordinal = this.nextOrdinal++));
        if (isRecordKey(key)) this.records++;
      }
      writes.push([key, encodeValue(key, ordinal, value)]);
    }
    if (writes.length === 0) return Promise.resolve();
    writes.push([COUNT_KEY, encodeValue(COUNT_KEY, 0, this.records)]);
    if (!this.ordinals.has(FORMAT_KEY)) {
      this.ordinals.set(FORMAT_KEY, 0);
      writes.push([FORMAT_KEY, encodeValue(FORMAT_KEY, 0, FORMAT)]);
    }
    const stats = this.db.getStats() as PageStats;
    const pages = pagesAtMost(writes, stats);
    if (!this.space.claim(stats, pages)) {
      return Promise.reject(this.failure({ code: 'ENOSPC', message: `the commit needs up to ${(pages * stats.pageSize) / 1024} KiB more in ${this.file}` }));
    }
    return this.db
      .batch(() => {
        for (const [key, value] of writes) {
          if (value) void this.db.put(key, value);
          else void this.db.remove(key);
        }
      })
      .then(
        () => undefined,
        async (error: unknown) => {
          throw this.failure(await causeOf(error));
        },
      );
  }

  /** Which keys `ops` change, each with how to read its new value from the store (which already holds it). */
  private changesOf(ops: readonly Op[]): Map<string, Change> {
    const changes = new Map<string, Change>();
    const dropPrefix = (prefix: string): void => {
      for (const key of this.ordinals.keys()) if (key.startsWith(prefix)) changes.set(key, undefined);
    };
    const { store } = this;
    let first = 0;
    for (let i = ops.length - 1; i >= 0; i--) {
      if (ops[i]!.k !== 'reset') continue;
      for (const key of this.ordinals.keys()) if (isRecordKey(key)) changes.set(key, undefined);
      first = i + 1;
      break;
    }
    for (const op of ops.slice(first)) {
      if (isRecordOp(op)) {
        const { k: kind, v: { arn } } = op;
        changes.set(arnKey(kind, arn), () => store.byKind(kind).get(arn));
        continue;
      }
      switch (op.k) {
        case 'delete':
          changes.set(arnKey(op.kind, op.arn), undefined);
          if (op.kind === 'stage') for (const prefix of stageChildPrefixes(op.arn)) dropPrefix(prefix);
          break;
        case 'session': {
          const { id, stageArn } = op.v;
          changes.set(sessionKey(stageArn, id), () => store.sessions.get(id));
          break;
        }
        case 'participant': {
          const { id, stageArn, sessionId } = op.v;
          changes.set(participantKey(stageArn, sessionId, id), () => store.participants.get(sessionId)?.get(id));
          break;
        }
        case 'event': {
          const p = store.participants.get(op.s)?.get(op.p);
          // Gone by now means deleted later in this batch, and that op removes its key.
          if (p) changes.set(participantKey(p.stageArn, op.s, op.p), () => store.participants.get(op.s)?.get(op.p));
          break;
        }
        case 'purge-session':
          changes.set(sessionKey(op.stageArn, op.id), undefined);
          dropPrefix(sessionChildPrefix(op.stageArn, op.id));
          break;
        case 'purge-participant':
          changes.set(participantKey(op.stageArn, op.s, op.p), undefined);
          break;
        case 'clock':
          // A number, as before `shiftMs` existed, unless the clock was started at a given instant.
          changes.set(CLOCK_KEY, () => (store.clockShiftMs === 0 ? store.clockOffsetMs : { offsetMs: store.clockOffsetMs, shiftMs: store.clockShiftMs }));
          break;
        case 'aux': {
          const { table, key } = op;
          changes.set(auxKey(table, key), () => store.aux(table).get(key));
          break;
        }
        case 'reset':
          break;
      }
    }
    return changes;
  }

  /** The 500 a failed commit answers with: what happened, in words ("no space left on the data dir ..."). */
  private failure(cause: { message?: string; code?: unknown } | undefined): ApiError {
    const detail = cause?.message ?? 'unknown error';
    let problem: string;
    if (cause?.code === 28 || cause?.code === 'ENOSPC' || this.nearlyFull()) problem = `no space left on the data dir ${this.dataDir}`;
    else if (cause?.code === 5 || cause?.code === 'EIO') problem = `I/O error on the data dir ${this.dataDir}`;
    else problem = `the data dir ${this.dataDir} could not store the change`;
    return new ApiError('InternalServerException', `${problem}: the change was not stored and nothing of it was applied (${detail})`, 500);
  }

  private nearlyFull(): boolean {
    try {
      const fs = statfsSync(this.dataDir);
      return fs.bavail * fs.bsize < 1024 * 1024;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}

/** lmdb rejects a failed batch with a generic error; the system error is on its `commitError` promise. */
async function causeOf(error: unknown): Promise<{ message?: string; code?: unknown } | undefined> {
  const commitError = (error as { commitError?: Promise<unknown> } | undefined)?.commitError;
  if (!commitError) return error as { message?: string };
  const settled = await Promise.race([
    commitError.then(
      () => undefined,
      (cause: unknown) => cause as { message?: string; code?: unknown },
    ),
    new Promise<undefined>((resolve) => setTimeout(resolve, 1_000)),
  ]);
  return settled ?? (error as { message?: string });
}
