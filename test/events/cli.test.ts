// `ivsrt events sample` and `ivsrt events send` through the real bin; no emulator or account needed
// when the stage is given as an ARN.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_EVENT_NAMES } from '../../src/events/names.js';
import { isExtraEvent, type IvsEvent } from '../../src/emulator/eventbridge/envelope.js';
import { runCli } from '../helpers/cli.js';
import { expectDocumentedShape } from './behaviour-shape.js';
import { startReceiver, type Receiver } from './receiver.js';

const STAGE = 'arn:aws:ivs:eu-west-1:111122223333:stage/KlMnop3Q4rst';

describe('events sample', () => {
  it.each(ALL_EVENT_NAMES.map((name) => [name]))('%s: a documented envelope, about the stage given', async (name) => {
    const kebab = name.toLowerCase().replace(/ /g, '-');
    const extras = isExtraEvent(name);
    const result = await runCli(['events', 'sample', kebab, '--stage', STAGE, ...(extras ? ['--extras'] : [])]);
    expect(result.code, result.stderr).toBe(0);
    const event = result.json<IvsEvent>();
    expectDocumentedShape(event, { extras });
    expect(event.detail.event_name).toBe(name);
    expect(event.account).toBe('111122223333');
    expect(event.region).toBe('eu-west-1');
    expect([event.resources[0], (event.detail as { stage_arn?: string }).stage_arn]).toContain(STAGE);
  });

  it('an event the service is not shown to send needs --extras: one line saying so (exit 252)', async () => {
    const result = await runCli(['events', 'sample', 'participant-replication-started']);
    expect(result.code).toBe(252);
    expect(result.stderr).toMatch(/^error: "Participant Replication Started" is an extra: .*--event-extras\nPass --extras/);
  });

  it('Stage Update samples carry event_time, the envelope time', async () => {
    const event = (await runCli(['events', 'sample', 'participant-published'])).json<IvsEvent>();
    expect((event.detail as { event_time?: string }).event_time).toBe(event.time);
  });

  it('an unknown event name is one line naming it, with the known names (exit 252)', async () => {
    const result = await runCli(['events', 'sample', 'participant-joined']);
    expect(result.code).toBe(252);
    expect(result.stderr).toMatch(/^error: unknown event "participant-joined"\nUse one of: participant-published, .*recording-end-failure\.\n$/);
  });
});

describe('events send', () => {
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(async () => receiver.close());

  it('POSTs one envelope to the handler, as the emulator delivers it', async () => {
    const result = await runCli(['events', 'send', 'Destination Failure', '--to', receiver.url, '--stage', STAGE, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const [got] = await receiver.waitFor(1);
    expectDocumentedShape(got!.body as IvsEvent);
    expect(got!.body.detail).toMatchObject({ event_name: 'Destination Failure', stage_arn: STAGE });
    expect(result.json()).toEqual({ sent: true, id: got!.body.id, eventName: 'Destination Failure', to: receiver.url });
  });

  it('a handler that refuses the event fails the command (exit 255), naming the answer', async () => {
    receiver.answer(500);
    const result = await runCli(['events', 'send', 'recording-start', '--to', receiver.url, '--stage', STAGE]);
    expect(result.code).toBe(255);
    expect(result.stderr.trim()).toBe(`error: ${receiver.url} did not take the event: HTTP 500`);
  });

  it('sends to a command on its standard input', async () => {
    const result = await runCli(['events', 'send', 'token-exchanged', '--extras', '--to', 'exec:grep -q "Token Exchanged"', '--stage', STAGE]);
    expect(result.code, result.stderr).toBe(0);
    const failed = await runCli(['events', 'send', 'participant-published', '--to', 'exec:grep -q "Recording"', '--stage', STAGE]);
    expect(failed.code).toBe(255);
    expect(failed.stderr).toContain('did not take the event: exit code 1');
  });

  it('--to must be a URL or exec:<command> (exit 252)', async () => {
    const result = await runCli(['events', 'send', 'session-end', '--to', 'ftp://somewhere']);
    expect(result.code).toBe(252);
    expect(result.stderr.trim()).toBe('error: --to must be an http:// or https:// URL, got "ftp://somewhere"');
  });
});
