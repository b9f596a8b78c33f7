// The dead-letter file: NDJSON, one whole line per letter, appended in the order letters are given up.
// A failed append (a full disk) leaves no part of its line behind, and a line torn by a crash is cut
// off before the next append, so every line a reader finds is a whole letter. A letter that cannot be
// written is kept back, with every later one behind it (order is kept), and written again on a timer
// until the disk takes it: its event stays in the outbox meanwhile, so nothing is lost, and no restart
// is needed once space is freed.
import { closeSync, constants, fstatSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';

/** First retry of a kept-back letter after a second, doubling up to a minute (wall clock: the disk frees up in real time). */
const RETRY_FIRST_MS = 1_000;
const RETRY_CAP_MS = 60_000;

/** Appends `line` (ending in a newline) whole, or not at all; true once it is written. */
function appendWhole(file: string, line: string): boolean {
  const fd = openSync(file, constants.O_RDWR | constants.O_CREAT, 0o600);
  try {
    const size = dropTornTail(fd);
    const bytes = Buffer.from(line);
    try {
      for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at, size + at);
    } catch (error) {
      ftruncateSync(fd, size);
      throw error;
    }
    return true;
  } finally {
    closeSync(fd);
  }
}

/** Cuts a last line without its newline (a crash mid-append) off the file; returns the size after. */
function dropTornTail(fd: number): number {
  const size = fstatSync(fd).size;
  if (size === 0) return 0;
  const last = Buffer.alloc(1);
  readSync(fd, last, 0, 1, size - 1);
  if (last[0] === 0x0a) return size;
  // Find the last newline, reading backwards a block at a time.
  const block = Buffer.alloc(64 * 1024);
  for (let end = size; end > 0; ) {
    const start = Math.max(0, end - block.length);
    readSync(fd, block, 0, end - start, start);
    const at = block.subarray(0, end - start).lastIndexOf(0x0a);
    if (at >= 0) {
      ftruncateSync(fd, start + at + 1);
      return start + at + 1;
    }
    end = start;
  }
  ftruncateSync(fd, 0);
  return 0;
}

export class DeadLetterFile {
  /** Letters not written yet, oldest first, each with what to do once it is. */
  private readonly keptBack: { line: string; written: () => void }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private delayMs = RETRY_FIRST_MS;

  constructor(
    readonly path: string,
    private readonly log: (line: string) => void,
  ) {}

  /** Writes `letter` as one line, after any kept back; `written` runs once it is in the file. */
  add(letter: unknown, written: () => void): void {
    this.keptBack.push({ line: `${JSON.stringify(letter)}\n`, written });
    if (this.keptBack.length === 1) this.flush();
  }

  /** Letters waiting for the disk. */
  get waiting(): number {
    return this.keptBack.length;
  }

  /** Forgets the letters kept back (on a reset or at close; their events stay in the outbox for the next run). */
  forget(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.keptBack.length = 0;
  }

  private flush(): void {
    this.timer = undefined;
    while (this.keptBack.length > 0) {
      const next = this.keptBack[0]!;
      try {
        appendWhole(this.path, next.line);
      } catch (error) {
        this.log(
          `events: cannot write the dead-letter file ${this.path} (${(error as Error).message}); ${this.keptBack.length} letter(s) kept back, their events stay in the outbox; trying again in ${this.delayMs / 1000} s`,
        );
        this.timer = setTimeout(() => this.flush(), this.delayMs);
        this.timer.unref();
        this.delayMs = Math.min(RETRY_CAP_MS, this.delayMs * 2);
        return;
      }
      this.keptBack.shift();
      this.delayMs = RETRY_FIRST_MS;
      next.written();
    }
  }
}
