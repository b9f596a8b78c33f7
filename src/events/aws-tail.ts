// `ivsrt events tail` against AWS: EventBridge cannot be read directly, so the tail makes a temporary
// SQS queue and a rule on the default bus that sends IVS events to it (narrowed to one stage when one
// is given), long-polls the queue, and removes both on exit. Both carry the tag ivsrt:events-tail
// (`<pid>@<host>`), so a later run can find what a killed run left behind. The EventBridge and SQS
// clients are imported here, and this module only by the tail verb.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { EventBridgeClient, EventBridgeClientConfig } from '@aws-sdk/client-eventbridge';
import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import { stagePattern } from '../emulator/http/event-stream.js';

export const TAIL_PREFIX = 'ivsrt-tail-';
export const TAIL_TAG = 'ivsrt:events-tail';

export interface AwsTailPlan {
  ruleName: string;
  queueName: string;
  pattern: Record<string, unknown>;
  /** The tag value: which process on which host owns the resources. */
  owner: string;
}

export function planTail(stageArn: string | undefined): AwsTailPlan {
  const name = `${TAIL_PREFIX}${randomBytes(4).toString('hex')}`;
  const pattern: Record<string, unknown> = { source: ['aws.ivs'] };
  if (stageArn) Object.assign(pattern, stagePattern(stageArn));
  return { ruleName: name, queueName: name, pattern, owner: `${process.pid}@${hostname()}` };
}

/** The queue policy that lets this rule (and only it) send to the queue (EventBridge User Guide, "Amazon SQS permissions"). */
export function queuePolicy(queueArn: string, ruleArn: string): Record<string, unknown> {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ivsrt-events-tail',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queueArn,
        Condition: { ArnEquals: { 'aws:SourceArn': ruleArn } },
      },
    ],
  };
}

export interface AwsTailIO {
  region: string;
  endpoint?: string;
  credentials?: EventBridgeClientConfig['credentials'];
  /** Each event's envelope, as EventBridge delivered it. */
  onEvent(event: Record<string, unknown>): void;
  /** Progress for a person (stderr). */
  info(line: string): void;
  /** Asks whether to remove leftovers; undefined when nobody can answer (they are then only reported). */
  confirm?: (question: string) => Promise<boolean>;
  /** Ends the tail (Ctrl-C, --until); the rule and queue are removed before `tailAws` resolves. */
  signal: AbortSignal;
}

interface Clients {
  events: EventBridgeClient;
  sqs: SQSClient;
  eb: typeof import('@aws-sdk/client-eventbridge');
  q: typeof import('@aws-sdk/client-sqs');
}

async function clients(io: AwsTailIO): Promise<Clients> {
  const [eb, q] = await Promise.all([import('@aws-sdk/client-eventbridge'), import('@aws-sdk/client-sqs')]);
  const config = { region: io.region, endpoint: io.endpoint, credentials: io.credentials, maxAttempts: 3 };
  return { events: new eb.EventBridgeClient(config), sqs: new q.SQSClient(config), eb, q };
}

function alive(owner: string): boolean {
  const [pid, host] = owner.split('@');
  if (host !== hostname() || !pid) return false;
  try {
    process.kill(Number(pid), 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface Leftovers {
  rules: string[];
  queues: string[];
}

/** Rules and queues an earlier tail left behind: tagged, named ivsrt-tail-*, and their owner is gone. */
async function findLeftovers(c: Clients): Promise<Leftovers> {
  const rules: string[] = [];
  let next: string | undefined;
  do {
    const page = await c.events.send(new c.eb.ListRulesCommand({ NamePrefix: TAIL_PREFIX, NextToken: next }));
    for (const rule of page.Rules ?? []) {
      if (!rule.Arn || !rule.Name) continue;
      const { Tags = [] } = await c.events.send(new c.eb.ListTagsForResourceCommand({ ResourceARN: rule.Arn }));
      const owner = Tags.find((t) => t.Key === TAIL_TAG)?.Value;
      if (owner !== undefined && !alive(owner)) rules.push(rule.Name);
    }
    next = page.NextToken;
  } while (next);
  const queues: string[] = [];
  const { QueueUrls = [] } = await c.sqs.send(new c.q.ListQueuesCommand({ QueueNamePrefix: TAIL_PREFIX }));
  for (const url of QueueUrls) {
    const { Tags = {} } = await c.sqs.send(new c.q.ListQueueTagsCommand({ QueueUrl: url }));
    const owner = Tags[TAIL_TAG];
    if (owner !== undefined && !alive(owner)) queues.push(url);
  }
  return { rules, queues };
}

async function removeRule(c: Clients, name: string): Promise<void> {
  const { Targets = [] } = await c.events.send(new c.eb.ListTargetsByRuleCommand({ Rule: name }));
  if (Targets.length > 0) await c.events.send(new c.eb.RemoveTargetsCommand({ Rule: name, Ids: Targets.map((t) => t.Id!) }));
  await c.events.send(new c.eb.DeleteRuleCommand({ Name: name }));
}

async function offerCleanup(c: Clients, io: AwsTailIO): Promise<void> {
  const found = await findLeftovers(c);
  const count = found.rules.length + found.queues.length;
  if (count === 0) return;
  const list = [...found.rules.map((r) => `rule ${r}`), ...found.queues.map((u) => `queue ${u}`)].join(', ');
  const yes = io.confirm ? await io.confirm(`An earlier events tail was killed and left ${list}. Remove them?`) : false;
  if (!yes) {
    io.info(`note: an earlier events tail left ${list}; run ivsrt events tail on a terminal (or with --yes) to remove them`);
    return;
  }
  for (const rule of found.rules) await removeRule(c, rule);
  for (const url of found.queues) await c.sqs.send(new c.q.DeleteQueueCommand({ QueueUrl: url }));
  io.info(`removed ${list}`);
}

/** Creates the rule and the queue, prints events until `io.signal` aborts, then removes both. */
export async function tailAws(plan: AwsTailPlan, io: AwsTailIO): Promise<void> {
  const c = await clients(io);
  try {
    await offerCleanup(c, io);
    const tags = [{ Key: TAIL_TAG, Value: plan.owner }];
    let ruleArn: string | undefined;
    let queueUrl: string | undefined;
    try {
      ({ RuleArn: ruleArn } = await c.events.send(
        new c.eb.PutRuleCommand({
          Name: plan.ruleName,
          EventPattern: JSON.stringify(plan.pattern),
          State: 'ENABLED',
          Description: `ivsrt events tail (${plan.owner}); removed when the tail ends`,
          Tags: tags,
        }),
      ));
      ({ QueueUrl: queueUrl } = await c.sqs.send(new c.q.CreateQueueCommand({ QueueName: plan.queueName, tags: { [TAIL_TAG]: plan.owner }, Attributes: { MessageRetentionPeriod: '3600' } })));
      const { Attributes = {} } = await c.sqs.send(new c.q.GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
      const queueArn = Attributes.QueueArn!;
      await c.sqs.send(new c.q.SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { Policy: JSON.stringify(queuePolicy(queueArn, ruleArn!)) } }));
      await c.events.send(new c.eb.PutTargetsCommand({ Rule: plan.ruleName, Targets: [{ Id: 'ivsrt-tail-queue', Arn: queueArn }] }));
      io.info(`tailing IVS events through rule ${plan.ruleName} and queue ${plan.queueName} (both removed on exit)`);
      await poll(c, queueUrl!, io);
    } finally {
      // Cleanup must run even though the tail was aborted: its own calls take no signal.
      const removed: string[] = [];
      if (ruleArn) {
        await removeRule(c, plan.ruleName).then(
          () => removed.push(`rule ${plan.ruleName}`),
          (error: unknown) => io.info(`could not remove rule ${plan.ruleName}: ${(error as Error).message}`),
        );
      }
      if (queueUrl) {
        await c.sqs.send(new c.q.DeleteQueueCommand({ QueueUrl: queueUrl })).then(
          () => removed.push(`queue ${plan.queueName}`),
          (error: unknown) => io.info(`could not remove queue ${plan.queueName}: ${(error as Error).message}`),
        );
      }
      if (removed.length > 0) io.info(`removed ${removed.join(' and ')}`);
    }
  } finally {
    c.events.destroy();
    c.sqs.destroy();
  }
}

async function poll(c: Clients, queueUrl: string, io: AwsTailIO): Promise<void> {
  while (!io.signal.aborted) {
    let messages: Message[];
    try {
      ({ Messages: messages = [] } = await c.sqs.send(new c.q.ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 20 }), { abortSignal: io.signal }));
    } catch (error) {
      if (io.signal.aborted) return;
      throw error;
    }
    for (const message of messages) {
      try {
        io.onEvent(JSON.parse(message.Body ?? '') as Record<string, unknown>);
      } catch {
        io.info(`skipped a message that is not an event: ${String(message.Body).slice(0, 200)}`);
      }
    }
    if (messages.length > 0) {
      await c.sqs.send(new c.q.DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
    }
  }
}
