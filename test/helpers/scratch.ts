import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const made: string[] = [];
// Imported while a test file is collected, so this runs once that file's tests are done.
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary directory, removed when the test file is done. */
export function scratchDir(purpose: string): string {
  const dir = mkdtempSync(join(tmpdir(), `ivsrt-${purpose}-`));
  made.push(dir);
  return dir;
}
