// Where ivsrt keeps its files (IVSRT_HOME, the code cache) on a file system that takes no new directories
// (/proc). Node's own recursive mkdir never returns there (it remakes the parent, EEXIST, retries the child,
// ENOENT, and so on): `local start` sat listening after its state file failed, `stage list --local` spun
// before it started the background emulator, and every command spun at exit saving its code cache. Now:
// one line naming IVSRT_HOME, a hint, exit 253 (the machine's configuration), and the cache only costs speed.
// `local start` checks IVSRT_HOME before it listens, so nothing says it started that then stops (a file, a
// directory this user cannot write, as well as /proc). A home this user cannot read or write is named, with
// the OS's reason in words, by every command that uses it (it said "permission denied, open ..." with exit
// 255, or "not running" without looking).
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startTestEmulator } from '../emulator/helpers.js';
import { runCli, type RunResult } from '../helpers/cli.js';
import { AS_NOBODY, cannotRunAsNobody } from '../helpers/nobody.js';
import { scratchDir } from '../helpers/scratch.js';

const STACK = /\n\s+at .+:\d+:\d+/;
const UNUSABLE = '/proc/ivsrt-test-home';

const HINT = 'Set IVSRT_HOME to a directory you can write (the default is ~/.ivsrt).';

/** A refusal as the user sees it: exit 253, nothing on stdout, and on stderr only the error and the hint. */
function expectRefused(r: RunResult, error: string): void {
  expect(r.stderr).not.toMatch(STACK);
  expect(r.stderr.trimEnd().split('\n')).toEqual([error, HINT]);
  expect(r.stdout).toBe('');
  expect(r.code).toBe(253);
}

/** A directory nobody can reach, holding `home` with `mode` (owned by root, so its bits stop nobody). */
function homeWithMode(mode: number): string {
  const base = scratchDir('local-home');
  chmodSync(base, 0o755);
  const home = join(base, 'home');
  mkdirSync(home);
  chmodSync(home, mode);
  return home;
}

/** nobody's user and group ids, for a home of its own (where it can run at all). */
const nobodyIds = cannotRunAsNobody ? { uid: -1, gid: -1 } : { uid: Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' })), gid: Number(execFileSync('id', ['-g', 'nobody'], { encoding: 'utf8' })) };

if (cannotRunAsNobody) console.warn(`unreadable and unwritable IVSRT_HOME tests skipped: cannot run a process as nobody here (${cannotRunAsNobody})`);

describe('local start on an unusable IVSRT_HOME: refused before it listens, so nothing says it started', () => {
  it('IVSRT_HOME is a file', async () => {
    const home = join(scratchDir('local-home'), 'a-file');
    writeFileSync(home, '');
    const r = await runCli(['local', 'start', '--port', '0'], { env: { IVSRT_HOME: home } });
    expectRefused(r, `error: IVSRT_HOME ${home} cannot be used: ${home} cannot be made: a file is in the way (not a directory)`);
  });

  describe.skipIf(cannotRunAsNobody !== '')('run as nobody', () => {
    it('IVSRT_HOME that this user cannot write', async () => {
      const home = homeWithMode(0o755);
      const r = await runCli(['local', 'start', '--port', '0'], { env: { IVSRT_HOME: home }, runAs: AS_NOBODY });
      expectRefused(r, `error: IVSRT_HOME ${home} cannot be used: ${home} is not writable: permission denied`);
    });

    it('IVSRT_HOME this user cannot write, though its instances folder is writable (local.json could not be written)', async () => {
      const home = homeWithMode(0o755);
      mkdirSync(join(home, 'instances'));
      chmodSync(join(home, 'instances'), 0o777);
      const r = await runCli(['local', 'start', '--port', '0'], { env: { IVSRT_HOME: home }, runAs: AS_NOBODY });
      expectRefused(r, `error: IVSRT_HOME ${home} cannot be used: ${home} is not writable: permission denied`);
    });

    it('IVSRT_HOME whose instances folder this user cannot write', async () => {
      const home = homeWithMode(0o777);
      mkdirSync(join(home, 'instances'), { mode: 0o755 });
      const r = await runCli(['local', 'start', '--port', '0'], { env: { IVSRT_HOME: home }, runAs: AS_NOBODY });
      expectRefused(r, `error: IVSRT_HOME ${home} cannot be used: ${home}/instances is not writable: permission denied`);
    });
  });
});

describe.skipIf(cannotRunAsNobody !== '')('IVSRT_HOME this user cannot read (root\'s, mode 0700), as nobody: every command that uses it says so', () => {
  const local = (file: string) => (home: string) => `${home}/${file} cannot be read: permission denied`;
  it.each([
    [['local', 'status'], local('local.json')],
    [['local', 'stop'], local('local.json')],
    [['local', 'start', '--background'], local('local.json')],
    [['local', 'start', '--port', '0'], (home: string) => `${home} is not writable: permission denied`],
    [['stage', 'list', '--local'], local('local.json')],
    [['local', 'clock'], local('local.json')],
    [['local', 'reset'], local('local.json')],
    [['local', 'export'], local('local.json')],
    // The admin secret of the emulator named is looked up in IVSRT_HOME.
    [['local', 'clock', '--endpoint-url', 'http://127.0.0.1:9'], local('instances/9.json')],
  ])('%j: one line naming IVSRT_HOME and why, exit 253', async (args, problem) => {
    const home = homeWithMode(0o700);
    const r = await runCli(args, { env: { IVSRT_HOME: home }, runAs: AS_NOBODY });
    expectRefused(r, `error: IVSRT_HOME ${home} cannot be used: ${problem(home)}`);
  });

  it('IVSRT_ADMIN_SECRET given (a client on another home): the home is not needed, and the local verb runs', async () => {
    const { emu, client } = await startTestEmulator();
    try {
      const home = homeWithMode(0o700);
      const r = await runCli(['local', 'clock', '--json'], { endpoint: emu.url, env: { IVSRT_HOME: home, IVSRT_ADMIN_SECRET: emu.adminSecret }, runAs: AS_NOBODY });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toHaveProperty('now');
    } finally {
      client.destroy();
      await emu.close();
    }
  });

  it('an IVSRT_HOME this user can read but not write: the background emulator is not started', async () => {
    const home = homeWithMode(0o755);
    const r = await runCli(['stage', 'list', '--local'], { env: { IVSRT_HOME: home }, runAs: AS_NOBODY });
    expectRefused(r, `error: IVSRT_HOME ${home} cannot be used: ${home} is not writable: permission denied`);
  });
});

describe.skipIf(cannotRunAsNobody !== '')('a file in a writable IVSRT_HOME that is another user\'s (root\'s, 0600), as nobody', () => {
  /** nobody's own home, holding `file` as root's and private. */
  function homeHolding(file: string): string {
    const home = homeWithMode(0o700);
    chownSync(home, nobodyIds.uid, nobodyIds.gid);
    writeFileSync(join(home, file), '', { mode: 0o600 });
    return home;
  }

  it.each([
    ['local.lock', 'cannot be read', ['stage', 'list', '--local']],
    ['local.lock', 'cannot be read', ['local', 'start', '--background']],
    ['local.log', 'cannot be written', ['local', 'start', '--background']],
  ])('%s that %s: %j is one line naming IVSRT_HOME, exit 253 (not a wait for the lock, not an errno)', async (file, problem, args) => {
    const home = homeHolding(file);
    const r = await runCli(args, { env: { IVSRT_HOME: home }, runAs: AS_NOBODY });
    expectRefused(r, `error: IVSRT_HOME ${home} cannot be used: ${home}/${file} ${problem}: permission denied`);
  });
});

describe('IVSRT_HOME where no directory can be made', () => {
  it('local start refuses in one line before it listens: 253', async () => {
    const r = await runCli(['local', 'start', '--port', '0'], { env: { IVSRT_HOME: UNUSABLE } });
    expectRefused(r, `error: IVSRT_HOME ${UNUSABLE} cannot be used: ${UNUSABLE} cannot be made: that file system does not let directories be made there`);
  });

  it('a command that would start the background emulator: 253, nothing started', async () => {
    const r = await runCli(['stage', 'list', '--local'], { env: { IVSRT_HOME: UNUSABLE } });
    expectRefused(r, `error: IVSRT_HOME ${UNUSABLE} cannot be used: ${UNUSABLE} cannot be made: that file system does not let directories be made there`);
  });
});

it('a code cache directory where no directory can be made only costs speed: the command ends as usual', async () => {
  const home = join(scratchDir('local-home'), 'home');
  const r = await runCli(['--help'], { env: { IVSRT_HOME: home, IVSRT_CACHE_DIR: '/proc/ivsrt-test-cache' } });
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('Usage: ivsrt');
  expect(r.stderr).toBe('');
});
