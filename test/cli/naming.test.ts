// One way to name each thing across the verbs (README "Using it"): a session is always `--session <id>`
// (never a positional argument on some verbs and a flag on others), and the stage a token is for is the
// first argument of both `token create` and `token sign`.
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../commands/index.js';
import type { Verb } from '../../src/cli/command.js';

async function verbs(): Promise<Array<{ name: string; verb: Verb<any> }>> {
  return Promise.all(COMMANDS.map(async (c) => ({ name: c.path.join(' '), verb: (await c.load()).verb })));
}

describe('argument naming across verbs', () => {
  it('every verb that takes a session takes it as --session <id>, and none as a positional argument', async () => {
    const sessionVerbs: string[] = [];
    for (const { name, verb } of await verbs()) {
      for (const arg of verb.args ?? []) expect(arg.field === 'sessionId' || arg.name === 'session', `${name}: session as a positional argument`).toBe(false);
      const option = (verb.options ?? []).find((o) => o.field === 'sessionId' || /^--session\b/.test(o.flags));
      if (option) {
        expect(option.flags, name).toBe('--session <id>');
        sessionVerbs.push(name);
      }
    }
    expect(sessionVerbs.sort()).toEqual(['participant events', 'participant get', 'participant list', 'session get']);
  });

  it('the stage is the first argument of every session, participant and token verb that names one', async () => {
    for (const { name, verb } of await verbs()) {
      if (!/^(session|participant|token) /.test(name) || name === 'token decode') continue;
      expect(verb.args?.[0]?.name, name).toBe('stage');
      expect((verb.options ?? []).some((o) => /^--stage\b/.test(o.flags)), `${name}: --stage as well as the argument`).toBe(false);
    }
  });
});
