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
