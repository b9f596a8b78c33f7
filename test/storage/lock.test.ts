// One emulator per data dir: two started at the same instant on one data dir, thirty times. Exactly one
// listens; the other exits 253 saying the dir is in use. The lock is the kernel's (flock on the data
// dir), so a holder killed with -9 leaves nothing behind that blocks the next start.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { scratchDir } from '../helpers/scratch.js';
import { stopChild } from '../helpers/children.js';
import { attemptStart } from './helpers.js';

const TRIES = 30;

test(`two emulators started at the same instant on one data dir, ${TRIES} times: never both running`, async () => {
  const base = scratchDir('lock');
  const dir = join(base, 'data');
  let lastWinner = -1;
  for (let i = 0; i < TRIES; i++) {
    const homes = [join(base, `home-${i}-a`), join(base, `home-${i}-b`)];
    for (const home of homes) mkdirSync(home);
    const pair = homes.map((home) => attemptStart(dir, home));
    const outcomes = await Promise.all(pair.map((a) => a.outcome));
    const running = outcomes.filter((o) => o.url !== undefined);
    expect(running, outcomes.map((o) => o.output).join('\n---\n')).toHaveLength(1);
    const refused = outcomes.find((o) => o.url === undefined)!;
    expect(refused.code).toBe(253);
    expect(refused.output).toMatch(/^error: data dir .* is in use by another emulator/m);
    lastWinner = outcomes.findIndex((o) => o.url !== undefined);
    // every other round the winner dies by SIGKILL: the lock must not outlive it
    await Promise.all(pair.map((a) => stopChild(a.child, i % 2 === 0 ? 'SIGKILL' : 'SIGTERM')));
  }
  expect(lastWinner).toBeGreaterThanOrEqual(0);
}, 180_000);
