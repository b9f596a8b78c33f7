// One emulator per data dir: an exclusive flock(2) on the data dir itself, taken without waiting. The
// lock belongs to an open file description of this process, so the kernel drops it the moment the
// process ends, kill -9 included, and two emulators started at the same instant cannot both get it.
// Node has no flock binding; the util-linux `flock` tool (or perl where it is missing, as on macOS)
// locks the descriptor this process hands it, and the lock stays with this process after the tool exits.
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataDirError } from './errors.js';

/** Who holds the lock, for the message a second emulator prints; the lock itself is the flock. */
const HOLDER_FILE = 'emulator.pid';

const LOCKERS: [string, string[]][] = [
  ['flock', ['--exclusive', '--nonblock', '3']],
  ['perl', ['-MFcntl=:flock', '-e', 'open(my $fd, "<&=", 3) or exit 2; flock($fd, LOCK_EX | LOCK_NB) or exit 1']],
];

export interface DataDirLock {
  /** Records this process as the holder (once the data dir has been found sound). */
  announce(): void;
  release(): void;
}

export function lockDataDir(dir: string): DataDirLock {
  const fd = openSync(dir, 'r');
  let status: number | null = null;
  for (const [command, args] of LOCKERS) {
    const result = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'ignore', fd] });
    if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') continue;
    status = result.status;
    break;
  }
  if (status !== 0) {
    closeSync(fd);
    if (status === 1) {
      const holder = readHolder(dir);
      throw new DataDirError(`data dir ${dir} is in use by another emulator${holder ? ` (pid ${holder})` : ''}`, 'Stop that emulator first (`ivsrt local stop`), or pass another --data-dir.');
    }
    throw new DataDirError(`could not lock data dir ${dir}: ${status === null ? 'neither flock(1) nor perl is installed' : `the lock tool failed (exit ${status})`}`, 'Install util-linux (flock).');
  }
  const holderPath = join(dir, HOLDER_FILE);
  return {
    announce: () => writeFileSync(holderPath, String(process.pid), { mode: 0o600 }),
    release: () => {
      if (readHolder(dir) === process.pid) rmSync(holderPath, { force: true });
      closeSync(fd);
    },
  };
}

function readHolder(dir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dir, HOLDER_FILE), 'utf8'));
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
