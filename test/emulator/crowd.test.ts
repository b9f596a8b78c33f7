// The crowd simulator's route (POST /_ivsrt/crowd): many leave and join in one request, what the stage
// refuses is reported per participant, a bad body changes nothing. And the counts each session keeps
// (connected, publishing, subscribing, who left) agree with a scan of the session after any mix of changes.
import * as sdk from '@aws-sdk/client-ivs-realtime';
import { expect, test } from 'vitest';
import { AdminClient, AdminError } from '../../src/local/admin-client.js';
import { Store, type ParticipantRec } from '../../src/emulator/state/store.js';
import { emulatorPerTest } from './helpers.js';

const emulators = emulatorPerTest();

test('one request: leavers leave, newcomers join and publish or subscribe to the publishers; refusals are reported; a bad body changes nothing', async () => {
  const { emu, client } = await emulators.start({ quotas: { publishersPerStage: 2 } });
  const admin = new AdminClient(emu.url);
  const stageArn = (await client.send(new sdk.CreateStageCommand({ name: 'crowd' }))).stage!.arn!;
  const first = await admin.crowd({
    stageArn,
    join: [
      { userId: 'host-1', publish: true },
      { userId: 'host-2', publish: true },
      { userId: 'host-3', publish: true }, // over the quota of 2: joins, does not publish
      { userId: 'viewer', capabilities: ['SUBSCRIBE'] },
    ],
    subscribe: true,
  });
  expect(first.joined.map((p) => [p.userId, p.published])).toEqual([['host-1', true], ['host-2', true], ['host-3', false], ['viewer', false]]);
  expect(first.refused).toEqual([expect.stringMatching(/^host-3: .*2 publishers/)]);
  const idOf = (userId: string) => first.joined.find((p) => p.userId === userId)!.participantId;
  const sessionId = first.sessionId!;
  const events = async (userId: string) =>
    (await client.send(new sdk.ListParticipantEventsCommand({ stageArn, sessionId, participantId: idOf(userId) }))).events!.map((e) => [e.name, e.remoteParticipantId]).reverse();
  // host-3 joined without publishing, so it subscribes to the two publishers like the viewer
  expect(await events('viewer')).toEqual([['JOINED', undefined], ['SUBSCRIBE_STARTED', idOf('host-1')], ['SUBSCRIBE_STARTED', idOf('host-2')]]);
  expect((await events('host-3')).filter(([name]) => name === 'SUBSCRIBE_STARTED')).toHaveLength(2);

  const second = await admin.crowd({ stageArn, leave: [idOf('host-1'), 'nobody'], join: [{ userId: 'late' }] });
  expect(second.left).toEqual([idOf('host-1')]);
  expect(second.refused).toEqual([expect.stringMatching(/^nobody: participant nobody is not connected/)]);
  expect(second.joined.map((p) => p.userId)).toEqual(['late']);

  const listed = async () => (await client.send(new sdk.ListParticipantsCommand({ stageArn, sessionId, maxResults: 100 }))).participants!.map((p) => [p.userId, p.state]);
  const before = await listed();
  const bad = await admin.crowd({ stageArn, leave: [idOf('viewer')], join: [{ userId: 'fine' }, { userId: 'x'.repeat(200) }] }).catch((e: unknown) => e);
  expect(bad).toBeInstanceOf(AdminError);
  expect(bad).toMatchObject({ status: 400 });
  expect(await listed()).toEqual(before);
});

test("a session's counts of connected, publishing and subscribing participants, and who left, match a scan after any mix of changes", () => {
  const store = new Store();
  store.apply({ k: 'session', v: { id: 's', stageArn: 'arn', startTime: 0 } });
  const roster = store.participants.get('s')!;
  let seed = 11;
  const random = (n: number) => (seed = (seed * 16807) % 2147483647) % n;
  for (let step = 0; step < 3000; step++) {
    const id = `p${random(60)}`;
    const was = roster.get(id);
    if (was && random(10) === 0) {
      store.apply({ k: 'purge-participant', stageArn: 'arn', s: 's', p: id });
    } else {
      const connected = random(3) > 0;
      const p: ParticipantRec = {
        id,
        stageArn: 'arn',
        sessionId: 's',
        connected,
        firstJoinTime: was?.firstJoinTime ?? step,
        published: true,
        publishing: connected && random(2) === 0,
        capabilities: 3,
        protocol: 'WHIP',
        subscriptions: connected && random(2) === 0 ? ['p1'] : undefined,
        events: [],
      };
      store.apply({ k: 'participant', v: p });
    }
    const everyone = [...roster.values()];
    const scanned = {
      connected: everyone.filter((p) => p.connected).length,
      publishing: everyone.filter((p) => p.connected && p.publishing).length,
      subscribers: everyone.filter((p) => p.connected && p.subscriptions?.length).length,
      departed: everyone.filter((p) => !p.connected).map((p) => p.id),
    };
    expect({ connected: roster.connected, publishing: roster.publishing, subscribers: roster.subscribers, departed: [...roster.departed()].map((p) => p.id) }).toEqual(scanned);
  }
});
