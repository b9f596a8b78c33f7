// --query as the AWS CLI applies it (src/cli/output/query.ts): the same expression over the same emulator
// gives the same answer through `ivsrt ... --query` as through `aws ivs-realtime ... --query`, timestamps
// included (max_by and min_by over ISO 8601 strings, which jmespath.js alone answers with null). The
// spelling of max_by and min_by in terms of sort_by is checked on its own too, against the library.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import jmespath from 'jmespath';
import { beforeAll, describe, expect, it } from 'vitest';
import { withStringKeysByFunctions } from '../../src/cli/output/query.js';
import { emulatorBed } from '../helpers/bed.js';
import { testEnv } from '../helpers/cli.js';

const run = promisify(execFile);
const HAS_AWS = (() => {
  try {
    execFileSync('aws', ['--version'], { stdio: 'ignore', timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
})();
if (!HAS_AWS) console.warn('query: skipping the comparison with the AWS CLI: `aws` is not on PATH');

describe('max_by and min_by, spelt with sort_by', () => {
  const spell = (expression: string) => withStringKeysByFunctions(expression, jmespath.tokenize);
  const rows = { a: [{ t: '2024-05-01T00:00:00Z', n: 1 }, { t: '2025-01-01T00:00:00Z', n: 2 }, { t: '2025-01-01T00:00:00Z', n: 3 }, { t: '2023-01-01T00:00:00Z', n: 4 }] };

  it('picks what jmespath.py picks: the latest or earliest string, the first of equal keys, null for none', () => {
    expect(jmespath.search(rows, 'max_by(a, &t).n')).toBeNull(); // the library on its own
    expect(jmespath.search(rows, spell('max_by(a, &t).n'))).toBe(2);
    expect(jmespath.search(rows, spell('min_by(a, &t).n'))).toBe(4);
    expect(jmespath.search(rows, spell('max_by(a, &n).t'))).toBe('2023-01-01T00:00:00Z');
    expect(jmespath.search({ a: [] }, spell('max_by(a, &t)'))).toBeNull();
    expect(jmespath.search({ a: [] }, spell('min_by(a, &t)'))).toBeNull();
  });

  it('rewrites nested and repeated calls, and leaves names inside strings, literals and quoted identifiers alone', () => {
    expect(spell('max_by(a[?n > `1`], &t).n')).toBe('sort_by(reverse(a[?n > `1`]), &t)[-1].n');
    expect(spell('[max_by(a, &t).n, min_by(a, &t).n]')).toBe('[sort_by(reverse(a), &t)[-1].n, sort_by(a, &t)[0].n]');
    expect(spell('max_by(x[*].min_by(y, &t), &t)')).toBe('sort_by(reverse(x[*].sort_by(y, &t)[0]), &t)[-1]');
    for (const untouched of ["a[?t == 'max_by(a, &t)']", 'a[?t == `"min_by(a, &t)"`]', '"max_by"', 'max_by']) expect(spell(untouched)).toBe(untouched);
  });
});

describe.skipIf(!HAS_AWS)('ivsrt --query and aws --query over the same emulator', () => {
  const bed = emulatorBed();
  let stageArn: string;
  let sessionId: string;
  const local = (args: string[]) => bed.cli(['local', ...args], { IVSRT_HOME: bed.emu.home });

  beforeAll(async () => {
    stageArn = (await bed.cli(['stage', 'create', '--name', 'query-times', '--query', 'stage.arn'])).stdout.trim();
    // Two sessions, the second with three participants who join five emulator seconds apart.
    const early = await local(['join', 'query-times', '--user-id', 'early', '--json']);
    expect(early.code, early.stderr).toBe(0);
    const left = await local(['leave', 'query-times', early.json().participant.participantId]);
    expect(left.code, left.stderr).toBe(0);
    for (const user of ['first', 'second', 'third']) {
      expect((await local(['clock', '--advance', '5'])).code).toBe(0);
      expect((await local(['join', 'query-times', '--user-id', user])).code).toBe(0);
    }
    sessionId = (await bed.cli(['stage', 'get', 'query-times', '--query', 'stage.activeSessionId'])).stdout.trim();
  });

  const aws = async (args: string[], query: string): Promise<unknown> => {
    const env = testEnv({ AWS_DEFAULT_REGION: 'us-east-1' });
    const { stdout } = await run('aws', ['ivs-realtime', ...args, '--endpoint-url', bed.emu.url, '--output', 'json', '--query', query], { env, timeout: 60_000 });
    return JSON.parse(stdout);
  };
  const ivsrt = async (args: string[], query: string): Promise<unknown> => {
    const result = await bed.cli([...args, '--query', query, '--json']);
    expect(result.code, result.stderr).toBe(0);
    return result.json();
  };

  // Each list's queries go as one multi-select list, so that each client starts once (the AWS CLI takes a second or two).
  const PARTICIPANT_QUERIES = [
    'max_by(participants, &firstJoinTime).userId',
    'min_by(participants, &firstJoinTime).userId',
    'sort_by(participants, &firstJoinTime)[].userId',
    'max(participants[].firstJoinTime) == max_by(participants, &firstJoinTime).firstJoinTime',
    'max_by(participants, &state).userId',
  ];
  it('participant list: max_by, min_by and sort_by over firstJoinTime, and ties', async () => {
    const query = `[${PARTICIPANT_QUERIES.join(', ')}]`;
    const got = await ivsrt(['participant', 'list', 'query-times', '--session', sessionId], query);
    expect(got).toEqual(['third', 'first', ['first', 'second', 'third'], true, 'first']);
    expect(got).toEqual(await aws(['list-participants', '--stage-arn', stageArn, '--session-id', sessionId], query));
  });

  it('session list: max_by and min_by over startTime', async () => {
    const query = '[max_by(stageSessions, &startTime).sessionId, min_by(stageSessions, &startTime).endTime != null]';
    const got = await ivsrt(['session', 'list', 'query-times'], query);
    expect(got).toEqual([sessionId, true]);
    expect(got).toEqual(await aws(['list-stage-sessions', '--stage-arn', stageArn], query));
  });
});
