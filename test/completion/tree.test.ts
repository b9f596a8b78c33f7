import { describe, expect, it } from 'vitest';
import { buildTree, enumAt } from '../../src/cli/completion/tree.js';
import { complete, type CompletionNode, type Lookup } from '../../src/cli/completion/engine.js';
import { defineVerb, type Registry } from '../../src/cli/command.js';
import { registry } from '../../commands/index.js';

const noLookup: Lookup = { list: async () => [] };
const find = (node: CompletionNode, ...path: string[]) => path.reduce((n, name) => n.children.find((c) => c.name === name)!, node);

describe('buildTree over a small registry', () => {
  const verb = defineVerb({
    summary: 'List participants',
    order: 10,
    operation: 'ListParticipants',
    paginated: true,
    description: 'List participants',
    examples: [],
    args: [
      { name: 'stage', description: 'stage', field: 'stageArn', resource: 'stage' },
      { name: 'session', description: 'session', field: 'sessionId', optional: true },
    ],
    options: [
      { flags: '--state <state>', description: 'state', field: 'filterByState', parse: 'upper' },
      { flags: '--published [bool]', description: 'published', field: 'filterByPublished', parse: 'boolean' },
      // Not a member of ListParticipants: widened to string so the type check of bound fields lets this fixture through.
      { flags: '--participant <id>', description: 'who', field: 'participantId' as string },
    ],
  });
  const source: Registry = {
    nouns: [{ name: 'participant', summary: 'Participants', group: 'Stages' }],
    commands: [
      { path: ['participant', 'list'], summary: 'List participants', aliases: ['ls'], load: async () => ({ verb }) },
    ],
  };

  it('takes the global flags and the implicit verb flags from the commander set-up', async () => {
    const tree = await buildTree(source);
    expect(tree.options.map((o) => o.long)).toEqual(expect.arrayContaining(['--region', '--profile', '--endpoint-url', '--local', '--json', '--query']));
    const list = find(tree, 'participant', 'list');
    expect(list.options.map((o) => o.long)).toEqual(['--state', '--published', '--participant', '--input', '--max-items', '--page-size', '--starting-token']);
    expect(tree.children.map((c) => c.name)).toEqual(['participant']);
  });

  it('reads enums from the model (lower-cased for upper-casing parsers) and resources from fields', async () => {
    const list = find(await buildTree(source), 'participant', 'list');
    expect(list.options.find((o) => o.long === '--state')).toMatchObject({ choices: ['connected', 'disconnected'], takesValue: true });
    expect(list.options.find((o) => o.long === '--participant')).toMatchObject({ resource: 'participant' });
    expect(list.options.find((o) => o.long === '--published')).toMatchObject({ takesValue: false });
    expect(list.args).toEqual([
      { name: 'stage', description: 'stage', resource: 'stage' },
      { name: 'session', description: 'session', resource: 'session' },
    ]);
  });

  it('parses aliases without offering them', async () => {
    const tree = await buildTree(source);
    expect((await complete(['participant', ''], tree, noLookup)).candidates.map((c) => c.value)).toEqual(['list']);
    expect((await complete(['participant', 'ls', '--st'], tree, noLookup)).candidates.map((c) => c.value)).toEqual(['--state', '--starting-token']);
  });
});

describe('enumAt', () => {
  it('walks nested members and lists', () => {
    expect(enumAt('CreateParticipantToken', 'capabilities')).toEqual({ values: ['PUBLISH', 'SUBSCRIBE'], list: true });
    expect(enumAt('CreateIngestConfiguration', 'ingestProtocol')).toEqual({ values: ['RTMP', 'RTMPS'], list: false });
    expect(enumAt('CreateStage', 'name')).toBeUndefined();
    expect(enumAt('CreateStage', 'no.such.member')).toBeUndefined();
  });
});

describe('buildTree over the real registry', () => {
  it('completes the verbs of this issue', async () => {
    const tree = await buildTree(registry);
    expect((await complete(['completion', ''], tree, noLookup)).candidates.map((c) => c.value)).toEqual(['bash', 'zsh', 'fish']);
    expect((await complete(['token', 'sign', '--capabilities', 's'], tree, noLookup)).candidates.map((c) => c.value)).toEqual(['subscribe']);
    const sign = find(tree, 'token', 'sign');
    expect(sign.args).toEqual([expect.objectContaining({ name: 'stage', resource: 'stage' })]);
    expect(sign.options.find((o) => o.long === '--public-key')).toMatchObject({ resource: 'public-key' });
    // --participant-id of token sign names a new participant: nothing to look up.
    expect(sign.options.find((o) => o.long === '--participant-id')?.resource).toBeUndefined();
  });
});
