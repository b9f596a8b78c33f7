import { describe, expect, it } from 'vitest';
import { complete, formatResult, Directive, type CompletionNode, type Lookup, type LookupKind, type LookupScope } from '../../src/cli/completion/engine.js';

const globals = [
  { long: '--region', takesValue: true, description: 'AWS region' },
  { long: '--profile', takesValue: true, description: 'AWS profile' },
  { long: '--endpoint-url', takesValue: true, description: 'endpoint' },
  { long: '--local', takesValue: false, description: 'use the emulator' },
  { long: '--json', takesValue: false, description: 'JSON output' },
];

const root: CompletionNode = {
  name: 'ivsrt',
  description: '',
  args: [],
  options: globals,
  children: [
    {
      name: 'stage',
      description: 'Stages',
      args: [],
      options: [],
      children: [
        { name: 'get', description: 'Show a stage', children: [], options: [], args: [{ name: 'stage', description: 'stage', resource: 'stage' }] },
        { name: 'list', description: 'List stages', children: [], options: [{ long: '--max-items', takesValue: true, description: 'max' }], args: [] },
      ],
    },
    {
      name: 'participant',
      description: 'Participants',
      args: [],
      options: [],
      children: [
        {
          name: 'list',
          description: 'List participants',
          children: [],
          args: [],
          options: [
            { long: '--stage', short: '-s', takesValue: true, description: 'stage', resource: 'stage' },
            { long: '--session-id', takesValue: true, description: 'session', resource: 'session' },
            { long: '--filter-by-state', takesValue: true, description: 'state', choices: ['CONNECTED', 'DISCONNECTED'] },
          ],
        },
        {
          name: 'get',
          description: 'Show a participant',
          children: [],
          args: [{ name: 'participant-id', description: 'participant', resource: 'participant' }],
          options: [
            { long: '--stage', takesValue: true, description: 'stage', resource: 'stage' },
            { long: '--session-id', takesValue: true, description: 'session', resource: 'session' },
          ],
        },
      ],
    },
    {
      name: 'token',
      description: 'Tokens',
      args: [],
      options: [],
      children: [
        {
          name: 'sign',
          description: 'Sign a token',
          children: [],
          args: [],
          options: [
            { long: '--capabilities', takesValue: true, description: 'caps', choices: ['publish', 'subscribe'], list: true },
            { long: '--key', takesValue: true, description: 'key file' },
          ],
        },
      ],
    },
    { name: '__complete', description: '', hidden: true, children: [], options: [], args: [] },
  ],
};

const STAGE_A = 'arn:aws:ivs:us-east-1:123456789012:stage/AAAAAAAAAAAA';
const STAGE_B = 'arn:aws:ivs:us-east-1:123456789012:stage/BBBBBBBBBBBB';

function recordingLookup(): Lookup & { calls: { kind: LookupKind; scope: LookupScope }[] } {
  const calls: { kind: LookupKind; scope: LookupScope }[] = [];
  return {
    calls,
    async list(kind, scope) {
      calls.push({ kind, scope });
      if (kind === 'stage') {
        return [
          { value: 'demo', description: STAGE_A },
          { value: 'prod', description: STAGE_B },
          { value: STAGE_A, description: 'demo' },
          { value: STAGE_B, description: 'prod' },
        ];
      }
      if (kind === 'session') return [{ value: 'st-1', description: 'active' }, { value: 'st-0' }];
      if (kind === 'participant') return [{ value: 'p1', description: 'ana' }];
      return [];
    },
  };
}

const values = async (words: string[], lookup: Lookup = recordingLookup()) => (await complete(words, root, lookup)).candidates.map((c) => c.value);

describe('complete: static', () => {
  it('offers nouns, then verbs, hiding hidden commands', async () => {
    expect(await values([''])).toEqual(['stage', 'participant', 'token']);
    expect(await values(['st'])).toEqual(['stage']);
    expect(await values(['stage', ''])).toEqual(['get', 'list']);
    const result = await complete(['stage', ''], root, recordingLookup());
    expect(result.candidates[0]).toEqual({ value: 'get', description: 'Show a stage' });
    expect(result.directive).toBe(Directive.NoFileComp);
  });

  it('offers the verb flags and the global flags, minus those already given', async () => {
    expect(await values(['stage', 'list', '--'])).toEqual(['--max-items', '--region', '--profile', '--endpoint-url', '--local', '--json']);
    expect(await values(['stage', 'list', '--json', '--max-items', '5', '--'])).toEqual(['--region', '--profile', '--endpoint-url', '--local']);
    expect(await values(['--re'])).toEqual(['--region']);
  });

  it('completes enum values, also after --flag=', async () => {
    expect(await values(['participant', 'list', '--filter-by-state', ''])).toEqual(['CONNECTED', 'DISCONNECTED']);
    expect(await values(['participant', 'list', '--filter-by-state', 'D'])).toEqual(['DISCONNECTED']);
    expect(await values(['participant', 'list', '--filter-by-state=C'])).toEqual(['--filter-by-state=CONNECTED']);
  });

  it('completes list values item by item without a trailing space', async () => {
    const result = await complete(['token', 'sign', '--capabilities', 'publish,'], root, recordingLookup());
    expect(result.candidates.map((c) => c.value)).toEqual(['publish,subscribe']);
    expect(result.directive & Directive.NoSpace).toBeTruthy();
    expect(await values(['token', 'sign', '--capabilities', 'p'])).toEqual(['publish']);
  });

  it('leaves free values to the shell (file completion)', async () => {
    const result = await complete(['token', 'sign', '--key', ''], root, recordingLookup());
    expect(result).toEqual({ candidates: [], directive: Directive.Default });
  });

  it('offers nothing past the last argument or for unknown commands', async () => {
    expect(await complete(['stage', 'get', 'demo', ''], root, recordingLookup())).toEqual({ candidates: [], directive: Directive.NoFileComp });
    expect(await values(['nope', ''])).toEqual([]);
  });

  it('treats words after -- as positionals', async () => {
    expect(await values(['stage', 'get', '--', '-x', ''])).toEqual([]);
  });
});

describe('complete: live', () => {
  it('lists stage names and ARNs for a stage argument, filtered by prefix', async () => {
    expect(await values(['stage', 'get', ''])).toEqual(['demo', 'prod', STAGE_A, STAGE_B]);
    expect(await values(['stage', 'get', 'arn:aws:ivs:us-east-1:123456789012:stage/B'])).toEqual([STAGE_B]);
  });

  it('passes the connection flags typed anywhere before the word', async () => {
    const lookup = recordingLookup();
    await values(['--region', 'eu-west-1', 'stage', 'get', '--profile=dev', '--endpoint-url', 'http://x', '--local', ''], lookup);
    expect(lookup.calls[0]).toEqual({ kind: 'stage', scope: { connection: { region: 'eu-west-1', profile: 'dev', endpointUrl: 'http://x', local: true } } });
  });

  it('scopes sessions by the stage and participants by stage and session', async () => {
    const lookup = recordingLookup();
    expect(await values(['participant', 'list', '-s', 'demo', '--session-id', ''], lookup)).toEqual(['st-1', 'st-0']);
    expect(await values(['participant', 'get', '--stage', 'demo', '--session-id', 'st-1', ''], lookup)).toEqual(['p1']);
    expect(lookup.calls.map((c) => [c.kind, c.scope.stage, c.scope.session])).toEqual([
      ['session', 'demo', undefined],
      ['participant', 'demo', 'st-1'],
    ]);
  });

  it('does not look up sessions before a stage is known', async () => {
    const lookup = recordingLookup();
    expect(await values(['participant', 'list', '--session-id', ''], lookup)).toEqual([]);
    expect(lookup.calls).toEqual([]);
  });

  it('prints nothing when the lookup fails', async () => {
    const failing: Lookup = { list: async () => { throw new Error('ExpiredToken'); } };
    expect(await complete(['stage', 'get', ''], root, failing)).toEqual({ candidates: [], directive: Directive.NoFileComp });
  });
});

describe('formatResult', () => {
  it('writes value<TAB>description lines and the directive last', () => {
    expect(formatResult({ candidates: [{ value: 'a', description: 'first\tline' }, { value: 'b' }], directive: 6 })).toBe('a\tfirst line\nb\n:6\n');
    expect(formatResult({ candidates: [], directive: 4 })).toBe(':4\n');
  });
});
