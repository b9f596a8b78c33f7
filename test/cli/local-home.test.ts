// Where ivsrt keeps its files (IVSRT_HOME, the code cache) on a file system that takes no new directories
// (/proc). Node's own recursive mkdir never returns there (it remakes the parent, EEXIST, retries the child,
// ENOENT, and so on): `local start` sat listening after its state file failed, `stage list --local` spun
// before it started the background emulator, and every command spun at exit saving its code cache. Now:
// one line naming IVSRT_HOME, a hint, exit 253 (the machine's configuration), and the cache only costs speed.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { scratchDir } from '../helpers/scratch.js';

const STACK = /\n\s+at .+:\d+:\d+/;
const UNUSABLE = '/proc/ivsrt-test-home';

describe('IVSRT_HOME where no directory can be made', () => {
  it('local start stops its emulator and says so in one line: 253', async () => {
    const r = await runCli(['local', 'start', '--port', '0'], { env: { IVSRT_HOME: UNUSABLE } });
    expect(r.code).toBe(253);
    expect(r.stderr).not.toMatch(STACK);
    const lines = r.stderr.trimEnd().split('\n').filter((line) => !line.startsWith('[ivsrt-local]'));
    expect(lines).toEqual([`error: IVSRT_HOME ${UNUSABLE} cannot be used: ${UNUSABLE}/instances cannot be made (ENOENT)`, 'Set IVSRT_HOME to a directory you can write (the default is ~/.ivsrt).']);
    // The endpoint line is printed only once the instance is recorded; it never was.
    expect(r.stdout).toBe('');
  });

  it('a command that would start the background emulator: 253, nothing started', async () => {
    const r = await runCli(['stage', 'list', '--local'], { env: { IVSRT_HOME: UNUSABLE } });
    expect(r.code).toBe(253);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toEqual([`error: IVSRT_HOME ${UNUSABLE} cannot be used: ${UNUSABLE} cannot be made (ENOENT)`, 'Set IVSRT_HOME to a directory you can write (the default is ~/.ivsrt).']);
  });
});

it('a code cache directory where no directory can be made only costs speed: the command ends as usual', async () => {
  const home = join(scratchDir('local-home'), 'home');
  const r = await runCli(['--help'], { env: { IVSRT_HOME: home, IVSRT_CACHE_DIR: '/proc/ivsrt-test-cache' } });
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('Usage: ivsrt');
  expect(r.stderr).toBe('');
});
