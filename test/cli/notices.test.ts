// "No AWS configuration found" is said once per IVSRT_HOME, on a terminal, not on every command.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backgroundHome } from '../helpers/children.js';
import { runCli } from '../helpers/cli.js';
import { scratchDir } from '../helpers/scratch.js';

const BUILT = existsSync(new URL('../../dist/cli.cjs', import.meta.url));
if (!BUILT) console.warn('notices: skipping: dist/cli.cjs is missing (run `npm run build`)');

const NOTICE = 'No AWS configuration found: using the local IVS emulator';

describe.skipIf(!BUILT)('the no-AWS-configuration notice', () => {
  const ivsrtHome = backgroundHome('notice-home');
  // A newcomer: no AWS keys, region or files; stderr a terminal (IVSRT_FORCE_TTY).
  const env = { HOME: scratchDir('notice-user'), IVSRT_HOME: ivsrtHome, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_REGION: '', IVSRT_FORCE_TTY: '1' };

  it('is shown by the first command, then remembered in IVSRT_HOME and not shown again', async () => {
    const first = await runCli(['stage', 'list'], { env });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain(NOTICE);
    expect(existsSync(join(ivsrtHome, 'notices', 'no-aws-configuration'))).toBe(true);
    for (const args of [['stage', 'list'], ['stage', 'create', '--name', 'quiet']]) {
      const next = await runCli(args, { env });
      expect(next.code, next.stderr).toBe(0);
      expect(next.stderr).not.toContain(NOTICE);
    }
  });
});
