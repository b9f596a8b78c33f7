import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../commands/index.js';
import { runCli } from '../helpers/cli.js';

describe('command reference', () => {
  it('docs/commands.md is what the registry generates (run `npm run docs` after changing a command)', async () => {
    const generated = await runCli(['__docs']);
    expect(generated.code).toBe(0);
    expect(readFileSync(new URL('../../docs/commands.md', import.meta.url), 'utf8')).toBe(generated.stdout);
  });

  it('every visible command has a summary, a description and at least one example', async () => {
    for (const entry of COMMANDS) {
      const { verb } = await entry.load();
      const name = entry.path.join(' ');
      expect(entry.summary.length, name).toBeGreaterThan(5);
      expect(verb.description.length, name).toBeGreaterThan(10);
      expect(verb.examples.length, name).toBeGreaterThan(0);
      for (const example of verb.examples) expect(example.command, name).toContain(`ivsrt ${name}`);
    }
  });
});
