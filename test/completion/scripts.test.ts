// The shipped completions/ files must be byte-for-byte what `ivsrt completion <shell>` prints.
// Regenerate them after changing src/cli/completion/scripts.ts with:
//   npx vitest run test/completion/scripts.test.ts --update
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { completionScript, SCRIPT_FILES, SHELLS, isShell } from '../../src/cli/completion/scripts.js';

const root = join(import.meta.dirname, '..', '..');

describe('completion scripts', () => {
  for (const shell of SHELLS) {
    it(`${SCRIPT_FILES[shell]} is what \`ivsrt completion ${shell}\` prints`, async () => {
      await expect(completionScript(shell)).toMatchFileSnapshot(join(root, SCRIPT_FILES[shell]));
    });

    it(`the ${shell} script calls the hidden __complete command and has no template residue`, () => {
      const script = completionScript(shell);
      expect(script).toContain('ivsrt __complete');
      expect(script).not.toContain('\\${');
    });
  }

  it('knows its shells', () => {
    expect(isShell('zsh')).toBe(true);
    expect(isShell('powershell')).toBe(false);
  });
});
