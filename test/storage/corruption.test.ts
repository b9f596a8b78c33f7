// A damaged data dir is never served: truncated, garbage-filled and bit-flipped data files each stop
// `ivsrt local start` with one line naming the file and the problem, a hint (move it away, or
// `ivsrt local reset --data-dir D`), exit 253, and not one byte changed on disk. Then the hinted reset
// lets the emulator start again.
import { copyFileSync, cpSync, mkdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { open } from 'lmdb';
import { beforeAll, describe, expect, test } from 'vitest';
import { startEmulator } from '../../src/emulator/assemble.js';
import { runCli } from '../helpers/cli.js';
import { scratchDir } from '../helpers/scratch.js';
import { stopChild } from '../helpers/children.js';
import { attemptStart, call, fingerprint } from './helpers.js';

const base = scratchDir('corrupt');
const pristine = join(base, 'pristine');
const NAMES = Array.from({ length: 40 }, (_, i) => `corruption-check-stage-${String(i).padStart(3, '0')}`);

beforeAll(async () => {
  const emu = await startEmulator({ dataDir: pristine });
  for (const name of NAMES) expect((await call(emu.url, 'CreateStage', { name, tags: { purpose: 'corruption' } })).status).toBe(200);
  await emu.close();
});

/** A copy of the pristine data dir with its data file damaged by `damage`. */
function damaged(label: string, damage: (file: string) => void): string {
  const dir = join(base, label);
  cpSync(pristine, dir, { recursive: true });
  damage(join(dir, 'data.mdb'));
  return dir;
}

/** Flips a bit in three stage names, in every copy lmdb holds (copy-on-write leaves old copies in free pages). */
function flipBitsInRecords(file: string): void {
  const bytes = readFileSync(file);
  for (const name of NAMES.slice(0, 3)) {
    const needle = Buffer.from(name);
    let copies = 0;
    for (let at = bytes.indexOf(needle); at >= 0; at = bytes.indexOf(needle, at + 1)) {
      bytes[at + needle.length - 1]! ^= 0x01;
      copies++;
    }
    expect(copies, `${name} is stored in plain sight`).toBeGreaterThan(0);
  }
  writeFileSync(file, bytes);
}

/** How much of the data file lmdb's pages take (the file may be longer: space is claimed ahead of commits). */
function usedBytes(file: string): number {
  const db = open({ path: dirname(file), readOnly: true });
  try {
    const { lastPageNumber, pageSize } = db.getStats() as { lastPageNumber: number; pageSize: number };
    return (lastPageNumber + 1) * pageSize;
  } finally {
    void db.close();
  }
}

/** Deterministic noise (a linear congruential generator), so a failure can be replayed. */
function garbage(size: number): Buffer {
  const out = Buffer.alloc(size);
  let x = 0x2545f491;
  for (let i = 0; i < size; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

const CASES: [string, (file: string) => void, RegExp][] = [
  ['truncated mid-page', (file) => truncateSync(file, Math.floor(statSync(file).size / 2) + 100), /not a whole number of 4096-byte pages/],
  ['truncated at a page boundary', (file) => truncateSync(file, Math.floor(usedBytes(file) / 8192) * 4096), /truncated|crashed the storage engine|cannot read it|pages are missing/],
  ['emptied', (file) => truncateSync(file, 0), /is 0 bytes/],
  ['garbage-filled', (file) => writeFileSync(file, garbage(statSync(file).size)), /crashed the storage engine|cannot read it/],
  ['bit-flipped in three records', flipBitsInRecords, /record "[^"]+" fails its checksum/],
];

describe('a damaged data dir stops start-up', () => {
  test.each(CASES)('%s: one line naming the file and the problem, a hint, exit 253, nothing changed on disk', async (label, damage, problem) => {
    const dir = damaged(label.replace(/\W+/g, '-'), damage);
    // lmdb's lock file is its reader table, rewritten by every open; the data is everything else
    const before = fingerprint(dir, (name) => name === 'lock.mdb');
    const home = join(base, `home-${label.replace(/\W+/g, '-')}`);
    mkdirSync(home);
    const attempt = attemptStart(dir, home);
    const outcome = await attempt.outcome;
    await stopChild(attempt.child);
    expect(outcome.url, outcome.output).toBeUndefined();
    expect(outcome.code).toBe(253);
    const lines = outcome.output.trim().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^error: the data dir is damaged: ${dir}/data\\.mdb: `));
    expect(lines[0]).toMatch(problem);
    expect(lines.slice(1).join('\n')).toContain(`ivsrt local reset --data-dir ${dir}`);
    expect(outcome.output).not.toMatch(/\n\s+at /); // no stack trace
    expect(fingerprint(dir, (name) => name === 'lock.mdb')).toEqual(before);

    // the hint works: reset, then the emulator starts on the same dir, empty
    const reset = await runCli(['local', 'reset', '--data-dir', dir, '--yes'], { env: { IVSRT_HOME: home } });
    expect(reset.code, reset.stderr).toBe(0);
    const again = attemptStart(dir, home);
    const started = await again.outcome;
    try {
      expect(started.url, started.output).toBeDefined();
      expect((await call(started.url!, 'ListStages', {})).body.stages).toEqual([]);
    } finally {
      await stopChild(again.child);
    }
  });

  test('the signing key survives the reset (tokens issued before stay verifiable)', () => {
    const dir = join(base, 'keep-key');
    cpSync(pristine, dir, { recursive: true });
    copyFileSync(join(pristine, 'signing-key.pem'), join(base, 'key-before.pem'));
    return runCli(['local', 'reset', '--data-dir', dir, '--yes'], { env: { IVSRT_HOME: base } }).then((reset) => {
      expect(reset.code, reset.stderr).toBe(0);
      expect(readFileSync(join(dir, 'signing-key.pem'))).toEqual(readFileSync(join(base, 'key-before.pem')));
      expect(fingerprint(dir)).not.toHaveProperty('data.mdb');
    });
  });
});
