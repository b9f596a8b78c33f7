// replication start/stop/list and tag list/add/remove end to end: the real bin against a spawned
// emulator, with a publisher put on the source stage through its admin route.
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { joinWith } from '../helpers/activity.js';
import { emulatorBed } from '../helpers/bed.js';

const bed = emulatorBed();
const { cli, api } = bed;

const ANSI = /\x1b\[/;
const STRIP = /\x1b\[[0-9;]*m/g;
const A_STAGE = 'arn:aws:ivs:us-east-1:123456789012:stage/abcdABCD1234';

/** A publisher on stage `<name>-from`, and an empty stage `<name>-to`: every replication test has its own. */
async function publishing(name: string) {
  const from = `${name}-from`;
  const to = `${name}-to`;
  const source = (await api('CreateStage', { name: from })).stage.arn as string;
  const destination = (await api('CreateStage', { name: to })).stage.arn as string;
  const { participantToken } = await api('CreateParticipantToken', { stageArn: source, userId: 'host', attributes: { role: 'host' } });
  const joined = await joinWith(bed.emu.url, participantToken.token, true);
  return { from, to, source, destination, publisher: joined.participant.participantId, sourceSession: joined.sessionId };
}

/** The same, already replicating from `<name>-from` to `<name>-to`. */
async function replicating(name: string) {
  const set = await publishing(name);
  await api('StartParticipantReplication', { sourceStageArn: set.source, destinationStageArn: set.destination, participantId: set.publisher });
  return set;
}

describe('replication', () => {
  it('start by stage names: the replica appears in the destination with the same id and merged attributes', async () => {
    const { from, to, source, publisher, sourceSession } = await publishing('start');
    const r = await cli(['replication', 'start', publisher, '--from', from, '--to', to, '--attributes', 'role=guest,room=overflow', '--json']);
    expect(r.code, r.stderr).toBe(0);
    // Like `aws ivs-realtime start-participant-replication`: the echoed headers are the whole response.
    expect(r.json()).toMatchObject({ accessControlAllowOrigin: '*', xFrameOptions: expect.any(String) });

    const replica = await cli(['participant', 'get', to, publisher, '--json']);
    expect(replica.code, replica.stderr).toBe(0);
    expect(replica.json().participant).toMatchObject({
      participantId: publisher,
      replicationType: 'REPLICA',
      sourceStageArn: source,
      sourceSessionId: sourceSession,
      attributes: { role: 'guest', room: 'overflow' },
    });
  });

  it('list shows the replica as the API returns it', async () => {
    const { from, source, destination, publisher, sourceSession } = await replicating('list');
    const r = await cli(['replication', 'list', publisher, '--from', from, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toEqual(await api('ListParticipantReplicas', { sourceStageArn: source, participantId: publisher }));
    expect(r.json().replicas).toEqual([
      { sourceStageArn: source, participantId: publisher, sourceSessionId: sourceSession, destinationStageArn: destination, destinationSessionId: expect.stringMatching(/^st-/), replicationState: 'ACTIVE' },
    ]);
  });

  it('list: tab-separated when piped, a table on a terminal', async () => {
    const { source, destination, publisher, sourceSession } = await replicating('rows');
    const tsv = await cli(['replication', 'list', publisher, '--from', source]);
    expect(tsv.stdout).not.toMatch(ANSI);
    expect(tsv.stdout.replace(/\n$/, '').split('\t')).toEqual([destination, expect.stringMatching(/^st-/), sourceSession, 'ACTIVE']);
    const tty = await cli(['replication', 'list', publisher, '--from', source], { IVSRT_FORCE_TTY: '200' });
    const [head, row] = tty.stdout.replace(STRIP, '').split('\n');
    expect(head).toMatch(/DESTINATION STAGE\s+DESTINATION SESSION\s+SOURCE SESSION\s+STATE/);
    expect(row).toMatch(new RegExp(`${destination.replace(/[/]/g, '\\/')}\\s+st-\\w+\\s+${sourceSession}\\s+ACTIVE`));
  });

  it('starting the same replication again is the service error, 254 ConflictException', async () => {
    const { from, to, publisher } = await replicating('again');
    const r = await cli(['replication', 'start', publisher, '--from', from, '--to', to]);
    expect(r.code).toBe(254);
    expect(r.stderr).toContain('ConflictException');
  });

  it('flag problems are 252 naming the flag, with nothing sent: --page-size over 50, --reconnect-window over 300, no --to', async () => {
    const before = bed.counting.requests.length;
    const page = await runCli(['replication', 'list', 'p1', '--from', A_STAGE, '--page-size', '60'], { endpoint: bed.counting.url });
    expect(page.code).toBe(252);
    expect(page.stderr).toMatch(/--page-size must be .*50/);
    const window = await runCli(['replication', 'start', 'p1', '--from', A_STAGE, '--to', A_STAGE, '--reconnect-window', '301'], { endpoint: bed.counting.url });
    expect(window.code).toBe(252);
    expect(window.stderr).toContain('--reconnect-window must be at most 300');
    const missing = await runCli(['replication', 'start', 'p1', '--from', A_STAGE], { endpoint: bed.counting.url });
    expect(missing.code).toBe(252);
    expect(missing.stderr).toContain('--to is required');
    expect(bed.counting.requests.length).toBe(before);
  });

  it('stop without a terminal and without --yes: 252 and the replication goes on', async () => {
    const { from, to, source, publisher } = await replicating('ask');
    const r = await cli(['replication', 'stop', publisher, '--from', from, '--to', to]);
    expect(r.code).toBe(252);
    expect(r.stderr).toContain('--yes');
    const replicas = await api('ListParticipantReplicas', { sourceStageArn: source, participantId: publisher });
    expect(replicas.replicas[0].replicationState).toBe('ACTIVE');
  });

  it('stop --yes ends it: the replica leaves and the list says STOPPED; stopping again is 254', async () => {
    const { from, to, destination, publisher } = await replicating('stop');
    const r = await cli(['replication', 'stop', publisher, '--from', from, '--to', to, '--yes']);
    expect(r.code, r.stderr).toBe(0);
    const listed = await cli(['replication', 'list', publisher, '--from', from, '--json', '--query', 'replicas[0].replicationState']);
    expect(listed.stdout).toBe('"STOPPED"\n');
    const events = await cli(['participant', 'events', from, publisher, '--json', '--query', 'events[0].[name,destinationStageArn]']);
    expect(events.json()).toEqual(['REPLICATION_STOPPED', destination]);
    const again = await cli(['replication', 'stop', publisher, '--from', from, '--to', to, '--yes']);
    expect(again.code).toBe(254);
    expect(again.stderr).toContain('ResourceNotFoundException');
  });
});

describe('tags', () => {
  let source: string;
  beforeAll(async () => {
    source = (await api('CreateStage', { name: 'main-room' })).stage.arn;
    await api('CreateStage', { name: 'overflow' });
  });

  it('add, list and remove on a stage named by name', async () => {
    const added = await cli(['tag', 'add', 'main-room', '--tags', 'team=video,env=prod']);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toBe('');
    const listed = await cli(['tag', 'list', 'main-room', '--json']);
    expect(listed.json()).toEqual({ tags: { team: 'video', env: 'prod' } });
    expect(listed.json()).toEqual(await api('ListTagsForResource', { resourceArn: source }));

    const removed = await cli(['tag', 'remove', 'main-room', '--keys', 'env']);
    expect(removed.code, removed.stderr).toBe(0);
    expect((await api('ListTagsForResource', { resourceArn: source })).tags).toEqual({ team: 'video' });
  });

  it('a name resolves across resource kinds (here an encoder configuration); an ARN is used as is', async () => {
    const encoder = (await api('CreateEncoderConfiguration', { name: 'hd-encoder' })).encoderConfiguration.arn;
    expect((await cli(['tag', 'add', 'hd-encoder', '--tags', 'tier=gold'])).code).toBe(0);
    expect((await api('ListTagsForResource', { resourceArn: encoder })).tags).toEqual({ tier: 'gold' });
    const byArn = await cli(['tag', 'list', encoder, '--json']);
    expect(byArn.json()).toEqual({ tags: { tier: 'gold' } });
  });

  it('list: key<TAB>value when piped, key and value on a terminal', async () => {
    await cli(['tag', 'add', 'overflow', '--tags', 'team=video,env=dev']);
    const tsv = await cli(['tag', 'list', 'overflow']);
    expect(tsv.stdout).not.toMatch(ANSI);
    expect(tsv.stdout.trim().split('\n').sort()).toEqual(['env\tdev', 'team\tvideo']);
    const tty = await cli(['tag', 'list', 'overflow'], { IVSRT_FORCE_TTY: '120' });
    expect(tty.stdout.replace(STRIP, '')).toMatch(/^team\s+video$/m);
  });

  it('an unknown name or ARN is 254 ResourceNotFoundException', async () => {
    const name = await cli(['tag', 'list', 'no-such-thing']);
    expect(name.code).toBe(254);
    expect(name.stderr).toContain('ResourceNotFoundException');
    const arn = await cli(['tag', 'add', 'arn:aws:ivs:us-east-1:123456789012:stage/nosuchstage1', '--tags', 'a=b']);
    expect(arn.code).toBe(254);
    expect(arn.stderr).toContain('ResourceNotFoundException');
  });

  it('missing --tags / --keys and over-long keys are 252 naming the flag, with nothing sent', async () => {
    const before = bed.counting.requests.length;
    const noTags = await runCli(['tag', 'add', A_STAGE], { endpoint: bed.counting.url });
    expect(noTags.code).toBe(252);
    expect(noTags.stderr).toContain('--tags is required');
    const noKeys = await runCli(['tag', 'remove', A_STAGE], { endpoint: bed.counting.url });
    expect(noKeys.code).toBe(252);
    expect(noKeys.stderr).toContain('--keys is required');
    const long = await runCli(['tag', 'add', A_STAGE, '--tags', `${'k'.repeat(129)}=v`], { endpoint: bed.counting.url });
    expect(long.code).toBe(252);
    expect(long.stderr).toContain('--tags');
    expect(bed.counting.requests.length).toBe(before);
  });
});
