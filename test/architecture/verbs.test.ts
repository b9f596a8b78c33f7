// Rules every verb in the registry keeps, checked over the real registry.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { registry } from '../../commands/index.js';
import { verb as localStart } from '../../commands/local/start.js';
import { verb as participantList } from '../../commands/participant/list.js';
import { defineVerb, yesOption } from '../../src/cli/command.js';

const verbs = await Promise.all(registry.commands.map(async (entry) => ({ name: entry.path.join(' '), verb: (await entry.load()).verb })));

describe('every verb', () => {
  it('that asks before acting offers --yes, so a script can answer', () => {
    const asking = verbs.filter(({ verb }) => verb.confirm);
    expect(asking.length).toBeGreaterThan(5);
    expect(asking.filter(({ verb }) => !verb.options?.includes(yesOption)).map(({ name }) => name)).toEqual([]);
  });

  it('that takes a secret (a participant token, a stream key) says in its help that - reads it from standard input, out of ps', () => {
    const SECRET = /^(--token|--stream-key) |^token$/;
    const secrets = verbs.flatMap(({ name, verb }) =>
      [...(verb.options ?? []).map((o) => ({ label: o.flags, description: o.description })), ...(verb.args ?? []).map((a) => ({ label: a.name, description: a.description }))]
        .filter(({ label }) => SECRET.test(label))
        .map((secret) => ({ ...secret, where: `${name} ${secret.label}` })),
    );
    expect(secrets.map(({ where }) => where)).toContain('token decode token');
    expect(secrets.length).toBeGreaterThan(6);
    expect(secrets.filter(({ description }) => !description.includes('- reads it from standard input, out of ps')).map(({ where }) => where)).toEqual([]);
  });

  it('either runs itself or names the operation the pipeline sends', () => {
    expect(verbs.filter(({ verb }) => !verb.run && !verb.operation).map(({ name }) => name)).toEqual([]);
  });

  it('binds each flag and argument to a member its operation has, checked along the whole path', async () => {
    const { OPERATIONS, SHAPES } = await import('../../src/model/api.js');
    /** Whether `path` (`a.b`, `list[].member`) names a member, from the structure `shape` down. */
    const reaches = (shape: string, path: string): boolean => {
      let at: (typeof SHAPES)[string] | undefined = SHAPES[shape];
      for (const part of path.split('.')) {
        const list = part.endsWith('[]');
        const member: { shape: string } | undefined = at?.type === 'structure' ? at.members[list ? part.slice(0, -2) : part] : undefined;
        if (!member) return false;
        at = SHAPES[member.shape];
        if (list) at = at?.type === 'list' ? SHAPES[at.member] : undefined;
      }
      return at !== undefined;
    };
    expect(reaches('StartCompositionRequest', 'layout.grid.videoAspectRatio')).toBe(true);
    expect(reaches('CreateStageRequest', 'participantTokenConfigurations[].userId')).toBe(true);
    expect(reaches('CreateStageRequest', 'participantTokenConfigurations[].nope')).toBe(false);
    expect(reaches('CreateStageRequest', 'name.first')).toBe(false);
    const problems: string[] = [];
    let checked = 0;
    for (const { name, verb } of verbs) {
      if (!verb.operation) continue;
      const fields = [...(verb.args ?? []), ...(verb.options ?? [])].map((s) => s.field).filter((f): f is string => Boolean(f));
      for (const field of fields) {
        checked++;
        if (!reaches(OPERATIONS[verb.operation]!.input, field)) problems.push(`${name}: ${field}`);
      }
    }
    expect(checked).toBeGreaterThan(60);
    expect(problems).toEqual([]);
  });

  it("has its options typed from its flag declarations, and a bound path outside the request fails the type check", () => {
    type Start = Parameters<typeof localStart.run>[1];
    expectTypeOf<Start['port']>().toEqualTypeOf<number>();
    expectTypeOf<Start['dataDir']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<Start['credentials']>().toEqualTypeOf<string[] | undefined>();
    expectTypeOf<Start['throttle']>().toEqualTypeOf<boolean | undefined>();
    expectTypeOf<Start['eventSeed']>().toEqualTypeOf<number | undefined>();
    type List = Parameters<NonNullable<NonNullable<typeof participantList.output>['done']>>[0];
    expectTypeOf<List['state']>().toEqualTypeOf<'CONNECTED' | 'DISCONNECTED' | undefined>();
    expectTypeOf<List['stage']>().toEqualTypeOf<string>();
    const bad = () =>
      // @ts-expect-error: CreateStage's participant token configurations have no member `nope`
      defineVerb({
        summary: 's',
        order: 10,
        operation: 'CreateStage',
        description: 'd',
        examples: [],
        options: [{ flags: '--nope <n>', description: 'n', field: 'participantTokenConfigurations[].nope' }],
      });
    const good = () => defineVerb({ summary: 's', order: 10, operation: 'CreateStage', description: 'd', examples: [], options: [{ flags: '--user <u>', description: 'u', field: 'participantTokenConfigurations[].userId' }] });
    expect([typeof bad, typeof good]).toEqual(['function', 'function']);
  });
});
