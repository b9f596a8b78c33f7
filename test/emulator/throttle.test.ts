// --throttle: the service's per-operation rate limits (User Guide, "IVS Service Quotas | Real-Time
// Streaming": 5 TPS for most operations, 50 for CreateParticipantToken, 3 for public keys, 10 for
// tags). The throttle's clock is injected, so these tests count replies, not milliseconds.
import * as sdk from '@aws-sdk/client-ivs-realtime';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/assemble.js';
import { Poller } from '../../src/watch/poller.js';
import { CREDENTIALS, raw, startTestEmulator } from './helpers.js';

const run = promisify(execFile);
const HAS_BOTOCORE = (() => {
  try {
    execFileSync('python3', ['-c', 'import botocore'], { stdio: 'ignore', timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
})();
if (!HAS_BOTOCORE) console.warn('throttle: skipping the botocore retry test: python3 with botocore is not installed');

describe('token buckets on an injected clock', () => {
  let emu: RunningEmulator;
  let clock = 0;
  let stageArn: string;
  beforeAll(async () => {
    ({ emu } = await startTestEmulator({ throttle: { now: () => clock } }));
    stageArn = JSON.parse((await raw(emu.url, 'POST', '/CreateStage', '{"name":"throttled"}')).text).stage.arn;
  });
  afterAll(() => emu.close());

  async function burst(operation: string, n: number, body: unknown): Promise<number[]> {
    const statuses: number[] = [];
    for (let i = 0; i < n; i++) statuses.push((await raw(emu.url, 'POST', `/${operation}`, JSON.stringify(body))).status);
    return statuses;
  }
  const count = (statuses: number[], status: number) => statuses.filter((s) => s === status).length;

  test('a burst of 25 GetStage within one second: 5 answered, 20 throttled with 429 TooManyRequestsException; a second later, 5 more', async () => {
    clock += 10_000;
    const statuses = await burst('GetStage', 25, { arn: stageArn });
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(count(statuses, 429)).toBe(20);
    const refused = await raw(emu.url, 'POST', '/GetStage', JSON.stringify({ arn: stageArn }));
    expect([refused.status, refused.headers.get('x-amzn-errortype')]).toEqual([429, 'TooManyRequestsException']);
    expect(refused.body).toEqual({ exceptionMessage: 'Too Many Requests', message: 'Too Many Requests' });
    // Other operations have their own buckets.
    expect((await raw(emu.url, 'POST', '/ListStages', '{}')).status).toBe(200);
    clock += 1_000;
    expect(count(await burst('GetStage', 6, { arn: stageArn }), 200)).toBe(5);
    // Half a second refills half the bucket.
    clock += 500;
    expect(count(await burst('GetStage', 5, { arn: stageArn }), 200)).toBe(2);
  });

  test.each([
    ['CreateParticipantToken', 50, () => ({ stageArn })],
    ['ListPublicKeys', 3, () => ({})],
    ['ListStageSessions', 5, () => ({ stageArn })],
  ])('%s allows %i per second', async (operation, tps, body) => {
    clock += 10_000;
    const statuses = await burst(operation, tps + 3, body());
    expect(count(statuses, 200)).toBe(tps);
    expect(count(statuses, 429)).toBe(3);
  });

  test('tag operations allow 10 per second', async () => {
    clock += 10_000;
    const path = `/tags/${encodeURIComponent(stageArn)}`;
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await raw(emu.url, 'GET', path)).status);
    expect(count(statuses, 200)).toBe(10);
    expect(count(statuses, 429)).toBe(2);
  });

  test("the JS SDK's retry treats it as throttling: it retries (a 4xx it would not), and gives up after maxAttempts", async () => {
    clock += 10_000;
    await burst('GetStage', 5, { arn: stageArn });
    const client = new sdk.IVSRealTimeClient({ region: 'us-east-1', endpoint: emu.url, credentials: CREDENTIALS, maxAttempts: 3 });
    const error = (await client.send(new sdk.GetStageCommand({ arn: stageArn })).catch((e: unknown) => e)) as sdk.IVSRealTimeServiceException;
    expect(error.name).toBe('TooManyRequestsException');
    expect(error.$metadata).toMatchObject({ httpStatusCode: 429, attempts: 3 });
    expect(error.$metadata.totalRetryDelay).toBeGreaterThan(0);
    client.destroy();

    // The clock moves one second after each throttled attempt (the retry loop wraps this step): the retry then gets through.
    const patient = new sdk.IVSRealTimeClient({ region: 'us-east-1', endpoint: emu.url, credentials: CREDENTIALS, maxAttempts: 3 });
    patient.middlewareStack.add(
      (next) => async (args) => {
        const result = await next(args);
        if ((result.response as { statusCode?: number }).statusCode === 429) clock += 1_000;
        return result;
      },
      // Below the deserializer (which turns the reply into an error) and inside the retry loop.
      { step: 'deserialize', name: 'advanceClockOnThrottle', priority: 'low' },
    );
    const got = await patient.send(new sdk.GetStageCommand({ arn: stageArn }));
    expect(got.stage?.arn).toBe(stageArn);
    expect(got.$metadata.attempts).toBe(2);
    patient.destroy();
  });

  test.skipIf(!HAS_BOTOCORE)('botocore (legacy and standard retry modes) treats it as throttling and retries', async () => {
    clock += 10_000;
    await burst('GetStage', 5, { arn: stageArn });
    const script = `
import json, sys, botocore.session, botocore.config, botocore.exceptions
out = {}
for mode in ('legacy', 'standard'):
    client = botocore.session.get_session().create_client('ivs-realtime', endpoint_url=sys.argv[1], region_name='us-east-1',
        aws_access_key_id='${CREDENTIALS.accessKeyId}', aws_secret_access_key='${CREDENTIALS.secretAccessKey}',
        config=botocore.config.Config(retries={'mode': mode, 'total_max_attempts': 2}))
    try:
        client.get_stage(arn=sys.argv[2])
        out[mode] = 'answered'
    except botocore.exceptions.ClientError as e:
        out[mode] = {'code': e.response['Error']['Code'], 'status': e.response['ResponseMetadata']['HTTPStatusCode'], 'retries': e.response['ResponseMetadata']['RetryAttempts']}
print(json.dumps(out))
`;
    const { stdout } = await run('python3', ['-c', script, emu.url, stageArn], { timeout: 60_000 });
    const expected = { code: 'TooManyRequestsException', status: 429, retries: 1 };
    expect(JSON.parse(stdout)).toEqual({ legacy: expected, standard: expected });
  }, 90_000);
});

describe('ivsrt watch under throttling', () => {
  test("the watch poller stays within the limits: the emulator throttles none of its requests", async () => {
    // Real time on both sides here: the poller paces itself by the clock, the emulator judges by its own.
    const { emu, client } = await startTestEmulator({ throttle: true });
    try {
      const stageArn = (await client.send(new sdk.CreateStageCommand({ name: 'watched' }))).stage!.arn!;
      const { AdminClient } = await import('../../src/local/admin-client.js');
      const admin = new AdminClient(emu.url);
      for (const userId of ['ana', 'ben', 'cy']) await admin.join({ stageArn, userId, publish: userId === 'ana' });
      // No pause between polls: the poller runs as fast as its limiter lets it.
      const poller = new Poller({ client, stageArn, intervalMs: 0 });
      let polls = 0;
      const enough = new Promise<void>((resolve) => poller.on('poll', () => ++polls === 12 && resolve()));
      poller.start();
      await enough;
      await poller.stop();
      expect(Object.fromEntries(emu.throttle!.refused)).toEqual({});
      // The limiter really was the brake: some operation went past one second's worth of calls.
      expect(Math.max(...Object.values(poller.limiter.totals()))).toBeGreaterThan(5);
    } finally {
      client.destroy();
      await emu.close();
    }
  }, 60_000);
});
