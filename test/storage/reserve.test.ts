// The room claimed ahead of a commit (src/emulator/state/storage/reserve.ts) must cover whatever the commit
// takes from the end of the data file: if lmdb ever wrote past it, a full disk could fail a write inside
// lmdb again. Checked against real lmdb commits of many shapes: small and overflow-sized values, puts
// into a growing tree, deletes that merge pages, and batches of every size.
import { open, type Key, type RootDatabase } from 'lmdb';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { pagesAtMost, SpaceReservation, type PageStats } from '../../src/emulator/state/storage/reserve.js';
import { scratchDir } from '../helpers/scratch.js';

let db: RootDatabase<Buffer, Key> | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
});

function seeded(seed: number): () => number {
  return () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
}

test('no commit takes more pages from the end of the file than pagesAtMost allows', async () => {
  db = open<Buffer, Key>({ path: scratchDir('reserve'), encoding: 'binary', overlappingSync: false, eventTurnBatching: false });
  const random = seeded(7);
  const live: string[] = [];
  let worst = 0;
  for (let commit = 0; commit < 600; commit++) {
    const writes: [string, Buffer | undefined][] = [];
    const size = [1, 2, 5, 40][commit % 4]!;
    for (let i = 0; i < size; i++) {
      if (live.length > 20 && random() < 0.35) {
        writes.push([live.splice(Math.floor(random() * live.length), 1)[0]!, undefined]);
        continue;
      }
      const key = `stage\u001farn:aws:ivs:us-east-1:123456789012:stage/${commit}-${i}-${'x'.repeat(Math.floor(random() * 60))}`;
      const bytes = random() < 0.3 ? 4_000 + Math.floor(random() * 30_000) : 50 + Math.floor(random() * 1_500);
      writes.push([key, Buffer.alloc(bytes, commit % 251)]);
      live.push(key);
    }
    const before = db.getStats() as PageStats;
    const allowed = pagesAtMost(writes, before);
    await db.batch(() => {
      for (const [key, value] of writes) void (value ? db!.put(key, value) : db!.remove(key));
    });
    const taken = (db.getStats() as PageStats).lastPageNumber - before.lastPageNumber;
    expect(taken, `commit ${commit} of ${writes.length} write(s)`).toBeLessThanOrEqual(allowed);
    worst = Math.max(worst, taken / allowed);
  }
  // The bound is not so loose that a nearly full disk refuses writes long before it must.
  expect(worst).toBeGreaterThan(0.2);
});

test('a claim writes zeros past the used pages once, whole pages, allocated', () => {
  const file = join(scratchDir('reserve-file'), 'data.mdb');
  db = open<Buffer, Key>({ path: file.replace(/\/data\.mdb$/, ''), encoding: 'binary', overlappingSync: false, eventTurnBatching: false });
  const stats = db.getStats() as PageStats;
  const space = new SpaceReservation(file);
  expect(space.claim(stats, 10)).toBe(true);
  const claimed = statSync(file);
  expect(claimed.size).toBeGreaterThanOrEqual((stats.lastPageNumber + 11) * stats.pageSize);
  expect(claimed.size % stats.pageSize).toBe(0);
  // allocated, not a hole
  expect(claimed.blocks * 512).toBeGreaterThanOrEqual(claimed.size);
  expect(space.claim(stats, 10)).toBe(true);
  expect(statSync(file).mtimeMs).toBe(claimed.mtimeMs);
});
