// Durability for `dataDir`: an append-only journal of ops (one JSON line each) that is fsynced before
// the mutation that produced it is acknowledged, plus periodic compaction into a snapshot.
// Concurrent requests share one write+fsync (group commit), so durability costs one disk flush per
// batch rather than per request.
//
// Files: snapshot.jsonl (header line {"snapshot":1,"generation":G}, then ops) rebuilds the state as it
// was when journal-G.jsonl was started; journal-G.jsonl, journal-G+1.jsonl, ... replay on top of it.
import { closeSync, existsSync, fdatasync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, truncateSync, unlinkSync, write, writeFileSync } from 'node:fs';
import { open, unlink } from 'node:fs/promises';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { serializeOp, type Op } from './store.js';
import type { StorageEngine } from './storage/engine.js';

const SNAPSHOT = 'snapshot.jsonl';
const LOCK = 'emulator.pid';
const JOURNAL = /^journal-(\d+)\.jsonl$/;
const journalName = (generation: number): string => `journal-${generation}.jsonl`;
const writeAsync = promisify(write) as (fd: number, text: string) => Promise<unknown>;
const datasyncAsync = promisify(fdatasync);

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

export interface JournalOptions {
  /** Compact once this many lines were appended since the last snapshot. */
  compactAfterLines?: number;
  log?: (line: string) => void;
}

export class Journal implements StorageEngine {
  private buffer: string[] = [];
  private waiters: Waiter[] = [];
  private flushing = false;
  private compacting: Promise<void> | undefined;
  private linesSinceSnapshot = 0;
  private failed: unknown;

  private constructor(
    private readonly dir: string,
    private generation: number,
    private fd: number,
    private readonly snapshotLines: () => Iterable<string>,
    private readonly compactAfterLines: number,
    private readonly log: (line: string) => void,
  ) {}

  /** Replays what is on disk through `apply`, then opens the current journal for appending. */
  static async open(
    dir: string,
    apply: (op: Op) => void,
    snapshotLines: () => Iterable<string>,
    options: JournalOptions = {},
  ): Promise<Journal> {
    const log = options.log ?? (() => {});
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    lockDirectory(dir);
    let generation = 0;
    const snapshotPath = join(dir, SNAPSHOT);
    if (existsSync(snapshotPath)) {
      const lines = readFileSync(snapshotPath, 'utf8').split('\n');
      const header = JSON.parse(lines[0]!) as { snapshot: number; generation: number };
      generation = header.generation;
      for (let i = 1; i < lines.length; i++) if (lines[i]) apply(JSON.parse(lines[i]!) as Op);
    }
    const journals = readdirSync(dir)
      .map((name) => Number(JOURNAL.exec(name)?.[1] ?? NaN))
      .filter((g) => Number.isInteger(g))
      .sort((a, b) => a - b);
    let replayed = 0;
    for (const g of journals) {
      const path = join(dir, journalName(g));
      if (g < generation) {
        unlinkSync(path);
        continue;
      }
      replayed += replayJournal(path, apply, log);
      generation = g;
    }
    log(`journal: replayed ${replayed} op(s) from ${dir}`);
    const fd = openSync(join(dir, journalName(generation)), 'a', 0o600);
    return new Journal(dir, generation, fd, snapshotLines, options.compactAfterLines ?? 50_000, log);
  }

  commit(ops: readonly Op[]): Promise<void> {
    for (const op of ops) this.append(serializeOp(op));
    return this.sync();
  }

  /** A journal that failed refuses every later write, so memory never runs ahead of it unnoticed. */
  reload(): void {}

  append(line: string): void {
    this.buffer.push(line + '\n');
    this.linesSinceSnapshot++;
  }

  /** Resolves once everything appended so far is on disk. */
  sync(): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    if (this.buffer.length === 0 && !this.flushing) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.buffer.length > 0 || this.waiters.length > 0) {
        const lines = this.buffer;
        const waiters = this.waiters;
        this.buffer = [];
        this.waiters = [];
        try {
          if (lines.length > 0) {
            await writeAsync(this.fd, lines.join(''));
            await datasyncAsync(this.fd);
          }
        } catch (error) {
          this.failed = error;
          this.log(`journal: write failed, refusing further mutations: ${String(error)}`);
          for (const w of waiters) w.reject(error);
          for (const w of this.waiters) w.reject(error);
          this.waiters = [];
          return;
        }
        for (const w of waiters) w.resolve();
      }
    } finally {
      this.flushing = false;
    }
    if (this.linesSinceSnapshot >= this.compactAfterLines) void this.compact();
  }

  /**
   * Writes the whole state as a snapshot and starts a new journal generation. Runs only when nothing is
   * waiting to be written, so the state the snapshot captures is exactly the journals' state.
   */
  compact(): Promise<void> {
    if (this.compacting) return this.compacting;
    if (this.failed || this.flushing || this.buffer.length > 0) return Promise.resolve();
    const text = [JSON.stringify({ snapshot: 1, generation: this.generation + 1 }), ...this.snapshotLines()].join('\n') + '\n';
    const previous = this.generation;
    // Switch files synchronously: every line appended from here on belongs to the new generation.
    closeSync(this.fd);
    this.generation++;
    this.fd = openSync(join(this.dir, journalName(this.generation)), 'a', 0o600);
    this.linesSinceSnapshot = 0;
    this.compacting = (async () => {
      const tmp = join(this.dir, `${SNAPSHOT}.tmp`);
      const handle = await open(tmp, 'w', 0o600);
      try {
        await handle.write(text);
        await handle.sync();
      } finally {
        await handle.close();
      }
      renameSync(tmp, join(this.dir, SNAPSHOT));
      syncDirectory(this.dir);
      await unlink(join(this.dir, journalName(previous))).catch(() => {});
      this.log(`journal: compacted into a snapshot (generation ${this.generation})`);
    })()
      .catch((error: unknown) => this.log(`journal: compaction failed: ${String(error)}`))
      .finally(() => {
        this.compacting = undefined;
      });
    return this.compacting;
  }

  async close(): Promise<void> {
    await this.sync().catch(() => {});
    await this.compacting;
    closeSync(this.fd);
    rmSync(join(this.dir, LOCK), { force: true });
  }
}

/** Two emulators appending to one journal would corrupt it; the second one refuses to start. */
function lockDirectory(dir: string): void {
  const path = join(dir, LOCK);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx', mode: 0o600 });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(path, 'utf8'));
      if (holder !== process.pid && isAlive(holder)) throw new Error(`data dir ${dir} is in use by another emulator (pid ${holder})`);
      rmSync(path, { force: true }); // left behind by a crash (or by this process): take it over
    }
  }
  throw new Error(`could not lock data dir ${dir}`);
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Applies every complete line; a torn last line (the write a crash interrupted, never acknowledged) is cut off. */
function replayJournal(path: string, apply: (op: Op) => void, log: (line: string) => void): number {
  const text = readFileSync(path, 'utf8');
  let start = 0;
  let count = 0;
  while (start < text.length) {
    const end = text.indexOf('\n', start);
    if (end < 0) {
      log(`journal: dropping an incomplete last line in ${path}`);
      truncateSync(path, Buffer.byteLength(text.slice(0, start)));
      break;
    }
    const line = text.slice(start, end);
    start = end + 1;
    if (!line) continue;
    let op: Op;
    try {
      op = JSON.parse(line) as Op;
    } catch {
      log(`journal: skipping an unreadable line in ${path}`);
      continue;
    }
    apply(op);
    count++;
  }
  return count;
}

function syncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some filesystems refuse fsync on directories; the rename is still atomic.
  }
}
