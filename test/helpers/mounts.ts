// Small file systems for the fault tests: a tmpfs of a given size (a disk that fills up) that can be
// made read-only. Mounting needs root (CI runs as root); where it is refused, the test that asked skips
// and says why.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { scratchDir } from './scratch.js';

export interface Tmpfs {
  dir: string;
  readOnly(): void;
  unmount(): void;
}

const mounted = new Set<string>();
afterAll(() => {
  for (const dir of mounted) unmountQuietly(dir);
});

/** A fresh tmpfs of `size` (mount's syntax: "3m"), or the reason none can be made here. */
export function mountTmpfs(size: string, purpose = 'tmpfs'): Tmpfs | string {
  const dir = join(scratchDir(purpose), 'mnt');
  mkdirSync(dir);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0755`, 'tmpfs', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    return String((error as { stderr?: Buffer }).stderr ?? error).trim() || 'mount refused';
  }
  mounted.add(dir);
  return {
    dir,
    readOnly: () => execFileSync('mount', ['-o', 'remount,ro', dir]),
    unmount: () => {
      if (mounted.delete(dir)) unmountQuietly(dir);
    },
  };
}

function unmountQuietly(dir: string): void {
  try {
    execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
  } catch {
    // already gone
  }
}
