// ListParticipants and ListStages page from where the last page stopped: participants that retention
// purges (or stages deleted) between two pages shift nothing, so a walk returns everyone still there,
// once, in join order. The pages' bytes are what JSON.stringify makes of the summaries. Real emulator over
// HTTP with the real SDK; the pure parts (the sequenced map, the serialiser) are checked directly.
import * as sdk from '@aws-sdk/client-ivs-realtime';
import { expect, test } from 'vitest';
import { SequencedMap } from '../../src/emulator/state/sequenced-map.js';
import { JsonItems, jsonBody } from '../../src/emulator/http/wire.js';
import { admin, emulatorPerTest, ok, raw } from './helpers.js';

const emulators = emulatorPerTest();

test('a sequenced map keeps insertion order and numbers through replacements and deletions', () => {
  const map = new SequencedMap<string>();
  for (const key of ['a', 'b', 'c', 'd']) map.set(key, key.toUpperCase());
  map.set('b', 'B2'); // a replacement keeps its place and number
  map.delete('a');
  map.delete('c');
  map.set('e', 'E');
  expect([...map.values()]).toEqual(['B2', 'D', 'E']);
  expect([0, 1, 2].map((i) => [map.seqAt(i), map.valueAt(i)])).toEqual([[1, 'B2'], [3, 'D'], [4, 'E']]);
  // from a deleted number, the next live one; past the end, the size
  expect(map.indexFrom(0)).toBe(0);
  expect(map.indexFrom(2)).toBe(1);
  expect(map.indexFrom(4)).toBe(2);
  expect(map.indexFrom(5)).toBe(3);
  map.clear();
  map.set('a', 'again');
  expect([map.seqAt(0), map.size]).toEqual([5, 1]);
});

test('pre-serialised items make the same bytes as JSON.stringify of the values, text beyond ASCII included', () => {
  const items = [{ participantId: 'p1', userId: '', published: false }, { participantId: 'p3', userId: 'zoë 🎥' }, { participantId: 'p"2', state: 'CONNECTED', extra: undefined }];
  for (const body of [
    { participants: new JsonItems(items.map((i) => Buffer.from(JSON.stringify(i)))), nextToken: 'abc' },
    { participants: new JsonItems(items.map((i) => Buffer.from(JSON.stringify(i)))), nextToken: undefined },
    { stages: new JsonItems([]) },
  ]) {
    const plain = JSON.parse(JSON.stringify(body)) as unknown; // through JsonItems.toJSON
    expect(jsonBody(body).toString()).toBe(JSON.stringify(plain));
  }
  expect(jsonBody({ participants: new JsonItems(items.map((i) => Buffer.from(JSON.stringify(i)))), nextToken: 'abc' }).toString()).toBe(JSON.stringify({ participants: items, nextToken: 'abc' }));
});

test('ListParticipants pages go on from where they stopped while retention purges participants already listed', async () => {
  const { emu, client } = await emulators.start({ retention: { departedParticipantsPerSession: 2 } });
  const stageArn = (await client.send(new sdk.CreateStageCommand({ name: 'paging' }))).stage!.arn!;
  const join = async (id: string, publish = false) => (await ok(admin(emu.url, 'POST', 'join', { stageArn, participantId: id, userId: `user-${id}`, publish }))).sessionId as string;
  const leave = (id: string) => ok(admin(emu.url, 'POST', 'leave', { stageArn, participantId: id }));
  const ids = Array.from({ length: 12 }, (_, i) => `p${String(i).padStart(2, '0')}`);
  const sessionId = await join(ids[0]!, true);
  for (const id of ids.slice(1)) await join(id, ids.indexOf(id) % 3 === 0);

  const seen: string[] = [];
  let nextToken: string | undefined;
  let pages = 0;
  do {
    const page: sdk.ListParticipantsCommandOutput = await client.send(new sdk.ListParticipantsCommand({ stageArn, sessionId, maxResults: 3, nextToken }));
    seen.push(...page.participants!.map((p) => p.participantId!));
    nextToken = page.nextToken;
    // Three who were listed already leave; past two departed, retention purges the oldest of them,
    // which (with offsets) would shift the rest of the list under the next page.
    if (pages++ === 1) for (const id of seen.slice(0, 3)) await leave(id);
    if (pages === 2) await join('late'); // the join is what makes retention purge
  } while (nextToken && pages < 20);

  const everyone = (await client.send(new sdk.ListParticipantsCommand({ stageArn, sessionId, maxResults: 100 }))).participants!.map((p) => p.participantId!);
  expect(everyone).not.toContain(ids[0]); // purged meanwhile
  expect(seen).toEqual([...ids, 'late']);

  // a filter pages the same way: the token skips what the filter drops
  const publishers: string[] = [];
  nextToken = undefined;
  do {
    const page: sdk.ListParticipantsCommandOutput = await client.send(new sdk.ListParticipantsCommand({ stageArn, sessionId, maxResults: 1, nextToken, filterByPublished: true }));
    publishers.push(...page.participants!.map((p) => p.participantId!));
    nextToken = page.nextToken;
  } while (nextToken);
  expect(publishers).toEqual(everyone.filter((id) => ['p03', 'p06', 'p09'].includes(id)));
});

test('ListStages pages do not shift when a stage listed earlier is deleted; the page is the summaries as JSON', async () => {
  const { emu, client } = await emulators.start();
  const arns: string[] = [];
  for (let i = 0; i < 5; i++) arns.push((await client.send(new sdk.CreateStageCommand({ name: `s${i}`, tags: { i: String(i) } }))).stage!.arn!);
  const first = await client.send(new sdk.ListStagesCommand({ maxResults: 2 }));
  await client.send(new sdk.DeleteStageCommand({ arn: arns[0] }));
  const second = await client.send(new sdk.ListStagesCommand({ maxResults: 2, nextToken: first.nextToken }));
  expect([...first.stages!, ...second.stages!].map((s) => s.name)).toEqual(['s0', 's1', 's2', 's3']);

  const reply = await raw(emu.url, 'POST', '/ListStages', JSON.stringify({ maxResults: 2 }));
  const expected = { stages: arns.slice(1, 3).map((arn, n) => ({ arn, name: `s${n + 1}`, tags: { i: String(n + 1) } })), nextToken: (reply.body as { nextToken: string }).nextToken };
  expect(reply.text).toBe(JSON.stringify(expected));
});

test('a page with text beyond ASCII declares its length in bytes and carries the same text', async () => {
  const { emu, client } = await emulators.start();
  const stageArn = (await client.send(new sdk.CreateStageCommand({ name: 'bytes' }))).stage!.arn!;
  const sessionId = (await ok(admin(emu.url, 'POST', 'join', { stageArn, participantId: 'p1', userId: 'zoë 🎥', attributes: { note: 'ñ' } }))).sessionId as string;
  const reply = await raw(emu.url, 'POST', '/ListParticipants', JSON.stringify({ stageArn, sessionId }));
  expect(reply.status, reply.text).toBe(200);
  expect(Number(reply.headers.get('content-length'))).toBe(Buffer.byteLength(reply.text));
  expect((reply.body as { participants: { userId: string }[] }).participants.map((p) => p.userId)).toEqual(['zoë 🎥']);
});

test('a page made once is handed out again only while its texts and items are the very same', () => {
  const items = [Buffer.from('{"participantId":"p1"}'), Buffer.from('{"participantId":"p2"}')];
  const made = jsonBody({ participants: new JsonItems(items), nextToken: 'abc' });
  expect(jsonBody({ participants: new JsonItems([...items]), nextToken: 'abc' })).toBe(made); // the same Buffer, not a copy
  // another token, one item fewer, an item with other bytes (a changed record), an item with equal bytes but made anew
  expect(jsonBody({ participants: new JsonItems(items), nextToken: 'abd' }).toString()).toBe('{"participants":[{"participantId":"p1"},{"participantId":"p2"}],"nextToken":"abd"}');
  expect(jsonBody({ participants: new JsonItems(items.slice(0, 1)), nextToken: 'abc' }).toString()).toBe('{"participants":[{"participantId":"p1"}],"nextToken":"abc"}');
  const changed = [items[0]!, Buffer.from('{"participantId":"p2","state":"DISCONNECTED"}')];
  expect(jsonBody({ participants: new JsonItems(changed), nextToken: 'abc' }).toString()).toBe('{"participants":[{"participantId":"p1"},{"participantId":"p2","state":"DISCONNECTED"}],"nextToken":"abc"}');
  expect(jsonBody({ participants: new JsonItems([items[0]!, Buffer.from(items[1]!)]), nextToken: 'abc' })).not.toBe(made);
  // the Buffer handed out first was not written to since
  expect(made.toString()).toBe('{"participants":[{"participantId":"p1"},{"participantId":"p2"}],"nextToken":"abc"}');
});

test('the same page asked for again shows participants changed, joined and purged since, and stages renamed', async () => {
  const { emu, client } = await emulators.start({ retention: { departedParticipantsPerSession: 1 } });
  const stageArn = (await client.send(new sdk.CreateStageCommand({ name: 'before' }))).stage!.arn!;
  const join = async (id: string) => (await ok(admin(emu.url, 'POST', 'join', { stageArn, participantId: id, userId: `user-${id}` }))).sessionId as string;
  const sessionId = await join('p1');
  await join('p2');
  const page = async () => (await client.send(new sdk.ListParticipantsCommand({ stageArn, sessionId, maxResults: 3 }))).participants!.map((p) => `${p.participantId} ${p.state} ${p.published}`);
  expect(await page()).toEqual(['p1 CONNECTED false', 'p2 CONNECTED false']);
  expect(await page()).toEqual(['p1 CONNECTED false', 'p2 CONNECTED false']);
  await ok(admin(emu.url, 'POST', 'publish', { stageArn, participantId: 'p2' }));
  expect(await page()).toEqual(['p1 CONNECTED false', 'p2 CONNECTED true']);
  await join('p3');
  expect(await page()).toEqual(['p1 CONNECTED false', 'p2 CONNECTED true', 'p3 CONNECTED false']);
  await ok(admin(emu.url, 'POST', 'leave', { stageArn, participantId: 'p1' }));
  expect(await page()).toEqual(['p1 DISCONNECTED false', 'p2 CONNECTED true', 'p3 CONNECTED false']);
  await ok(admin(emu.url, 'POST', 'leave', { stageArn, participantId: 'p3' }));
  await join('p4'); // the departed are at the limit (1): a join purges them (p1, p3)
  expect(await page()).toEqual(['p2 CONNECTED true', 'p4 CONNECTED false']);

  const stages = async () => (await client.send(new sdk.ListStagesCommand({}))).stages!.map((s) => s.name);
  expect(await stages()).toEqual(['before']);
  await client.send(new sdk.UpdateStageCommand({ arn: stageArn, name: 'after' }));
  expect(await stages()).toEqual(['after']);
});

test('a nextToken works only for the request that returned it (but maxResults): another stage, session or filter is a 400', async () => {
  const { emu, client } = await emulators.start();
  const stage = async (name: string) => (await client.send(new sdk.CreateStageCommand({ name }))).stage!.arn!;
  const [a, b] = [await stage('a'), await stage('b')];
  const join = async (stageArn: string, id: string, publish: boolean) => (await ok(admin(emu.url, 'POST', 'join', { stageArn, participantId: id, publish }))).sessionId as string;
  const sessionA = await join(a, 'a1', true);
  for (const id of ['a2', 'a3', 'a4']) await join(a, id, id !== 'a2');
  const sessionB = await join(b, 'b1', true);
  for (const id of ['b2', 'b3', 'b4']) await join(b, id, true);

  const first = await client.send(new sdk.ListParticipantsCommand({ stageArn: a, sessionId: sessionA, maxResults: 1 }));
  expect(first.nextToken).toBeTruthy();
  // The same request with another page size goes on where the first page stopped.
  const rest = await client.send(new sdk.ListParticipantsCommand({ stageArn: a, sessionId: sessionA, maxResults: 10, nextToken: first.nextToken }));
  expect([...first.participants!, ...rest.participants!].map((p) => p.participantId)).toEqual(['a1', 'a2', 'a3', 'a4']);

  // A second session on a, so that its sessions come in two pages.
  for (const id of ['a1', 'a2', 'a3', 'a4']) await ok(admin(emu.url, 'POST', 'leave', { stageArn: a, participantId: id }));
  await join(a, 'a5', false);
  const sessions = await client.send(new sdk.ListStageSessionsCommand({ stageArn: a, maxResults: 1 }));
  expect(sessions.nextToken).toBeTruthy();

  // Before, these were read as a position in a list the token was never in, without a word: b's session came
  // back without its first participant (seen with the AWS CLI: `list-participants --next-token <a's token>`).
  const misuses: [string, Record<string, unknown>][] = [
    ['/ListParticipants', { stageArn: b, sessionId: sessionB, nextToken: first.nextToken }],
    ['/ListParticipants', { stageArn: a, sessionId: sessionA, filterByPublished: true, nextToken: first.nextToken }],
    ['/ListStageSessions', { stageArn: b, nextToken: sessions.nextToken }],
  ];
  for (const [path, body] of misuses) {
    const reply = await raw(emu.url, 'POST', path, JSON.stringify(body));
    expect(reply.status, `${path} ${JSON.stringify(body)}`).toBe(400);
    expect(reply.headers.get('x-amzn-errortype')).toBe('ValidationException');
    expect(reply.body.message).toBe('1 validation error detected: nextToken was returned for another request; pass the same parameters (but maxResults) as the request that returned it');
  }
  // The JS SDK sees the same as a ValidationException.
  await expect(client.send(new sdk.ListParticipantsCommand({ stageArn: b, sessionId: sessionB, nextToken: first.nextToken }))).rejects.toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
  // A token of another operation keeps its own message.
  const stages = await client.send(new sdk.ListStagesCommand({ maxResults: 1 }));
  const foreign = await raw(emu.url, 'POST', '/ListStorageConfigurations', JSON.stringify({ nextToken: stages.nextToken }));
  expect(foreign.body.message).toBe('1 validation error detected: nextToken is not a token this operation returned');
});
