// A data dir this user cannot use stops `ivsrt local start` with one line naming the file and the
// problem, a hint, and exit 253: a read-only data dir (a tmpfs remounted read-only, as root cannot be
// stopped by permission bits), and, run as `nobody`, an unwritable lock.mdb (lmdb segfaulted on it:
// exit 139), data.mdb or data dir. A damaged signing key is named too. And a data dir is private: one
// that exists with mode 0755 is made 0700, and every file in it 0600.
import { chmodSync, cpSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { mountTmpfs } from '../helpers/mounts.js';
import { scratchDir } from '../helpers/scratch.js';
import { stopChild } from '../helpers/children.js';
import { AS_NOBODY, cannotRunAsNobody } from '../helpers/nobody.js';
import { attemptStart, call } from './helpers.js';

const base = scratchDir('permissions');
// `nobody` must be able to reach the dirs below.
chmodSync(base, 0o755);
const pristine = join(base, 'pristine');

let homes = 0;
function home(): string {
  const dir = join(base, `home-${homes++}`);
  mkdirSync(dir, { mode: 0o777 });
  chmodSync(dir, 0o777);
  return dir;
}

/** Starts the emulator on `dataDir`, expecting a refusal: its output and exit code. */
async function refusal(dataDir: string, runAs: string[] = []): Promise<{ code: number | null | undefined; lines: string[] }> {
  const attempt = attemptStart(dataDir, home(), runAs);
  const outcome = await attempt.outcome;
  await stopChild(attempt.child);
  expect(outcome.url, outcome.output).toBeUndefined();
  expect(outcome.output).not.toMatch(/\n\s+at /); // no stack trace
  return { code: outcome.code, lines: outcome.output.trim().split('\n') };
}

beforeAll(async () => {
  const attempt = attemptStart(pristine, home());
  const { url } = await attempt.outcome;
  expect((await call(url!, 'CreateStage', { name: 'kept' })).status).toBe(200);
  await stopChild(attempt.child);
});

/** A copy of the pristine data dir. */
function copy(label: string): string {
  const dir = join(base, label);
  cpSync(pristine, dir, { recursive: true });
  return dir;
}

const probe = mountTmpfs('4m', 'permissions-probe');
const canMount = typeof probe !== 'string';
if (typeof probe === 'string') console.warn(`read-only data dir tests skipped: cannot mount a tmpfs here (${probe})`);

describe.skipIf(!canMount)('a data dir on a read-only file system', () => {
  test('an existing data dir: one line, a hint, exit 253', async () => {
    if (typeof probe === 'string') return;
    cpSync(pristine, join(probe.dir, 'data'), { recursive: true });
    probe.readOnly();
    const { code, lines } = await refusal(join(probe.dir, 'data'));
    expect(code).toBe(253);
    expect(lines[0]).toBe(`error: the data dir ${join(probe.dir, 'data')} is not writable: it is on a read-only file system`);
    expect(lines.slice(1).join('\n')).toContain('--data-dir');
    expect(lines.length).toBeLessThanOrEqual(2);
  });

  test('a data dir to be made there: one line, exit 253', async () => {
    if (typeof probe === 'string') return;
    const { code, lines } = await refusal(join(probe.dir, 'new', 'data'));
    expect(code).toBe(253);
    expect(lines[0]).toBe(`error: cannot create the data dir ${join(probe.dir, 'new', 'data')}: it is on a read-only file system`);
  });
});

// Node's recursive mkdir spun on these (about 8 s of silence on an idle machine before it gave up, for ever under load).
test.each([
  ['under /proc, where no directory can be made', () => '/proc/ivsrt-data/x', 'that file system does not let directories be made there'],
  ['a file in the way', () => { writeFileSync(join(base, 'a-file'), ''); return join(base, 'a-file', 'data'); }, 'a file is in the way (not a directory)'],
])('a data dir %s: refused with one line naming it, a hint naming --data-dir, exit 253', async (_label, path, problem) => {
  const dir = path();
  const { code, lines } = await refusal(dir);
  expect(code).toBe(253);
  expect(lines[0]).toBe(`error: cannot create the data dir ${dir}: ${problem}`);
  expect(lines[1]).toContain('--data-dir');
  expect(lines.length).toBe(2);
});

if (cannotRunAsNobody) console.warn(`unwritable-file tests skipped: cannot run a process as nobody here (${cannotRunAsNobody})`);

describe.skipIf(cannotRunAsNobody !== '')('run as another user (nobody), files it cannot write', () => {
  /** A copy of the pristine dir that nobody may write, except what `lock` leaves root's. */
  function sharedCopy(label: string, lock: (dir: string) => void): string {
    const dir = copy(label);
    chmodSync(dir, 0o777);
    for (const name of readdirSync(dir)) chmodSync(join(dir, name), 0o666);
    lock(dir);
    return dir;
  }

  test.each([
    ['lock.mdb', (dir: string) => chmodSync(join(dir, 'lock.mdb'), 0o644), (dir: string) => `error: ${dir}/lock.mdb is not writable: permission denied`],
    ['data.mdb', (dir: string) => chmodSync(join(dir, 'data.mdb'), 0o644), (dir: string) => `error: ${dir}/data.mdb is not writable: permission denied`],
    ['the data dir', (dir: string) => chmodSync(dir, 0o755), (dir: string) => `error: the data dir ${dir} is not writable: permission denied`],
  ])('an unwritable %s: one line naming it, a hint, exit 253 (not a crash)', async (label, lock, expected) => {
    const dir = sharedCopy(`unwritable-${label.replace(/\W+/g, '-')}`, lock);
    const { code, lines } = await refusal(dir, AS_NOBODY);
    expect(code).toBe(253);
    expect(lines[0]).toBe(expected(dir));
    expect(lines[1]).toMatch(/^Give this user \(uid \d+\) write access to .*, or pass another --data-dir\.$/);
  });
});

test('a damaged signing key: one line naming the file, exit 253', async () => {
  const dir = copy('damaged-key');
  writeFileSync(join(dir, 'signing-key.pem'), '-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n', { mode: 0o600 });
  const { code, lines } = await refusal(dir);
  expect(code).toBe(253);
  // after the storage's own log line (the key is read once the state is loaded)
  const errors = lines.filter((line) => line.startsWith('error: '));
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatch(new RegExp(`^error: the token signing key ${dir}/signing-key\\.pem is damaged: it is not a PEM private key`));
  expect(lines.slice(1).join('\n')).toContain('move it away');
});

test('a data dir that exists with mode 0755 and 0644 files is made 0700, its files 0600; a new one is made so', async () => {
  const dir = copy('open-to-all');
  chmodSync(dir, 0o755);
  for (const name of readdirSync(dir)) chmodSync(join(dir, name), 0o644);
  const attempt = attemptStart(dir, home());
  const outcome = await attempt.outcome;
  expect(outcome.url, outcome.output).toBeDefined();
  expect(outcome.output).toContain(`storage: ${dir} was mode 0755; made 0700`);
  const fresh = join(base, 'fresh');
  const second = attemptStart(fresh, home());
  expect((await second.outcome).url).toBeDefined();
  try {
    for (const d of [dir, fresh]) {
      expect(statSync(d).mode & 0o777, d).toBe(0o700);
      const files = readdirSync(d);
      expect(files).toEqual(expect.arrayContaining(['data.mdb', 'lock.mdb', 'signing-key.pem', 'emulator.pid']));
      for (const name of files) expect((statSync(join(d, name)).mode & 0o777).toString(8), `${d}/${name}`).toBe('600');
    }
  } finally {
    await stopChild(attempt.child);
    await stopChild(second.child);
  }
});
