// Stage verbs end to end (the real bin against a spawned emulator), plus the behaviour every verb
// shares: output modes, name resolution, pagination, and --json parity with `aws ivs-realtime`.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCli, testEnv } from '../helpers/cli.js';
import { emulatorBed } from '../helpers/bed.js';
import { spawnEmulator } from '../helpers/emulator.js';
import { scratchDir } from '../helpers/scratch.js';

const ANSI = /\x1b\[/;
const bed = emulatorBed();
const { cli } = bed;

describe('stage verbs', () => {
  it('create, get by name, update, list, delete', async () => {
    const created = await cli(['stage', 'create', '--name', 'lifecycle', '--tags', 'team=video,env=test', '--json']);
    expect(created.code).toBe(0);
    const stage = created.json().stage;
    expect(stage.arn).toMatch(/^arn:aws:ivs:us-east-1:\d{12}:stage\/[A-Za-z0-9]{12}$/);
    expect(stage.tags).toEqual({ team: 'video', env: 'test' });

    const byName = await cli(['stage', 'get', 'lifecycle', '--json']);
    expect(byName.json()).toEqual({ stage });
    const byId = await cli(['stage', 'get', stage.arn.split('/')[1], '--json']);
    expect(byId.json().stage.arn).toBe(stage.arn);

    const updated = await cli(['stage', 'update', 'lifecycle', '--name', 'lifecycle-2', '--json']);
    expect(updated.code).toBe(0);
    expect(updated.json().stage.name).toBe('lifecycle-2');

    const listed = await cli(['stage', 'list', '--json']);
    expect(listed.json().stages.map((s: { arn: string }) => s.arn)).toContain(stage.arn);

    const deleted = await cli(['stage', 'delete', 'lifecycle-2', '--yes']);
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toBe('');
    const gone = await cli(['stage', 'get', stage.arn]);
    expect(gone.code).toBe(254);
    expect(gone.stderr).toContain('ResourceNotFoundException');
  });

  it('create issues participant tokens in the same call', async () => {
    const r = await cli(['stage', 'create', '--name', 'with-tokens', '--tokens', '2', '--capabilities', 'subscribe', '--user-id', 'viewer', '--duration', '60', '--json']);
    expect(r.code).toBe(0);
    const tokens = r.json().participantTokens;
    expect(tokens).toHaveLength(2);
    for (const token of tokens) {
      expect(token.capabilities).toEqual(['SUBSCRIBE']);
      expect(token.userId).toBe('viewer');
      expect(token.duration).toBe(60);
    }
  });

  it('--input supplies the full request and flags override it', async () => {
    const dir = scratchDir('in');
    const file = join(dir, 'stage.json');
    writeFileSync(file, JSON.stringify({ name: 'from-file', tags: { source: 'file' }, participantTokenConfigurations: [{ userId: 'a' }] }));
    const r = await cli(['stage', 'create', '--input', file, '--name', 'flag-wins', '--json']);
    expect(r.code).toBe(0);
    expect(r.json().stage.name).toBe('flag-wins');
    expect(r.json().stage.tags).toEqual({ source: 'file' });
    expect(r.json().participantTokens[0].userId).toBe('a');
    const stdin = await runCli(['stage', 'create', '--input', '-', '--json'], { endpoint: bed.emu.url, input: '{"name":"from-stdin"}' });
    expect(stdin.json().stage.name).toBe('from-stdin');
  });

  it('delete asks for confirmation; without a terminal it needs --yes and changes nothing', async () => {
    await cli(['stage', 'create', '--name', 'keep-me']);
    const refused = await cli(['stage', 'delete', 'keep-me']);
    expect(refused.code).toBe(252);
    expect(refused.stderr).toContain('--yes');
    expect((await cli(['stage', 'get', 'keep-me'])).code).toBe(0);
  });
});

describe('name resolution', () => {
  it('an ambiguous name lists every match and exits 252', async () => {
    const a = (await cli(['stage', 'create', '--name', 'twin', '--json'])).json().stage.arn;
    const b = (await cli(['stage', 'create', '--name', 'twin', '--json'])).json().stage.arn;
    const r = await cli(['stage', 'get', 'twin']);
    expect(r.code).toBe(252);
    expect(r.stderr).toContain('matches 2 stages');
    expect(r.stderr).toContain(a);
    expect(r.stderr).toContain(b);
    expect(r.stderr).toContain('Pass the ARN or the id instead');
  });

  it('a name that matches nothing is a ResourceNotFoundException with a hint (254)', async () => {
    const r = await cli(['stage', 'get', 'no-such-stage']);
    expect(r.code).toBe(254);
    expect(r.stderr).toContain('ResourceNotFoundException');
    expect(r.stderr).toContain('ivsrt stage list');
  });
});

describe('output', () => {
  it('piped: tab-separated rows, no header, no colour, ISO times', async () => {
    await cli(['stage', 'create', '--name', 'tsv-stage', '--tags', 'a=1']);
    const r = await cli(['stage', 'list']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(ANSI);
    expect(r.stdout).not.toContain('NAME');
    const row = r.stdout.split('\n').find((l) => l.startsWith('tsv-stage\t'));
    expect(row?.split('\t')).toEqual(['tsv-stage', expect.stringMatching(/^arn:aws:ivs:/), '', 'a=1']);
  });

  it('on a terminal: a table with headers sized to the width, colour unless NO_COLOR', async () => {
    const r = await cli(['stage', 'list'], { IVSRT_FORCE_TTY: '100' });
    const lines = r.stdout.split('\n');
    expect(lines[0]!.replace(/\x1b\[[0-9;]*m/g, '')).toMatch(/NAME\s+ARN\s+ACTIVE SESSION\s+TAGS/);
    expect(r.stdout).toMatch(ANSI);
    expect(lines.every((l) => l.replace(/\x1b\[[0-9;]*m/g, '').length <= 100)).toBe(true);
    const plain = await cli(['stage', 'list'], { IVSRT_FORCE_TTY: '100', NO_COLOR: '1' });
    expect(plain.stdout).not.toMatch(ANSI);
    expect(plain.stdout).toContain('tsv-stage');
    const narrow = await cli(['stage', 'list'], { IVSRT_FORCE_TTY: '60', NO_COLOR: '1' });
    expect(narrow.stdout.split('\n').every((l) => l.length <= 60)).toBe(true);
    expect(narrow.stdout).toContain('…');
  });

  it('FORCE_COLOR colours piped output', async () => {
    const r = await cli(['stage', 'get', 'tsv-stage'], { FORCE_COLOR: '1', IVSRT_FORCE_TTY: '100' });
    expect(r.stdout).toMatch(ANSI);
  });

  it('--query selects with JMESPath; scalars print raw, --json keeps JSON', async () => {
    const raw = await cli(['stage', 'get', 'tsv-stage', '--query', 'stage.name']);
    expect(raw.stdout).toBe('tsv-stage\n');
    const json = await cli(['stage', 'get', 'tsv-stage', '--query', 'stage.name', '--json']);
    expect(json.stdout).toBe('"tsv-stage"\n');
    const bad = await cli(['stage', 'get', 'tsv-stage', '--query', 'stage[']);
    expect(bad.code).toBe(252);
    expect(bad.stderr).toContain('bad value for --query stage[: Expected Star, got: EOF');
    // Input that crashes the JMESPath library itself still reads as a plain usage error.
    const crash = await cli(['stage', 'get', 'tsv-stage', '--query', 'a=b,c']);
    expect(crash.code).toBe(252);
    expect(crash.stderr).toBe('error: bad value for --query a=b,c: not a valid JMESPath expression\n');
  });

  it('an empty list prints an empty list, not prose', async () => {
    const other = await spawnEmulator();
    try {
      const json = await runCli(['stage', 'list', '--json'], { endpoint: other.url });
      expect(json.json()).toEqual({ stages: [] });
      const tsv = await runCli(['stage', 'list'], { endpoint: other.url });
      expect(tsv.stdout).toBe('');
      expect(tsv.code).toBe(0);
    } finally {
      await other.stop();
    }
  });

  it('is safe when the reader closes the pipe early (EPIPE)', async () => {
    for (let i = 0; i < 3; i++) await cli(['stage', 'create', '--name', `pipe-${i}`]);
    const run = promisify(execFile);
    const { stdout, stderr } = await run('bash', ['-c', `set -o pipefail; node bin/ivsrt.js stage list --endpoint-url ${bed.emu.url} | head -1; echo "exit=\${PIPESTATUS[0]}"`], { env: testEnv() });
    expect(stdout.split('\n')[0]).toMatch(/\t/);
    expect(stdout).toContain('exit=0');
    expect(stderr).toBe('');
  });
});

describe('pagination', () => {
  it('--max-items cuts the output with a NextToken that --starting-token resumes, across page sizes', async () => {
    const other = await spawnEmulator();
    try {
      const run = (args: string[]) => runCli(args, { endpoint: other.url });
      for (let i = 0; i < 7; i++) await run(['stage', 'create', '--name', `page-${i}`]);
      const all = (await run(['stage', 'list', '--json', '--page-size', '2'])).json().stages.map((s: { name: string }) => s.name);
      expect(all).toHaveLength(7);
      const first = (await run(['stage', 'list', '--json', '--max-items', '3', '--page-size', '2'])).json();
      expect(first.stages).toHaveLength(3);
      expect(first.NextToken).toEqual(expect.any(String));
      const rest = (await run(['stage', 'list', '--json', '--page-size', '2', '--starting-token', first.NextToken])).json();
      expect(rest.NextToken).toBeUndefined();
      expect([...first.stages, ...rest.stages].map((s: { name: string }) => s.name)).toEqual(all);
      const human = await run(['stage', 'list', '--max-items', '2']);
      expect(human.stdout.trim().split('\n')).toHaveLength(2);
      expect(human.stderr).toContain('--starting-token');
      const bad = await run(['stage', 'list', '--starting-token', 'garbage!']);
      expect(bad.code).toBe(252);
      const size = await run(['stage', 'list', '--page-size', '500']);
      expect(size.code).toBe(252);
      expect(size.stderr).toContain('--page-size');

      // A token that skips into a page resumes only at the page size it was printed with: at another size that
      // page holds other items, and the rest repeated one (page-size 10 then 2: the third stage twice).
      const ten = (await run(['stage', 'list', '--json', '--max-items', '3', '--page-size', '10'])).json();
      const resized = await run(['stage', 'list', '--json', '--page-size', '2', '--starting-token', ten.NextToken]);
      expect(resized.code).toBe(252);
      expect(resized.stderr.trim().split('\n')).toEqual(['error: --starting-token was printed with --page-size 10: resume with the same']);
      const same = (await run(['stage', 'list', '--json', '--page-size', '10', '--starting-token', ten.NextToken])).json();
      expect([...ten.stages, ...same.stages].map((s: { name: string }) => s.name)).toEqual(all);
      // Nor is it read by another list, where its skip dropped the first items without a word.
      const foreign = await run(['encoder-config', 'list', '--starting-token', ten.NextToken]);
      expect(foreign.code).toBe(252);
      expect(foreign.stderr.trim().split('\n')).toEqual(['error: --starting-token was printed by another list: resume with the same command, stage, session and filters as the one that printed it']);
    } finally {
      await other.stop();
    }
  });
});

const awsAvailable = await promisify(execFile)('aws', ['--version']).then(() => true, () => false);
if (!awsAvailable) console.warn('skipping the AWS CLI parity test: `aws` is not installed');

describe.skipIf(!awsAvailable)('--json matches the AWS CLI', () => {
  const aws = async (args: string[]) => {
    const { stdout } = await promisify(execFile)('aws', ['ivs-realtime', ...args, '--endpoint-url', bed.emu.url, '--output', 'json'], { env: testEnv({ AWS_PAGER: '', AWS_DEFAULT_REGION: 'us-east-1' }) });
    return stdout.trim() ? JSON.parse(stdout) : {};
  };

  it('for get-stage, list-stages and create-participant-token', async () => {
    const arn = (await cli(['stage', 'create', '--name', 'parity', '--json'])).json().stage.arn;
    expect((await cli(['stage', 'get', arn, '--json'])).json()).toEqual(await aws(['get-stage', '--arn', arn]));
    const ours = (await cli(['stage', 'list', '--json'])).json();
    expect(ours).toEqual(await aws(['list-stages', '--max-results', '100']));
    // Times are printed as the AWS CLI prints them (Python isoformat), so even the strings match.
    const token = await aws(['create-participant-token', '--stage-arn', arn, '--duration', '30']);
    expect(token.participantToken.expirationTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?\+00:00$/);
  });
});
