// `ivsrt events tail` against AWS, with moto server standing in for EventBridge and SQS: the real bin
// creates its rule and queue, prints what is put on the bus, and removes both on Ctrl-C.
import { type ChildProcess } from 'node:child_process';
import { hostname } from 'node:os';
import { CreateQueueCommand, GetQueueAttributesCommand, ListQueuesCommand, ListQueueTagsCommand, SQSClient } from '@aws-sdk/client-sqs';
import { EventBridgeClient, ListRulesCommand, ListTagsForResourceCommand, ListTargetsByRuleCommand, PutEventsCommand, PutRuleCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runCli, testEnv } from '../helpers/cli.js';
import { MOTO_CREDENTIALS, motoMissing, startMoto, type Moto } from './moto.js';
import { spawnChild } from '../helpers/children.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const missing = motoMissing();
if (missing) console.warn(`skipping events tail against AWS (moto): ${missing}`);

const STAGE = 'arn:aws:ivs:us-east-1:123456789012:stage/AbCdEfGh1234';
const OTHER = 'arn:aws:ivs:us-east-1:123456789012:stage/ZzZzZzZz9999';

interface Tail {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves when stderr has a line matching `pattern`. */
  said(pattern: RegExp): Promise<void>;
  exited: Promise<number | null>;
}

function startTail(moto: Moto, args: string[]): Tail {
  const env = testEnv({ AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey });
  const child = spawnChild(process.execPath, [BIN, 'events', 'tail', ...args, '--endpoint-url', moto.url], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin!.end();
  let out = '';
  let err = '';
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => {
    err += c.toString();
    for (const w of waiters.filter((w) => w.pattern.test(err))) w.resolve();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    said: (pattern) =>
      pattern.test(err)
        ? Promise.resolve()
        : Promise.race([
            new Promise<void>((resolve) => waiters.push({ pattern, resolve })),
            exited.then(() => {
              throw new Error(`the tail exited before saying ${pattern}:\n${err}`);
            }),
          ]),
    exited,
  };
}

describe.skipIf(missing !== undefined)('events tail against AWS (moto)', () => {
  let moto: Moto;
  let events: EventBridgeClient;
  let sqs: SQSClient;

  beforeAll(async () => {
    moto = await startMoto();
    const config = { region: 'us-east-1', endpoint: moto.url, credentials: MOTO_CREDENTIALS };
    events = new EventBridgeClient(config);
    sqs = new SQSClient(config);
  }, 30_000);

  afterAll(async () => {
    events?.destroy();
    sqs?.destroy();
    await moto?.stop();
  });

  const tailRules = async () => (await events.send(new ListRulesCommand({ NamePrefix: 'ivsrt-tail-' }))).Rules ?? [];
  const tailQueues = async () => (await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'ivsrt-tail-' }))).QueueUrls ?? [];
  const put = (resource: string, name: string) =>
    events.send(new PutEventsCommand({ Entries: [{ Source: 'aws.ivs', DetailType: 'IVS Stage Update', Resources: [resource], Detail: JSON.stringify({ event_name: name, session_id: 'st-1', participant_id: 'p1', user_id: 'u' }) }] }));

  it('creates a tagged rule (pattern narrowed to the stage) and queue (policy for the rule), prints what reaches the bus, removes both on Ctrl-C', async () => {
    const tail = startTail(moto, [STAGE, '--json']);
    await tail.said(/tailing IVS events through rule (ivsrt-tail-[0-9a-f]{8})/);

    const [rule] = await tailRules();
    expect(rule).toBeDefined();
    expect(JSON.parse(rule!.EventPattern!)).toEqual({ source: ['aws.ivs'], $or: [{ resources: [STAGE] }, { detail: { stage_arn: [STAGE] } }] });
    expect(rule!.EventBusName).toBe('default');
    const [queueUrl] = await tailQueues();
    const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }));
    const policy = JSON.parse(Attributes.Policy!);
    expect(policy.Statement).toEqual([
      {
        Sid: 'ivsrt-events-tail',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: Attributes.QueueArn,
        Condition: { ArnEquals: { 'aws:SourceArn': rule!.Arn } },
      },
    ]);
    const { Targets = [] } = await events.send(new ListTargetsByRuleCommand({ Rule: rule!.Name }));
    expect(Targets.map((t) => t.Arn)).toEqual([Attributes.QueueArn]);
    const owner = `${tail.child.pid}@${hostname()}`;
    expect((await events.send(new ListTagsForResourceCommand({ ResourceARN: rule!.Arn }))).Tags).toContainEqual({ Key: 'ivsrt:events-tail', Value: owner });
    expect((await sqs.send(new ListQueueTagsCommand({ QueueUrl: queueUrl }))).Tags).toEqual({ 'ivsrt:events-tail': owner });

    await put(OTHER, 'Participant Unpublished');
    await put(STAGE, 'Participant Published');
    while (!tail.stdout().includes('\n')) await new Promise((resolve) => tail.child.stdout!.once('data', resolve));
    const printed = tail.stdout().trim().split('\n').map((line) => JSON.parse(line));
    expect(printed).toHaveLength(1);
    expect(printed[0]).toMatchObject({ source: 'aws.ivs', 'detail-type': 'IVS Stage Update', resources: [STAGE], detail: { event_name: 'Participant Published' } });

    tail.child.kill('SIGINT');
    expect(await tail.exited).toBe(0);
    expect(tail.stderr()).toMatch(/removed rule ivsrt-tail-[0-9a-f]{8} and queue ivsrt-tail-[0-9a-f]{8}/);
    expect(await tailRules()).toEqual([]);
    expect(await tailQueues()).toEqual([]);
  });

  it('--until ends the tail and removes what it made', async () => {
    const tail = startTail(moto, ['--until', '1s']);
    expect(await tail.exited).toBe(0);
    expect(tail.stderr()).toMatch(/removed rule .* and queue/);
    expect(await tailRules()).toEqual([]);
    expect(await tailQueues()).toEqual([]);
  });

  it('reports what a killed tail left, and removes it with --yes', async () => {
    const dead = `999999@${hostname()}`;
    await events.send(new PutRuleCommand({ Name: 'ivsrt-tail-deadbeef', EventPattern: '{"source":["aws.ivs"]}', Tags: [{ Key: 'ivsrt:events-tail', Value: dead }] }));
    await sqs.send(new CreateQueueCommand({ QueueName: 'ivsrt-tail-deadbeef', tags: { 'ivsrt:events-tail': dead } }));

    const asked = startTail(moto, ['--until', '1s']);
    expect(await asked.exited).toBe(0);
    expect(asked.stderr()).toContain('an earlier events tail left rule ivsrt-tail-deadbeef, queue');
    expect((await tailRules()).map((r) => r.Name)).toEqual(['ivsrt-tail-deadbeef']);

    const removing = startTail(moto, ['--until', '1s', '--yes']);
    expect(await removing.exited).toBe(0);
    expect(removing.stderr()).toMatch(/removed rule ivsrt-tail-deadbeef, queue \S+ivsrt-tail-deadbeef/);
    expect(await tailRules()).toEqual([]);
    expect(await tailQueues()).toEqual([]);
  });

  it('--dry-run prints the rule, the pattern, the queue and its policy, and creates nothing', async () => {
    const result = await runCli(['events', 'tail', STAGE, '--dry-run', '--json', '--endpoint-url', moto.url], { env: { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' } });
    expect(result.code).toBe(0);
    const plan = result.json();
    expect(plan.rule.eventPattern).toEqual({ source: ['aws.ivs'], $or: [{ resources: [STAGE] }, { detail: { stage_arn: [STAGE] } }] });
    expect(plan.queue.policy.Statement[0].Condition.ArnEquals['aws:SourceArn']).toBe(`arn:aws:events:us-east-1:<account>:rule/${plan.rule.name}`);
    expect(await tailRules()).toEqual([]);
  });

  it('--since is refused against AWS, with the reason', async () => {
    const result = await runCli(['events', 'tail', '--since', '10m', '--endpoint-url', moto.url]);
    expect(result.code).toBe(252);
    expect(result.stderr).toContain('--since works against the local emulator only');
  });
});
