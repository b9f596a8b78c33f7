import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiLookup, type Endpoint } from '../../src/cli/completion/lookup.js';

const ARN = (id: string) => `arn:aws:ivs:us-east-1:123456789012:stage/${id}`;
const STAGES = [
  { arn: ARN('AAAAAAAAAAAA'), name: 'demo' },
  { arn: ARN('BBBBBBBBBBBB'), name: 'twin' },
  { arn: ARN('CCCCCCCCCCCC'), name: 'twin' },
  { arn: ARN('DDDDDDDDDDDD') },
];

function fakeEndpoint(overrides: Partial<Record<string, (input: Record<string, unknown>) => unknown>> = {}) {
  const calls: string[] = [];
  const handlers: Record<string, (input: Record<string, unknown>) => unknown> = {
    // Two pages, to see that pagination is followed.
    ListStages: (input) => (input.nextToken ? { stages: STAGES.slice(2) } : { stages: STAGES.slice(0, 2), nextToken: 'p2' }),
    ListStageSessions: () => ({ stageSessions: [{ sessionId: 'st-new', startTime: new Date('2025-01-02T00:00:00Z') }, { sessionId: 'st-old', startTime: '2025-01-01T00:00:00Z', endTime: '2025-01-01T01:00:00Z' }] }),
    ListParticipants: (input) => ({ participants: [{ participantId: `p-${String(input.sessionId)}`, userId: 'ana', state: 'CONNECTED' }] }),
    ListPublicKeys: () => ({ publicKeys: [{ arn: 'arn:aws:ivs:us-east-1:123456789012:public-key/k1', name: 'k' }] }),
    ...overrides,
  };
  const endpoint: Endpoint = {
    key: 'endpoint|us-east-1|http://127.0.0.1:1|',
    async send(operation, input) {
      calls.push(`${operation}${input.nextToken ? `+${String(input.nextToken)}` : ''}${input.stageArn ? ` ${String(input.stageArn).slice(-12)}` : ''}${input.sessionId ? ` ${String(input.sessionId)}` : ''}`);
      const handler = handlers[operation];
      return (handler ? handler(input) : { [Object.keys(handlers)[0]!]: [] }) as Record<string, unknown>;
    },
  };
  return { endpoint, calls };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ivsrt-complete-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const scope = (extra: { stage?: string; session?: string } = {}) => ({ connection: { region: 'us-east-1' }, ...extra });

describe('createApiLookup', () => {
  it('offers unique names first, then every ARN, across pages', async () => {
    const { endpoint, calls } = fakeEndpoint();
    const lookup = createApiLookup({ connect: async () => endpoint });
    expect(await lookup.list('stage', scope())).toEqual([
      { value: 'demo', description: ARN('AAAAAAAAAAAA') },
      { value: ARN('AAAAAAAAAAAA'), description: 'demo' },
      { value: ARN('BBBBBBBBBBBB'), description: 'twin' },
      { value: ARN('CCCCCCCCCCCC'), description: 'twin' },
      { value: ARN('DDDDDDDDDDDD'), description: '' },
    ]);
    expect(calls).toEqual(['ListStages', 'ListStages+p2']);
  });

  it('lists sessions of a stage given by name, and participants of the active session by default', async () => {
    const { endpoint } = fakeEndpoint();
    const lookup = createApiLookup({ connect: async () => endpoint });
    expect(await lookup.list('session', scope({ stage: 'demo' }))).toEqual([
      { value: 'st-new', description: 'active since 2025-01-02T00:00:00.000Z' },
      { value: 'st-old', description: 'ended 2025-01-01T01:00:00Z' },
    ]);
    expect(await lookup.list('participant', scope({ stage: 'demo' }))).toEqual([{ value: 'p-st-new', description: 'ana CONNECTED' }]);
    expect(await lookup.list('participant', scope({ stage: ARN('AAAAAAAAAAAA'), session: 'st-old' }))).toEqual([{ value: 'p-st-old', description: 'ana CONNECTED' }]);
    // An ambiguous name resolves to nothing rather than to a guess.
    expect(await lookup.list('session', scope({ stage: 'twin' }))).toEqual([]);
  });

  it('answers from the cache for 30 seconds, across processes', async () => {
    let clock = 1_000_000;
    const first = fakeEndpoint();
    await createApiLookup({ connect: async () => first.endpoint, cacheDir: join(dir, 'cache'), now: () => clock }).list('public-key', scope());
    const second = fakeEndpoint();
    const again = createApiLookup({ connect: async () => second.endpoint, cacheDir: join(dir, 'cache'), now: () => clock + 29_000 });
    expect((await again.list('public-key', scope())).map((c) => c.value)).toEqual(['k', 'arn:aws:ivs:us-east-1:123456789012:public-key/k1']);
    expect(second.calls).toEqual([]);
    clock += 31_000;
    await createApiLookup({ connect: async () => second.endpoint, cacheDir: join(dir, 'cache'), now: () => clock }).list('public-key', scope());
    expect(second.calls).toEqual(['ListPublicKeys']);
    if (process.platform !== 'win32') {
      expect((await stat(join(dir, 'cache'))).mode & 0o777).toBe(0o700);
      const [file] = await readdir(join(dir, 'cache'));
      expect((await stat(join(dir, 'cache', file!))).mode & 0o777).toBe(0o600);
    }
  });

  it('gives up when the time budget is spent', async () => {
    const { endpoint } = fakeEndpoint({ ListStages: () => new Promise(() => {}) });
    const lookup = createApiLookup({ connect: async () => endpoint, budgetMs: 100 });
    const started = Date.now();
    await expect(lookup.list('stage', scope())).rejects.toThrow(/budget/);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('fails when there is nowhere to connect', async () => {
    const lookup = createApiLookup({ connect: async () => { throw new Error('the local emulator is not running'); } });
    await expect(lookup.list('stage', scope())).rejects.toThrow(/not running/);
  });
});
