// ivsrt's pattern matcher against an independent EventBridge: moto server. moto 5 has no
// TestEventPattern, so each case gets its own event bus with one rule (the case's pattern) that
// targets one shared SQS queue; the case's event is put on its bus, and what reached the queue says
// whether moto matched. Where moto is known to be wrong the case says why and asserts moto's answer
// is the documented one's opposite, so a fixed moto shows up here.
import { CreateEventBusCommand, EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchesPattern } from '../../src/emulator/eventbridge/pattern.js';
import { MOTO_CREDENTIALS, motoMissing, startMoto, type Moto } from './moto.js';
import { envelopeOf, PATTERN_CASES } from './pattern-cases.js';

// The SDK's Node-version notice is not this test's business.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const missing = motoMissing();
if (missing) console.warn(`skipping the moto pattern comparison: ${missing}`);

describe.skipIf(missing !== undefined)('event patterns agree with moto EventBridge', () => {
  let moto: Moto;
  /** Case index -> did moto deliver the event. */
  const motoMatched = new Map<number, boolean>();
  /** Case index -> the envelope moto delivered (or the one it would have, built like moto's). */
  const envelopes = new Map<number, Record<string, unknown>>();

  beforeAll(async () => {
    moto = await startMoto();
    const config = { region: 'us-east-1', endpoint: moto.url, credentials: MOTO_CREDENTIALS };
    const events = new EventBridgeClient(config);
    const sqs = new SQSClient(config);
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'pattern-cases' }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    const eventIds = new Map<string, number>();
    // Cases are independent (one bus each), so a few run at a time.
    const setUp = async (i: number): Promise<void> => {
      const c = PATTERN_CASES[i]!;
      const bus = `case-${i}`;
      await events.send(new CreateEventBusCommand({ Name: bus }));
      await events.send(new PutRuleCommand({ Name: `rule-${i}`, EventBusName: bus, EventPattern: JSON.stringify(c.pattern) }));
      await events.send(new PutTargetsCommand({ Rule: `rule-${i}`, EventBusName: bus, Targets: [{ Id: 'queue', Arn: Attributes!.QueueArn! }] }));
      const put = await events.send(
        new PutEventsCommand({ Entries: [{ EventBusName: bus, Source: c.event.source, DetailType: c.event.detailType, Resources: c.event.resources, Detail: JSON.stringify(c.event.detail) }] }),
      );
      const id = put.Entries![0]!.EventId!;
      eventIds.set(id, i);
      motoMatched.set(i, false);
      envelopes.set(i, envelopeOf(c.event, id));
    };
    const indexes = PATTERN_CASES.map((_, i) => i);
    for (let at = 0; at < indexes.length; at += 8) await Promise.all(indexes.slice(at, at + 8).map(setUp));
    // moto delivers to SQS inside PutEvents, so the queue already holds every matched event.
    for (;;) {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
      if (Messages.length === 0) break;
      for (const message of Messages) {
        const body = JSON.parse(message.Body!) as Record<string, unknown>;
        const i = eventIds.get(body.id as string);
        if (i === undefined) throw new Error(`an event nobody put reached the queue: ${message.Body}`);
        motoMatched.set(i, true);
        envelopes.set(i, body);
      }
    }
    events.destroy();
    sqs.destroy();
  }, 120_000);

  afterAll(async () => {
    await moto?.stop();
  });

  it('covers at least 40 pattern/event pairs', () => {
    expect(PATTERN_CASES.length).toBeGreaterThanOrEqual(40);
    expect(motoMatched.size).toBe(PATTERN_CASES.length);
  });

  it.each(PATTERN_CASES.map((c, i) => [c.name, i] as const))('%s', (_name, i) => {
    const c = PATTERN_CASES[i]!;
    const ours = matchesPattern(c.pattern, envelopes.get(i));
    expect(ours).toBe(c.matches);
    if (c.motoDiffers) expect(motoMatched.get(i), `moto now agrees with EventBridge; drop motoDiffers from "${c.name}"`).toBe(!c.matches);
    else expect(ours).toBe(motoMatched.get(i));
  });
});
