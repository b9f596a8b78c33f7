// Rules every verb in the registry keeps, checked over the real registry.
import { describe, expect, it } from 'vitest';
import { registry } from '../../commands/index.js';
import { yesOption } from '../../src/cli/command.js';

const verbs = await Promise.all(registry.commands.map(async (entry) => ({ name: entry.path.join(' '), verb: (await entry.load()).verb })));

describe('every verb', () => {
  it('that asks before acting offers --yes, so a script can answer', () => {
    const asking = verbs.filter(({ verb }) => verb.confirm);
    expect(asking.length).toBeGreaterThan(5);
    expect(asking.filter(({ verb }) => !verb.options?.includes(yesOption)).map(({ name }) => name)).toEqual([]);
  });

  it('either runs itself or names the operation the pipeline sends', () => {
    expect(verbs.filter(({ verb }) => !verb.run && !verb.operation).map(({ name }) => name)).toEqual([]);
  });

  it('binds each flag and argument to a member its operation has', async () => {
    const { OPERATIONS, SHAPES } = await import('../../src/model/api.js');
    const problems: string[] = [];
    for (const { name, verb } of verbs) {
      if (!verb.operation) continue;
      const input = SHAPES[OPERATIONS[verb.operation]!.input]!;
      const fields = [...(verb.args ?? []), ...(verb.options ?? [])].map((s) => s.field).filter((f): f is string => Boolean(f));
      for (const field of fields) {
        const top = field.split(/[.[]/)[0]!;
        if (input.type !== 'structure' || !input.members[top]) problems.push(`${name}: ${field}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
