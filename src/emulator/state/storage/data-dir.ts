// Opening --data-dir: make sure this user can write it and others cannot read it (access.ts), lock it (one emulator per dir), make sure lmdb can read its data file without
// harm, open the database, import a data dir of the old journal format, and load the state. A damaged
// data dir stops start-up with a DataDirError before anything on disk is changed.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Store } from '../store.js';
import { prepareDataDir } from './access.js';
import type { StorageEngine } from './engine.js';
import { corrupt } from './errors.js';
import { legacyFiles, replayLegacy, setAside } from './legacy-journal.js';
import { LmdbEngine } from './lmdb-engine.js';
import { lockDataDir } from './lock.js';

const DATA_FILE = 'data.mdb';
const PAGE = 4096;

/**
 * Walks every page of the data file in a separate process. lmdb trusts its file: a truncated one makes
 * it read past the end of its memory map (SIGBUS), a garbage-filled one sends it to wild addresses
 * (SIGSEGV), and opened for writing it may even start an empty database over a file it cannot read.
 * A crash of the child is a clean "damaged" report for this process, which opens the file only after.
 */
function checkReadable(dataDir: string, file: string): void {
  // lmdb writes whole pages (4 KiB, or a multiple of it): any other size was cut short.
  const { size } = statSync(file);
  if (size < 2 * PAGE || size % PAGE !== 0) throw corrupt(file, `is ${size} bytes, not a whole number of ${PAGE}-byte pages (truncated?)`, dataDir);
  const script =
    'const { open } = require(process.argv[1]);' +
    'let bytes = 0;' +
    'try {' +
    '  const db = open({ path: process.argv[2], readOnly: true, encoding: "binary" });' +
    // Pages past the end of the file would be read as SIGBUS: name the truncation instead. (The file
    // may be longer than its pages: space claimed ahead of commits, see reserve.ts.)
    '  const { lastPageNumber, pageSize } = db.getStats();' +
    '  const used = (lastPageNumber + 1) * pageSize;' +
    '  if (used > Number(process.argv[3])) throw new Error(`its pages run to byte ${used}, past its end (truncated?)`);' +
    '  for (const { value } of db.getRange()) bytes += value.length;' +
    '  process.stdout.write(JSON.stringify({ bytes }));' +
    '} catch (error) { process.stdout.write(JSON.stringify({ error: String(error && error.message || error) })); }';
  const result = spawnSync(process.execPath, ['-e', script, lmdbEntry(), dataDir, String(size)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.signal) throw corrupt(file, `reading it crashed the storage engine (${result.signal}): the file is truncated or overwritten`, dataDir);
  let report: { bytes?: number; error?: string };
  try {
    report = JSON.parse(result.stdout) as typeof report;
  } catch {
    throw corrupt(file, `the check that reads it failed (exit ${result.status}): ${result.stderr.trim().split('\n')[0] ?? ''}`, dataDir);
  }
  if (report.error !== undefined) throw corrupt(file, `lmdb cannot read it (${report.error})`, dataDir);
}

/** lmdb's entry point as this process resolves it, for the checking child. */
function lmdbEntry(): string {
  // Bundled as CommonJS, __filename exists; as ESM, import.meta.url does.
  const here = typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url);
  return createRequire(here).resolve('lmdb');
}

export async function openDataDir(dataDir: string, store: Store, log: (line: string) => void): Promise<StorageEngine> {
  const started = performance.now();
  prepareDataDir(dataDir, log);
  const lock = lockDataDir(dataDir);
  let engine: LmdbEngine | undefined;
  try {
    const file = join(dataDir, DATA_FILE);
    if (existsSync(file)) checkReadable(dataDir, file);
    engine = await LmdbEngine.open(dataDir, store);
    const legacy = legacyFiles(dataDir);
    if (legacy.length > 0 && engine.isEmpty()) {
      const ops = replayLegacy(dataDir, legacy, store);
      await engine.commit([...store.snapshot()]);
      const kept = setAside(dataDir, legacy);
      log(`storage: imported ${ops} journal record(s) from ${dataDir} into lmdb; the journal files are now in ${kept}`);
    }
    const records = engine.load();
    log(`storage: loaded ${records} record(s) from ${dataDir} in ${Math.round(performance.now() - started)} ms`);
  } catch (error) {
    await engine?.close();
    lock.release();
    throw error;
  }
  lock.announce();
  const opened = engine;
  return {
    commit: (ops) => opened.commit(ops),
    reload: () => opened.reload(),
    close: async () => {
      await opened.close();
      lock.release();
    },
  };
}

/** What `ivsrt local reset --data-dir` deletes: the state, not the signing key (tokens stay verifiable). */
const STATE_FILES = [DATA_FILE, 'lock.mdb'];

/**
 * Deletes the state kept in `dataDir` (damaged or not) while no emulator runs on it, as if it had just
 * been installed. Journal files of the old format go too, or the next start would import them again.
 */
export function resetDataDir(dataDir: string): string[] {
  const lock = lockDataDir(dataDir);
  try {
    const removed = [...STATE_FILES.filter((name) => existsSync(join(dataDir, name))), ...legacyFiles(dataDir)];
    for (const name of removed) rmSync(join(dataDir, name));
    return removed;
  } finally {
    lock.release();
  }
}
