// commands/index.ts is generated from the verb files (scripts/gen-registry.mjs): the committed file is what
// they give, it says what each verb module declares, and a new verb file is listed by the generator alone.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../commands/index.js';
// @ts-expect-error: a plain ES module script without type declarations
import { registrySource } from '../../scripts/gen-registry.mjs';

const commands = fileURLToPath(new URL('../../commands', import.meta.url));
const generate = registrySource as (dir?: string) => string;

describe('the command registry (commands/index.ts)', () => {
  it('is exactly what scripts/gen-registry.mjs makes of the verb files (run `npm run gen` after changing a verb)', () => {
    expect(readFileSync(join(commands, 'index.ts'), 'utf8')).toBe(generate());
  });

  it("lists each verb with the summary, aliases and module its file declares, in each noun's declared order", async () => {
    const orders = new Map<string, number[]>();
    for (const entry of COMMANDS) {
      const { verb } = await entry.load();
      const name = entry.path.join(' ');
      expect(entry.summary, name).toBe(verb.summary);
      expect(entry.aliases, name).toEqual(verb.aliases);
      const group = entry.path.length === 2 ? entry.path[0]! : '';
      orders.set(group, [...(orders.get(group) ?? []), verb.order]);
    }
    for (const [group, list] of orders) expect(list, group || 'top-level commands').toEqual([...list].sort((a, b) => a - b));
  });

  describe('on a copy of the verb files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ivsrt-registry-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const copy = () => {
      const target = mkdtempSync(join(dir, 'commands-'));
      cpSync(commands, target, { recursive: true });
      return target;
    };
    const trial = (order: number, summary = 'Archive a stage') =>
      `import { defineVerb } from '../../src/cli/command.js';\n\nexport const verb = defineVerb({\n  summary: '${summary}',\n  order: ${order},\n  aliases: ['ar'],\n  description: 'd',\n  examples: [],\n  async run() {\n    return undefined;\n  },\n});\n`;

    it('a new verb file is listed at its declared place, with nothing else edited', () => {
      const target = copy();
      writeFileSync(join(target, 'stage', 'archive.ts'), trial(35));
      const before = generate().split('\n');
      const after = generate(target).split('\n');
      const line = "  { path: ['stage', 'archive'], summary: 'Archive a stage', aliases: ['ar'], load: () => import('./stage/archive.js') },";
      // One line more, and it comes after stage update (order 30) and before stage delete (order 40).
      expect(after.filter((l) => l !== line)).toEqual(before);
      const at = after.indexOf(line);
      expect([after[at - 1], after[at + 1]].map((l) => /path: \[([^\]]*)\]/.exec(l ?? '')?.[1])).toEqual(["'stage', 'update'", "'stage', 'delete'"]);
    });

    it('refuses a verb without a literal summary, an order another verb of its noun has, and a folder that is no noun', () => {
      const noSummary = copy();
      writeFileSync(join(noSummary, 'stage', 'archive.ts'), trial(35).replace("  summary: 'Archive a stage',\n", ''));
      expect(() => generate(noSummary)).toThrow(/stage\/archive\.ts: its verb declares no `summary`/);
      const computed = copy();
      writeFileSync(join(computed, 'stage', 'archive.ts'), trial(35).replace("'Archive a stage'", '`Archive ${"a"} stage`'));
      expect(() => generate(computed)).toThrow(/stage\/archive\.ts: `summary` must be written as a literal/);
      const clash = copy();
      writeFileSync(join(clash, 'stage', 'archive.ts'), trial(30));
      expect(() => generate(clash)).toThrow(/stage\/(update|archive)\.ts: order 30 is also .*stage\/(archive|update)\.ts's/);
      const stray = copy();
      writeFileSync(join(stray, 'stage', 'archive.ts'), '');
      cpSync(join(stray, 'stage'), join(stray, 'stages'), { recursive: true });
      expect(() => generate(stray)).toThrow(/stages\/\w+\.ts: its noun stages is not in commands\/nouns\.ts/);
    });
  });
});
