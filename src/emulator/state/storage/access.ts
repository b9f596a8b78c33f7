// Before anything opens the data dir: it must exist (or be made), be this user's to write, and be
// private. lmdb meets an unusable dir badly: it segfaults on a lock file it cannot write, and reports
// the rest in its own words ("Permission denied: Attempting to setup locks"). So each case is found
// here first and refused with one line that names the file and the problem (exit 253). The data dir
// holds stream keys and the token signing key in clear, so it is made 0700 and its files 0600.
import { accessSync, chmodSync, constants, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { makeDirs, whyRefused } from '../../../dirs.js';
import { DataDirError } from './errors.js';

/** The files lmdb opens for writing: a data dir whose copies of these cannot be written is refused. */
const LMDB_FILES = ['data.mdb', 'lock.mdb'];

const hintFor = (dataDir: string): string => `Give this user (uid ${process.getuid?.() ?? '?'}) write access to ${dataDir}, or pass another --data-dir.`;

/** Creates, checks and tightens `dataDir`; `log` says what was made private. Throws DataDirError. */
export function prepareDataDir(dataDir: string, log: (line: string) => void): void {
  try {
    makeDirs(dataDir, 0o700);
  } catch (error) {
    throw new DataDirError(`cannot create the data dir ${dataDir}: ${whyRefused(error)}`, hintFor(dataDir));
  }
  try {
    accessSync(dataDir, constants.R_OK | constants.W_OK | constants.X_OK);
  } catch (error) {
    throw new DataDirError(`the data dir ${dataDir} is not writable: ${whyRefused(error)}`, hintFor(dataDir));
  }
  for (const name of LMDB_FILES) {
    const file = join(dataDir, name);
    try {
      accessSync(file, constants.R_OK | constants.W_OK);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new DataDirError(`${file} is not writable: ${whyRefused(error)}`, hintFor(dataDir));
    }
  }
  makePrivate(dataDir, 0o700, log);
  for (const entry of readdirSync(dataDir, { withFileTypes: true })) {
    if (entry.isFile()) makePrivate(join(dataDir, entry.name), 0o600, log);
  }
}

/** Takes group and other access away from `path` (mode `private`), or refuses the data dir if it cannot. */
function makePrivate(path: string, mode: number, log: (line: string) => void): void {
  const was = statSync(path).mode & 0o777;
  if ((was & 0o077) === 0) return;
  try {
    chmodSync(path, mode);
  } catch (error) {
    throw new DataDirError(`${path} is open to other users (mode ${was.toString(8)}) and cannot be made ${mode.toString(8)}: ${whyRefused(error)}`, 'It holds stream keys and the token signing key: make it private to this user, or pass another --data-dir.');
  }
  log(`storage: ${path} was mode ${was.toString(8).padStart(4, '0')}; made ${mode.toString(8).padStart(4, '0')} (it holds stream keys and the token signing key)`);
}
