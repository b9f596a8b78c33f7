// Notices a person needs to read once, not on every command: whether one was shown is remembered in
// IVSRT_HOME (a marker file per notice), so the next command stays quiet.
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { makeDirs } from '../dirs.js';
import { ivsrtHome } from '../local/paths.js';

/** Calls `show` unless the notice `name` was shown before under this IVSRT_HOME, and remembers that it was. */
export function once(env: NodeJS.ProcessEnv, name: string, show: () => void): void {
  const dir = join(ivsrtHome(env), 'notices');
  try {
    makeDirs(dir, 0o700);
    // 'wx' fails if the marker exists: only the first command to get here shows the notice.
    closeSync(openSync(join(dir, name), 'wx', 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return;
    // A home that cannot be written (read-only, full): better said every time than never.
  }
  show();
}
