// Making a directory and its missing parents. Node's own mkdirSync({ recursive: true }) never returns on
// a path whose parent exists but refuses children with ENOENT (/proc/x, a sysfs or FUSE mount): it makes
// the parent again (EEXIST), retries the child (ENOENT), and so on, spinning for as long as it is let.
// This makes each missing directory in turn, top down, and stops at the first refusal with its own error.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Why makeDirs failed with ENOENT: it makes a directory only once its parent exists, so ENOENT means the parent
 * takes no new directories (/proc, sysfs).
 */
export const NO_NEW_DIRECTORIES = 'that file system does not let directories be made there';

/**
 * Why making (makeDirs), checking (access) or reading a file or directory failed, in a person's words rather
 * than an errno code; ENOENT is read as makeDirs' (see NO_NEW_DIRECTORIES), so a reader handles a missing file first.
 */
export function whyRefused(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EROFS') return 'it is on a read-only file system';
  if (code === 'EPERM') return 'operation not permitted (an immutable file, or not its owner)';
  if (code === 'ENOSPC') return 'no space left on the device';
  if (code === 'ENOTDIR' || code === 'EEXIST') return 'a file is in the way (not a directory)';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'ENOENT') return NO_NEW_DIRECTORIES;
  return (error as Error).message;
}

/**
 * Makes `path` and its missing parents (`mode` for each one made); throws the first error, errno intact
 * (EEXIST when `path` is a file, as mkdir does).
 */
export function makeDirs(path: string, mode?: number): void {
  const missing: string[] = [];
  for (let dir = resolve(path); !existsSync(dir); dir = dirname(dir)) {
    missing.unshift(dir);
    if (dirname(dir) === dir) break;
  }
  for (const dir of missing) {
    try {
      mkdirSync(dir, { mode });
    } catch (error) {
      // Made meanwhile by someone else: fine, if it is a directory.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(dir).isDirectory()) throw error;
    }
  }
  if (missing.length === 0 && !statSync(path).isDirectory()) throw Object.assign(new Error(`EEXIST: file already exists, mkdir '${path}'`), { code: 'EEXIST' });
}
