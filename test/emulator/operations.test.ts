// Every operation of the model through the real JS SDK client: a happy path and at least one error
// path each. The last test checks that all 39 were exercised both ways.
import * as sdk from '@aws-sdk/client-ivs-realtime';
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { OPERATIONS } from '../../src/model/api.js';
import { decodeJwt, signEs384 } from '../../src/tokens/jwt.js';
import type { RunningEmulator } from '../../src/emulator/assemble.js';
import { admin, failure, startTestEmulator } from './helpers.js';

let emu: RunningEmulator;
let client: sdk.IVSRealTimeClient;
const succeeded = new Set<string>();
const failed = new Set<string>();

type AnyCommand = { constructor: { name: string } } & any;
const operationOf = (command: AnyCommand): string => command.constructor.name.replace(/Command$/, '');

async function ok<T = Record<string, any>>(command: AnyCommand): Promise<T> {
  const out = await client.send(command);
  succeeded.add(operationOf(command));
  return out as T;
}

async function fails(command: AnyCommand, name: string, status: number): Promise<{ name: string; message: string }> {
  const error = await failure(client.send(command));
  expect(error.name, error.message).toBe(name);
  expect(error.$metadata?.httpStatusCode).toBe(status);
  failed.add(operationOf(command));
  return error;
}

const MISSING = (type: string) => `arn:aws:ivs:us-east-1:123456789012:${type}/doesNotExist1`;

beforeAll(async () => {
  ({ emu, client } = await startTestEmulator({ clock: { speed: 1 } }));
});
afterAll(async () => {
  client.destroy();
  await emu.close();
});

async function join(token: string, publish = false): Promise<{ participant: Record<string, unknown>; sessionId: string }> {
  const reply = await admin(emu.url, 'POST', 'join', { token, publish });
  expect(reply.status, reply.text).toBe(200);
  return reply.body as { participant: Record<string, unknown>; sessionId: string };
}

describe('stages and tokens', () => {
  let stageArn: string;

  test('CreateStage returns the stage, endpoints and one token per configuration, in order', async () => {
    const out = await ok(
      new sdk.CreateStageCommand({
        name: 'demo-stage',
        tags: { team: 'video' },
        participantTokenConfigurations: [{ userId: 'alice', attributes: { role: 'host' } }, { userId: 'bob', capabilities: ['SUBSCRIBE'], duration: 60 }],
      }),
    );
    stageArn = out.stage.arn;
    expect(stageArn).toMatch(/^arn:aws:ivs:us-east-1:123456789012:stage\/[a-zA-Z0-9]{12}$/);
    expect(out.stage.name).toBe('demo-stage');
    expect(out.stage.tags).toEqual({ team: 'video' });
    expect(out.stage.endpoints.events).toBe('wss://global.events.live-video.net');
    // The emulator's own WHIP endpoint, where real media can be published (docs/fidelity.md).
    expect(out.stage.endpoints.whip).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/whip\/[0-9a-f]{12}$/);
    expect(out.stage.endpoints.rtmp).toMatch(/^rtmp:\/\/[0-9a-f]{12}\.global-contribute\.live-video\.net\/app\/$/);
    expect(out.stage.endpoints.rtmps).toMatch(/^rtmps:\/\/[0-9a-f]{12}\.global-contribute\.live-video\.net:443\/app\/$/);
    expect(out.stage.activeSessionId).toBeUndefined();
    expect(out.participantTokens.map((t: { userId: string }) => t.userId)).toEqual(['alice', 'bob']);
    const [alice, bob] = out.participantTokens;
    expect(alice.capabilities).toEqual(['PUBLISH', 'SUBSCRIBE']);
    expect(alice.duration).toBe(720);
    expect(bob.capabilities).toEqual(['SUBSCRIBE']);
    const claims = decodeJwt(bob.token);
    expect(claims.header).toEqual({ alg: 'KMS', typ: 'JWT' });
    expect(claims.payload).toMatchObject({
      jti: bob.participantId,
      resource: stageArn,
      topic: stageArn.split('/')[1],
      user_id: 'bob',
      capabilities: { allow_subscribe: true },
      version: '0.0',
      events_url: out.stage.endpoints.events,
      whip_url: out.stage.endpoints.whip,
    });
    expect((claims.payload.exp as number) - (claims.payload.iat as number)).toBe(3600);
    expect(bob.expirationTime.getTime()).toBe((claims.payload.exp as number) * 1000);
    expect(decodeJwt(alice.token).payload.attributes).toEqual({ role: 'host' });
  });

  test('CreateStage rejects a bad name', async () => {
    const e = await fails(new sdk.CreateStageCommand({ name: 'no spaces allowed' }), 'ValidationException', 400);
    expect(e.message).toBe('1 validation error detected: name must match the pattern [a-zA-Z0-9-_]*');
  });

  test('GetStage', async () => {
    const out = await ok(new sdk.GetStageCommand({ arn: stageArn }));
    expect(out.stage.arn).toBe(stageArn);
    await fails(new sdk.GetStageCommand({ arn: MISSING('stage') }), 'ResourceNotFoundException', 404);
  });

  test('UpdateStage renames', async () => {
    const out = await ok(new sdk.UpdateStageCommand({ arn: stageArn, name: 'renamed' }));
    expect(out.stage.name).toBe('renamed');
    expect((await client.send(new sdk.GetStageCommand({ arn: stageArn }))).stage!.name).toBe('renamed');
    await fails(new sdk.UpdateStageCommand({ arn: MISSING('stage'), name: 'x' }), 'ResourceNotFoundException', 404);
  });

  test('ListStages pages with an opaque token', async () => {
    await client.send(new sdk.CreateStageCommand({ name: 'second' }));
    const first = await ok(new sdk.ListStagesCommand({ maxResults: 1 }));
    expect(first.stages).toHaveLength(1);
    expect(first.nextToken).toBeTruthy();
    const second = await ok(new sdk.ListStagesCommand({ maxResults: 1, nextToken: first.nextToken }));
    expect(second.stages[0].arn).not.toBe(first.stages[0].arn);
    const all = await ok(new sdk.ListStagesCommand({}));
    expect(all.stages.map((s: { name: string }) => s.name)).toEqual(['renamed', 'second']);
    expect(all.nextToken).toBeUndefined();
    await fails(new sdk.ListStagesCommand({ nextToken: 'bm90LWEtdG9rZW4' }), 'ValidationException', 400);
  });

  test('CreateParticipantToken defaults to both capabilities and 720 minutes', async () => {
    const out = await ok(new sdk.CreateParticipantTokenCommand({ stageArn }));
    expect(out.participantToken.capabilities).toEqual(['PUBLISH', 'SUBSCRIBE']);
    expect(out.participantToken.duration).toBe(720);
    expect(out.participantToken.participantId).toMatch(/^[a-zA-Z0-9]{12}$/);
    const { payload } = decodeJwt(out.participantToken.token);
    expect(payload.exp).toBe((payload.iat as number) + 720 * 60);
    expect(payload.capabilities).toEqual({ allow_publish: true, allow_subscribe: true });
    await fails(new sdk.CreateParticipantTokenCommand({ stageArn: MISSING('stage') }), 'ResourceNotFoundException', 404);
  });

  test('sessions start with the first participant and end with the last', async () => {
    const { participantToken } = await client.send(new sdk.CreateParticipantTokenCommand({ stageArn }));
    const { sessionId } = await join(participantToken!.token!);
    expect(sessionId).toMatch(/^st-[a-zA-Z0-9]{13}$/);
    expect((await client.send(new sdk.GetStageCommand({ arn: stageArn }))).stage!.activeSessionId).toBe(sessionId);
    const live = await ok(new sdk.GetStageSessionCommand({ stageArn, sessionId }));
    expect(live.stageSession.sessionId).toBe(sessionId);
    expect(live.stageSession.endTime).toBeUndefined();
    await admin(emu.url, 'POST', 'leave', { stageArn, participantId: participantToken!.participantId });
    const ended = await client.send(new sdk.GetStageSessionCommand({ stageArn, sessionId }));
    expect(ended.stageSession!.endTime).toBeInstanceOf(Date);
    expect((await client.send(new sdk.GetStageCommand({ arn: stageArn }))).stage!.activeSessionId).toBeUndefined();
    const list = await ok(new sdk.ListStageSessionsCommand({ stageArn }));
    expect(list.stageSessions.map((s: { sessionId: string }) => s.sessionId)).toEqual([sessionId]);
    await fails(new sdk.GetStageSessionCommand({ stageArn, sessionId: 'st-0000000000000' }), 'ResourceNotFoundException', 404);
    await fails(new sdk.ListStageSessionsCommand({ stageArn, maxResults: 0 }), 'ValidationException', 400);
  });
});

describe('participants', () => {
  let stageArn: string;
  let otherStageArn: string;
  let sessionId: string;
  let hostId: string;
  let viewerId: string;

  beforeAll(async () => {
    const created = await client.send(
      new sdk.CreateStageCommand({ name: 'party', participantTokenConfigurations: [{ userId: 'host' }, { userId: 'viewer', capabilities: ['SUBSCRIBE'] }] }),
    );
    stageArn = created.stage!.arn!;
    otherStageArn = (await client.send(new sdk.CreateStageCommand({ name: 'overflow' }))).stage!.arn!;
    const [host, viewer] = created.participantTokens!;
    hostId = host!.participantId!;
    viewerId = viewer!.participantId!;
    sessionId = (await join(host!.token!, true)).sessionId;
    await join(viewer!.token!);
    await admin(emu.url, 'POST', 'subscribe', { stageArn, participantId: viewerId, publisherId: hostId });
  });

  test('GetParticipant shows the full participant', async () => {
    const out = await ok(new sdk.GetParticipantCommand({ stageArn, sessionId, participantId: hostId }));
    expect(out.participant).toMatchObject({ participantId: hostId, userId: 'host', state: 'CONNECTED', published: true, protocol: 'WHIP', replicationType: 'NONE', recordingState: 'DISABLED' });
    expect(out.participant.firstJoinTime).toBeInstanceOf(Date);
    await fails(new sdk.GetParticipantCommand({ stageArn, sessionId, participantId: 'nobody' }), 'ResourceNotFoundException', 404);
  });

  test('ListParticipants filters, one filter at a time', async () => {
    const all = await ok(new sdk.ListParticipantsCommand({ stageArn, sessionId }));
    expect(all.participants.map((p: { userId: string }) => p.userId)).toEqual(['host', 'viewer']);
    const published = await client.send(new sdk.ListParticipantsCommand({ stageArn, sessionId, filterByPublished: true }));
    expect(published.participants!.map((p) => p.userId)).toEqual(['host']);
    const byUser = await client.send(new sdk.ListParticipantsCommand({ stageArn, sessionId, filterByUserId: 'viewer' }));
    expect(byUser.participants!.map((p) => p.participantId)).toEqual([viewerId]);
    const e = await fails(new sdk.ListParticipantsCommand({ stageArn, sessionId, filterByUserId: 'host', filterByState: 'CONNECTED' }), 'ValidationException', 400);
    expect(e.message).toContain('filterByUserId');
  });

  test('ListParticipantEvents lists newest first', async () => {
    const out = await ok(new sdk.ListParticipantEventsCommand({ stageArn, sessionId, participantId: viewerId }));
    expect(out.events.map((e: { name: string }) => e.name)).toEqual(['SUBSCRIBE_STARTED', 'JOINED']);
    expect(out.events[0].remoteParticipantId).toBe(hostId);
    expect(out.events[0].replica).toBe(false);
    await fails(new sdk.ListParticipantEventsCommand({ stageArn, sessionId: 'st-short', participantId: viewerId }), 'ValidationException', 400);
  });

  test('replication: start, list, stop', async () => {
    await ok(new sdk.StartParticipantReplicationCommand({ sourceStageArn: stageArn, destinationStageArn: otherStageArn, participantId: hostId, attributes: { replicated: 'yes' } }));
    const replicas = await ok(new sdk.ListParticipantReplicasCommand({ sourceStageArn: stageArn, participantId: hostId }));
    expect(replicas.replicas).toHaveLength(1);
    expect(replicas.replicas[0]).toMatchObject({ sourceStageArn: stageArn, destinationStageArn: otherStageArn, sourceSessionId: sessionId, replicationState: 'ACTIVE', participantId: hostId });
    const destSession = (await client.send(new sdk.GetStageCommand({ arn: otherStageArn }))).stage!.activeSessionId!;
    const replica = await client.send(new sdk.GetParticipantCommand({ stageArn: otherStageArn, sessionId: destSession, participantId: hostId }));
    expect(replica.participant).toMatchObject({ replicationType: 'REPLICA', sourceStageArn: stageArn, sourceSessionId: sessionId, published: true });
    expect(replica.participant!.attributes).toEqual({ replicated: 'yes' });
    const source = await client.send(new sdk.GetParticipantCommand({ stageArn, sessionId, participantId: hostId }));
    expect(source.participant).toMatchObject({ replicationType: 'SOURCE', replicationState: 'ACTIVE' });
    await fails(new sdk.StartParticipantReplicationCommand({ sourceStageArn: stageArn, destinationStageArn: MISSING('stage'), participantId: hostId }), 'ResourceNotFoundException', 404);
    await fails(new sdk.StartParticipantReplicationCommand({ sourceStageArn: stageArn, destinationStageArn: otherStageArn, participantId: hostId }), 'ConflictException', 409);
    await fails(new sdk.ListParticipantReplicasCommand({ sourceStageArn: stageArn, participantId: hostId, maxResults: 51 }), 'ValidationException', 400);

    await ok(new sdk.StopParticipantReplicationCommand({ sourceStageArn: stageArn, destinationStageArn: otherStageArn, participantId: hostId }));
    const events = await client.send(new sdk.ListParticipantEventsCommand({ stageArn, sessionId, participantId: hostId }));
    const names = events.events!.map((e) => e.name);
    expect(names.slice(0, 2)).toEqual(['REPLICATION_STOPPED', 'REPLICATION_STARTED']);
    expect(events.events![0]).toMatchObject({ destinationStageArn: otherStageArn, destinationSessionId: destSession });
    const after = await client.send(new sdk.ListParticipantReplicasCommand({ sourceStageArn: stageArn, participantId: hostId }));
    expect(after.replicas![0]!.replicationState).toBe('STOPPED');
    const replicaEvents = await client.send(new sdk.ListParticipantEventsCommand({ stageArn: otherStageArn, sessionId: destSession, participantId: hostId }));
    expect(replicaEvents.events!.map((e) => [e.name, e.replica])).toEqual([['LEFT', true], ['PUBLISH_STOPPED', true], ['PUBLISH_STARTED', true], ['JOINED', true]]);
    await fails(new sdk.StopParticipantReplicationCommand({ sourceStageArn: stageArn, destinationStageArn: otherStageArn, participantId: hostId }), 'ResourceNotFoundException', 404);
  });

  test('DisconnectParticipant disconnects and revokes the token for good', async () => {
    const { participantToken } = await client.send(new sdk.CreateParticipantTokenCommand({ stageArn, userId: 'kicked' }));
    const { participant } = await join(participantToken!.token!);
    await ok(new sdk.DisconnectParticipantCommand({ stageArn, participantId: participant.participantId as string, reason: 'bye' }));
    const got = await client.send(new sdk.GetParticipantCommand({ stageArn, sessionId, participantId: participant.participantId as string }));
    expect(got.participant!.state).toBe('DISCONNECTED');
    const again = await admin(emu.url, 'POST', 'join', { token: participantToken!.token });
    expect(again.status).toBe(403);
    expect(again.body.reason).toBe('revoked');
    expect(again.headers.get('x-amzn-errortype')).toBe('InvalidTokenException');
    await fails(new sdk.DisconnectParticipantCommand({ stageArn, participantId: 'neverJoined' }), 'ResourceNotFoundException', 404);
  });
});

describe('encoder and storage configurations, compositions', () => {
  let stageArn: string;
  let encoderArn: string;
  let storageArn: string;
  let compositionArn: string;

  test('CreateEncoderConfiguration fills in the defaults and checks the resolution', async () => {
    const out = await ok(new sdk.CreateEncoderConfigurationCommand({ name: 'hd' }));
    encoderArn = out.encoderConfiguration.arn;
    expect(encoderArn).toMatch(/:encoder-configuration\/[a-zA-Z0-9]{12}$/);
    expect(out.encoderConfiguration.video).toEqual({ width: 1280, height: 720, framerate: 30, bitrate: 2_500_000 });
    const e = await fails(new sdk.CreateEncoderConfigurationCommand({ video: { width: 1281 } }), 'ValidationException', 400);
    expect(e.message).toContain('video.width');
    const big = await failure(client.send(new sdk.CreateEncoderConfigurationCommand({ video: { width: 1920, height: 1920 } })));
    expect(big.message).toContain('2073600');
  });

  test('GetEncoderConfiguration / ListEncoderConfigurations', async () => {
    expect((await ok(new sdk.GetEncoderConfigurationCommand({ arn: encoderArn }))).encoderConfiguration.name).toBe('hd');
    await fails(new sdk.GetEncoderConfigurationCommand({ arn: MISSING('encoder-configuration') }), 'ResourceNotFoundException', 404);
    expect((await ok(new sdk.ListEncoderConfigurationsCommand({}))).encoderConfigurations.map((e: { arn: string }) => e.arn)).toEqual([encoderArn]);
    await fails(new sdk.ListEncoderConfigurationsCommand({ maxResults: 101 }), 'ValidationException', 400);
  });

  test('storage configurations', async () => {
    const out = await ok(new sdk.CreateStorageConfigurationCommand({ name: 'rec', s3: { bucketName: 'my-bucket' } }));
    storageArn = out.storageConfiguration.arn;
    expect(out.storageConfiguration.s3).toEqual({ bucketName: 'my-bucket' });
    await fails(new sdk.CreateStorageConfigurationCommand({ s3: { bucketName: 'NO' } }), 'ValidationException', 400);
    expect((await ok(new sdk.GetStorageConfigurationCommand({ arn: storageArn }))).storageConfiguration.name).toBe('rec');
    await fails(new sdk.GetStorageConfigurationCommand({ arn: MISSING('storage-configuration') }), 'ResourceNotFoundException', 404);
    expect((await ok(new sdk.ListStorageConfigurationsCommand({}))).storageConfigurations).toHaveLength(1);
    await fails(new sdk.ListStorageConfigurationsCommand({ nextToken: '!!!' }), 'ValidationException', 400);
  });

  test('StartComposition starts STARTING with defaults echoed, then goes ACTIVE on the clock', async () => {
    stageArn = (await client.send(new sdk.CreateStageCommand({ name: 'composed' }))).stage!.arn!;
    const out = await ok(
      new sdk.StartCompositionCommand({
        stageArn,
        destinations: [{ s3: { storageConfigurationArn: storageArn, encoderConfigurationArns: [encoderArn] } }],
      }),
    );
    const c = out.composition;
    compositionArn = c.arn;
    expect(c.state).toBe('STARTING');
    expect(c.startTime).toBeInstanceOf(Date);
    expect(c.layout.grid).toEqual({ featuredParticipantAttribute: '', gridGap: 2, omitStoppedVideo: false, participantOrderAttribute: '', videoAspectRatio: 'VIDEO', videoFillMode: '' });
    expect(c.destinations[0].state).toBe('STARTING');
    expect(c.destinations[0].startTime).toBeUndefined();
    expect(c.destinations[0].id).toMatch(/^[a-zA-Z0-9]{12}$/);
    expect(c.destinations[0].configuration.name).toBe('');
    expect(c.destinations[0].configuration.s3.recordingConfiguration).toEqual({ format: 'HLS', hlsConfiguration: { targetSegmentDurationSeconds: 2 } });
    expect(c.destinations[0].detail.s3.recordingPrefix).toMatch(new RegExp(`^[a-zA-Z0-9]{12}/${c.arn.split('/')[1]}/${c.destinations[0].id}/composite$`));
    await fails(new sdk.StartCompositionCommand({ stageArn: MISSING('stage'), destinations: [{ s3: { storageConfigurationArn: storageArn, encoderConfigurationArns: [encoderArn] } }] }), 'ResourceNotFoundException', 404);
    await admin(emu.url, 'POST', 'clock', { advanceSeconds: 5 });
    const active = await ok(new sdk.GetCompositionCommand({ arn: compositionArn }));
    expect(active.composition.state).toBe('ACTIVE');
    expect(active.composition.destinations[0].state).toBe('ACTIVE');
    expect(active.composition.destinations[0].startTime).toBeInstanceOf(Date);
    await fails(new sdk.GetCompositionCommand({ arn: MISSING('composition') }), 'ResourceNotFoundException', 404);
  });

  test('configurations in use cannot be deleted', async () => {
    await fails(new sdk.DeleteEncoderConfigurationCommand({ arn: encoderArn }), 'ConflictException', 409);
    await fails(new sdk.DeleteStorageConfigurationCommand({ arn: storageArn }), 'ConflictException', 409);
  });

  test('ListCompositions filters by stage and encoder configuration', async () => {
    const byStage = await ok(new sdk.ListCompositionsCommand({ filterByStageArn: stageArn }));
    expect(byStage.compositions.map((c: { arn: string }) => c.arn)).toEqual([compositionArn]);
    const byEncoder = await client.send(new sdk.ListCompositionsCommand({ filterByEncoderConfigurationArn: encoderArn }));
    expect(byEncoder.compositions).toHaveLength(1);
    const none = await client.send(new sdk.ListCompositionsCommand({ filterByStageArn: MISSING('stage') }));
    expect(none.compositions).toEqual([]);
    await fails(new sdk.ListCompositionsCommand({ maxResults: 0 }), 'ValidationException', 400);
  });

  test('StopComposition goes STOPPING then STOPPED, then the configurations are free', async () => {
    await ok(new sdk.StopCompositionCommand({ arn: compositionArn }));
    expect((await client.send(new sdk.GetCompositionCommand({ arn: compositionArn }))).composition!.state).toBe('STOPPING');
    await admin(emu.url, 'POST', 'clock', { advanceSeconds: 2 });
    const stopped = (await client.send(new sdk.GetCompositionCommand({ arn: compositionArn }))).composition!;
    expect(stopped.state).toBe('STOPPED');
    expect(stopped.endTime).toBeInstanceOf(Date);
    await fails(new sdk.StopCompositionCommand({ arn: MISSING('composition') }), 'ResourceNotFoundException', 404);
    await ok(new sdk.DeleteEncoderConfigurationCommand({ arn: encoderArn }));
    await ok(new sdk.DeleteStorageConfigurationCommand({ arn: storageArn }));
    await fails(new sdk.DeleteEncoderConfigurationCommand({ arn: encoderArn }), 'ResourceNotFoundException', 404);
    await fails(new sdk.DeleteStorageConfigurationCommand({ arn: storageArn }), 'ResourceNotFoundException', 404);
  });
});

describe('ingest configurations', () => {
  let stageArn: string;
  let ingestArn: string;
  let streamKey: string;

  test('CreateIngestConfiguration', async () => {
    stageArn = (await client.send(new sdk.CreateStageCommand({ name: 'rtmp' }))).stage!.arn!;
    const out = await ok(new sdk.CreateIngestConfigurationCommand({ name: 'obs', ingestProtocol: 'RTMPS', userId: 'encoder', attributes: { kind: 'obs' } }));
    const config = out.ingestConfiguration;
    ingestArn = config.arn;
    streamKey = config.streamKey;
    expect(config).toMatchObject({ name: 'obs', ingestProtocol: 'RTMPS', stageArn: '', state: 'INACTIVE', userId: 'encoder', redundantIngest: false });
    expect(config.participantId).toMatch(/^[a-zA-Z0-9]{12}$/);
    expect(streamKey).toMatch(new RegExp(`^rt_123456789012_us-east-1_${ingestArn.split('/')[1]}_[a-zA-Z0-9]+$`));
    const e = await fails(new sdk.CreateIngestConfigurationCommand({ ingestProtocol: 'RTMP' }), 'ValidationException', 400);
    expect(e.message).toContain('insecureIngest');
  });

  test('GetIngestConfiguration / UpdateIngestConfiguration', async () => {
    expect((await ok(new sdk.GetIngestConfigurationCommand({ arn: ingestArn }))).ingestConfiguration.streamKey).toBe(streamKey);
    await fails(new sdk.GetIngestConfigurationCommand({ arn: MISSING('ingest-configuration') }), 'ResourceNotFoundException', 404);
    const updated = await ok(new sdk.UpdateIngestConfigurationCommand({ arn: ingestArn, stageArn }));
    expect(updated.ingestConfiguration.stageArn).toBe(stageArn);
    await fails(new sdk.UpdateIngestConfigurationCommand({ arn: ingestArn, stageArn: MISSING('stage') }), 'ResourceNotFoundException', 404);
  });

  test('publishing with the stream key makes the configuration ACTIVE', async () => {
    const joined = await admin(emu.url, 'POST', 'ingest', { streamKey });
    expect(joined.status, joined.text).toBe(200);
    expect(joined.body.participant).toMatchObject({ protocol: 'RTMPS', ingestConfigurationArn: ingestArn, published: true, userId: 'encoder' });
    const active = await ok(new sdk.ListIngestConfigurationsCommand({ filterByState: 'ACTIVE' }));
    expect(active.ingestConfigurations.map((c: { arn: string }) => c.arn)).toEqual([ingestArn]);
    await fails(new sdk.ListIngestConfigurationsCommand({ filterByState: 'ACTIVE', filterByStageArn: stageArn }), 'ValidationException', 400);
    await fails(new sdk.UpdateIngestConfigurationCommand({ arn: ingestArn, stageArn: '' }), 'ConflictException', 409);
    await fails(new sdk.DeleteIngestConfigurationCommand({ arn: ingestArn }), 'ConflictException', 409);
    await ok(new sdk.DeleteIngestConfigurationCommand({ arn: ingestArn, force: true }));
    expect((await client.send(new sdk.GetStageCommand({ arn: stageArn }))).stage!.activeSessionId).toBeUndefined();
  });
});

describe('public keys and self-signed tokens', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
  const pem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
  let keyArn: string;

  test('ImportPublicKey fingerprints the key and refuses duplicates and non-P-384 keys', async () => {
    const out = await ok(new sdk.ImportPublicKeyCommand({ publicKeyMaterial: pem, name: 'signer' }));
    keyArn = out.publicKey.arn;
    expect(keyArn).toMatch(/:public-key\/[a-zA-Z0-9]{12}$/);
    expect(out.publicKey.fingerprint).toMatch(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
    await fails(new sdk.ImportPublicKeyCommand({ publicKeyMaterial: pem }), 'ConflictException', 409);
    const p256 = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ type: 'spki', format: 'pem' }) as string;
    const e = await failure(client.send(new sdk.ImportPublicKeyCommand({ publicKeyMaterial: p256 })));
    expect(e.name).toBe('ValidationException');
    expect(e.message).toContain('P-384');
  });

  test('GetPublicKey / ListPublicKeys', async () => {
    expect((await ok(new sdk.GetPublicKeyCommand({ arn: keyArn }))).publicKey.publicKeyMaterial).toBe(pem);
    await fails(new sdk.GetPublicKeyCommand({ arn: MISSING('public-key') }), 'ResourceNotFoundException', 404);
    const list = await ok(new sdk.ListPublicKeysCommand({}));
    expect(list.publicKeys).toEqual([{ arn: keyArn, name: 'signer', tags: {} }]);
    await fails(new sdk.ListPublicKeysCommand({ maxResults: 1000 }), 'ValidationException', 400);
  });

  test('a self-signed token joins; after DeletePublicKey it no longer does', async () => {
    const stage = (await client.send(new sdk.CreateStageCommand({ name: 'self-signed' }))).stage!;
    const now = Math.floor(Date.now() / 1000);
    const claims = (jti: string) => ({
      exp: now + 3600,
      iat: now,
      jti,
      resource: stage.arn,
      topic: stage.arn!.split('/')[1],
      events_url: stage.endpoints!.events,
      whip_url: stage.endpoints!.whip,
      capabilities: { allow_publish: true, allow_subscribe: true },
      user_id: 'self',
      version: '1.0',
    });
    const token = signEs384({ alg: 'ES384', typ: 'JWT', kid: keyArn }, claims('selfSigned1'), privateKey);
    const joined = await join(token, true);
    expect(joined.participant).toMatchObject({ participantId: 'selfSigned1', userId: 'self', published: true });
    await ok(new sdk.DeletePublicKeyCommand({ arn: keyArn }));
    const refused = await admin(emu.url, 'POST', 'join', { token: signEs384({ alg: 'ES384', typ: 'JWT', kid: keyArn }, claims('selfSigned2'), privateKey) });
    expect(refused.status).toBe(401);
    expect(refused.body.reason).toBe('unknown-key');
    await fails(new sdk.DeletePublicKeyCommand({ arn: keyArn }), 'ResourceNotFoundException', 404);
  });
});

describe('tags', () => {
  let arn: string;
  beforeAll(async () => {
    arn = (await client.send(new sdk.CreateEncoderConfigurationCommand({ name: 'tagged', tags: { a: '1' } }))).encoderConfiguration!.arn!;
  });

  test('TagResource / UntagResource / ListTagsForResource on any resource type', async () => {
    await ok(new sdk.TagResourceCommand({ resourceArn: arn, tags: { b: '2', c: '3' } }));
    await ok(new sdk.UntagResourceCommand({ resourceArn: arn, tagKeys: ['a', 'c'] }));
    expect((await ok(new sdk.ListTagsForResourceCommand({ resourceArn: arn }))).tags).toEqual({ b: '2' });
    expect((await client.send(new sdk.GetEncoderConfigurationCommand({ arn }))).encoderConfiguration!.tags).toEqual({ b: '2' });
  });

  test('unknown resources and too many tags are refused', async () => {
    await fails(new sdk.TagResourceCommand({ resourceArn: MISSING('stage'), tags: { a: 'b' } }), 'ResourceNotFoundException', 404);
    await fails(new sdk.UntagResourceCommand({ resourceArn: MISSING('composition'), tagKeys: ['a'] }), 'ResourceNotFoundException', 404);
    await fails(new sdk.ListTagsForResourceCommand({ resourceArn: 'arn:aws:ivs:eu-west-1:123456789012:stage/elsewhere' }), 'ResourceNotFoundException', 404);
    const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
    const e = await failure(client.send(new sdk.TagResourceCommand({ resourceArn: arn, tags: many })));
    expect(e.name).toBe('ValidationException');
    expect(e.message).toContain('at most 50 tags');
  });
});

describe('deletion', () => {
  test('DeleteStage disconnects everyone and ends the session', async () => {
    const created = await client.send(new sdk.CreateStageCommand({ name: 'doomed', participantTokenConfigurations: [{}] }));
    const stageArn = created.stage!.arn!;
    const { sessionId, participant } = await join(created.participantTokens![0]!.token!, true);
    await ok(new sdk.DeleteStageCommand({ arn: stageArn }));
    await fails(new sdk.DeleteStageCommand({ arn: stageArn }), 'ResourceNotFoundException', 404);
    await fails(new sdk.GetStageCommand({ arn: stageArn }), 'ResourceNotFoundException', 404);
    const refused = await admin(emu.url, 'POST', 'join', { token: created.participantTokens![0]!.token });
    expect(refused.status).toBe(404);
    expect(participant.state).toBe('CONNECTED');
    expect(sessionId).toMatch(/^st-/);
  });
});

test('every operation was exercised with a success and an error', () => {
  const all = Object.keys(OPERATIONS).sort();
  expect(all).toHaveLength(39);
  expect(all.filter((op) => !succeeded.has(op))).toEqual([]);
  expect(all.filter((op) => !failed.has(op))).toEqual([]);
});
