// Data dirs written before ivsrt stored its state in lmdb: a snapshot (snapshot.jsonl: a header line
// {"snapshot":1,"generation":G}, then ops) and journals (journal-N.jsonl, one op per line, N >= G) that
// replay on top of it. This reader exists only to import such a dir on its first start with lmdb.
import { existsSync, fsyncSync, mkdirSync, openSync, closeSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { Op, Store } from '../store.js';
import { corrupt } from './errors.js';

const SNAPSHOT = 'snapshot.jsonl';
const JOURNAL = /^journal-(\d+)\.jsonl$/;
/** Where the imported files are moved, kept for whoever wants to go back to an older ivsrt. */
const IMPORTED_DIR = 'journal-before-lmdb';

/** The journal files of `dataDir`, oldest first (empty when it has none). */
export function legacyFiles(dataDir: string): string[] {
  const journals = readdirSync(dataDir)
    .map((name) => ({ name, generation: Number(JOURNAL.exec(name)?.[1] ?? NaN) }))
    .filter((f) => Number.isInteger(f.generation))
    .sort((a, b) => a.generation - b.generation)
    .map((f) => f.name);
  return existsSync(join(dataDir, SNAPSHOT)) ? [SNAPSHOT, ...journals] : journals;
}

/** Replays the snapshot and journals into `store`. A torn last line (a write a crash cut short, never acknowledged) is left out. */
export function replayLegacy(dataDir: string, files: string[], store: Store): number {
  let generation = 0;
  let ops = 0;
  for (const name of files) {
    const path = join(dataDir, name);
    const lines = readFileSync(path, 'utf8').split('\n');
    // Text after the last newline is a torn write.
    lines.pop();
    let first = 0;
    if (name === SNAPSHOT) {
      generation = (parse(lines[0], path, 1) as unknown as { generation: number }).generation;
      first = 1;
    } else if (Number(JOURNAL.exec(name)![1]) < generation) {
      continue; // compacted into the snapshot already
    }
    for (let i = first; i < lines.length; i++) {
      if (!lines[i]) continue;
      store.apply(parse(lines[i], path, i + 1));
      ops++;
    }
  }
  return ops;
}

function parse(line: string | undefined, path: string, lineNumber: number): Op {
  try {
    const op = JSON.parse(line ?? '') as Op;
    if (typeof op === 'object' && op !== null) return op;
  } catch {
    // reported below
  }
  throw corrupt(`${path}:${lineNumber}`, 'this journal line is not a readable record', path.slice(0, path.lastIndexOf('/')));
}

/** Moves the imported files out of the way, so that the next start does not import them again. */
export function setAside(dataDir: string, files: string[]): string {
  const target = join(dataDir, IMPORTED_DIR);
  mkdirSync(target, { recursive: true, mode: 0o700 });
  for (const name of files) renameSync(join(dataDir, name), join(target, name));
  const fd = openSync(dataDir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return target;
}
