// Behaviour over time and across operations: quotas, the composition lifecycle on the virtual clock,
// token checks at join, participant events, replication windows, ingest, recording.
import * as sdk from '@aws-sdk/client-ivs-realtime';
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { signEs384 } from '../../src/tokens/jwt.js';
import { admin, emulatorPerTest, failure, ok } from './helpers.js';

const { start } = emulatorPerTest();

describe('quotas', () => {
  test('each resource quota answers 402 ServiceQuotaExceededException', async () => {
    const { emu, client } = await start({ quotas: { stages: 3, encoderConfigurations: 1, storageConfigurations: 1, ingestConfigurations: 1, publicKeys: 1, compositionsPerStage: 1, compositionsPerAccount: 2, publishersPerStage: 1, replicationsPerParticipant: 1 } });
    const quota = async (p: Promise<unknown>) => {
      const e = await failure(p);
      expect(e.name).toBe('ServiceQuotaExceededException');
      expect(e.$metadata?.httpStatusCode).toBe(402);
    };
    const a = (await client.send(new sdk.CreateStageCommand({ participantTokenConfigurations: [{}, {}] }))).stage!;
    const b = (await client.send(new sdk.CreateStageCommand({}))).stage!;
    const c = (await client.send(new sdk.CreateStageCommand({}))).stage!;
    await quota(client.send(new sdk.CreateStageCommand({})));
    const enc = (await client.send(new sdk.CreateEncoderConfigurationCommand({}))).encoderConfiguration!;
    await quota(client.send(new sdk.CreateEncoderConfigurationCommand({})));
    const sto = (await client.send(new sdk.CreateStorageConfigurationCommand({ s3: { bucketName: 'bucket' } }))).storageConfiguration!;
    await quota(client.send(new sdk.CreateStorageConfigurationCommand({ s3: { bucketName: 'bucket' } })));
    await client.send(new sdk.CreateIngestConfigurationCommand({ ingestProtocol: 'RTMPS' }));
    await quota(client.send(new sdk.CreateIngestConfigurationCommand({ ingestProtocol: 'RTMPS' })));
    const pem = () => generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey.export({ type: 'spki', format: 'pem' }) as string;
    await client.send(new sdk.ImportPublicKeyCommand({ publicKeyMaterial: pem() }));
    await quota(client.send(new sdk.ImportPublicKeyCommand({ publicKeyMaterial: pem() })));
    const dest = [{ s3: { storageConfigurationArn: sto.arn!, encoderConfigurationArns: [enc.arn!] } }];
    await client.send(new sdk.StartCompositionCommand({ stageArn: a.arn, destinations: dest }));
    await quota(client.send(new sdk.StartCompositionCommand({ stageArn: a.arn, destinations: dest })));
    // publishers per stage: the second publisher is refused and gets a PUBLISH_ERROR event
    const first = await client.send(new sdk.CreateParticipantTokenCommand({ stageArn: a.arn }));
    const second = await client.send(new sdk.CreateParticipantTokenCommand({ stageArn: a.arn }));
    const joined = await ok(admin(emu.url, 'POST', 'join', { token: first.participantToken!.token, publish: true }));
    await ok(admin(emu.url, 'POST', 'join', { token: second.participantToken!.token }));
    const refused = await admin(emu.url, 'POST', 'publish', { token: second.participantToken!.token });
    expect(refused.status).toBe(402);
    const events = await client.send(new sdk.ListParticipantEventsCommand({ stageArn: a.arn, sessionId: joined.sessionId, participantId: second.participantToken!.participantId }));
    expect(events.events![0]).toMatchObject({ name: 'PUBLISH_ERROR', errorCode: 'QUOTA_EXCEEDED' });
    // replications per participant
    await client.send(new sdk.StartParticipantReplicationCommand({ sourceStageArn: a.arn, destinationStageArn: b.arn, participantId: first.participantToken!.participantId }));
    await quota(client.send(new sdk.StartParticipantReplicationCommand({ sourceStageArn: a.arn, destinationStageArn: c.arn, participantId: first.participantToken!.participantId })));
  });
});

// The state tests freeze the clock: STOPPING lasts one second of it, which a running clock could pass
// between an advance and the next read on a loaded machine (seen once: STOPPED, in a full run at load 15-20).
describe('composition lifecycle on the virtual clock', () => {
  test('idle stop after a minute without participants, purge five minutes after stopping', async () => {
    const { emu, client } = await start({ clock: { frozen: true } });
    const stage = (await client.send(new sdk.CreateStageCommand({ participantTokenConfigurations: [{}] }))).stage!;
    const enc = (await client.send(new sdk.CreateEncoderConfigurationCommand({}))).encoderConfiguration!;
    const channel = { channel: { channelArn: 'arn:aws:ivs:us-east-1:123456789012:channel/abcdABCD1234', encoderConfigurationArn: enc.arn } };
    const comp = (await client.send(new sdk.StartCompositionCommand({ stageArn: stage.arn, destinations: [channel], layout: { pip: { pipPosition: 'TOP_LEFT' } } }))).composition!;
    expect(comp.layout!.pip).toMatchObject({ pipPosition: 'TOP_LEFT', pipBehavior: 'STATIC', videoFillMode: 'COVER', gridGap: 0 });
    const state = async () => (await client.send(new sdk.GetCompositionCommand({ arn: comp.arn }))).composition!.state;
    await ok(admin(emu.url, 'POST', 'clock', { advanceSeconds: 30 }));
    expect(await state()).toBe('ACTIVE');
    // stops at 60 s, STOPPED a second later, gone five minutes after that (361 s)
    await ok(admin(emu.url, 'POST', 'clock', { advanceSeconds: 30.5 }));
    expect(await state()).toBe('STOPPING');
    await ok(admin(emu.url, 'POST', 'clock', { advanceSeconds: 1 }));
    expect(await state()).toBe('STOPPED');
    await ok(admin(emu.url, 'POST', 'clock', { advanceSeconds: 299 }));
    expect(await state()).toBe('STOPPED');
    await ok(admin(emu.url, 'POST', 'clock', { advanceSeconds: 1 }));
    const gone = await failure(client.send(new sdk.GetCompositionCommand({ arn: comp.arn })));
    expect(gone.name).toBe('ResourceNotFoundException');
    expect((await client.send(new sdk.ListCompositionsCommand({}))).compositions).toEqual([]);
  });

  test('a composition on an occupied stage keeps running until a minute after the last participant leaves', async () => {
    const { emu, client } = await start({ clock: { frozen: true } });
    const created = await client.send(new sdk.CreateStageCommand({ participantTokenConfigurations: [{}] }));
    const token = created.participantTokens![0]!.token!;
    await ok(admin(emu.url, 'POST', 'join', { token, publish: true }));
    const channel = { channel: { channelArn: 'arn:aws:ivs:us-east-1:123456789012:channel/abcdABCD1234' } };
    const comp = (await client.send(new sdk.StartCompositionCommand({ stageArn: created.stage!.arn, destinations: [channel] }))).composition!;
    const state = async () => (await client.send(new sdk.GetCompositionCommand({ arn: comp.arn }))).composition!.state;
    await ok(admin(emu.url, 'POST', 'clock', { advanceSeconds: 600 }));
    expect(await state()).toBe('ACTIVE');
    await ok(admin(emu.url, 'POST', 'leave', { token }));
    await ok(admin(emu.url, 'POST', 'clock', { advanceSeconds: 59 }));
    expect(await state()).toBe('ACTIVE');
    await ok(admin(emu.url, 'POST', 'clock', { advanceSeconds: 1.5 }));
    expect(await state()).toBe('STOPPING');
  });

  test('clockSpeed runs the timers faster than real time', async () => {
    const { client } = await start({ clock: { speed: 100 } });
    const stage = (await client.send(new sdk.CreateStageCommand({}))).stage!;
    const channel = { channel: { channelArn: 'arn:aws:ivs:us-east-1:123456789012:channel/abcdABCD1234' } };
    const comp = (await client.send(new sdk.StartCompositionCommand({ stageArn: stage.arn, destinations: [channel] }))).composition!;
    await new Promise((r) => setTimeout(r, 100)); // 10 s of emulator time
    expect((await client.send(new sdk.GetCompositionCommand({ arn: comp.arn }))).composition!.state).toBe('ACTIVE');
  });

  test('the idempotency token returns the same composition', async () => {
    const { client } = await start();
    const stage = (await client.send(new sdk.CreateStageCommand({}))).stage!;
    const input = { stageArn: stage.arn, idempotencyToken: 'same-token', destinations: [{ channel: { channelArn: 'arn:aws:ivs:us-east-1:123456789012:channel/abcdABCD1234' } }] };
    const a = (await client.send(new sdk.StartCompositionCommand(input))).composition!;
    const b = (await client.send(new sdk.StartCompositionCommand(input))).composition!;
    expect(b.arn).toBe(a.arn);
  });
});

describe('tokens at join', () => {
  test('expired, tampered, foreign and wrong-version tokens are refused with a reason', async () => {
    const { emu, client } = await start();
    const stage = (await client.send(new sdk.CreateStageCommand({}))).stage!;
    const short = (await client.send(new sdk.CreateParticipantTokenCommand({ stageArn: stage.arn, duration: 1 }))).participantToken!;
    const [h, p, s] = short.token!.split('.');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...payload, user_id: 'admin' })).toString('base64url')}.${s}`;
    const reason = async (token: string) => (await admin(emu.url, 'POST', 'join', { token })).body.reason;
    expect(await reason(tampered)).toBe('bad-signature');
    expect(await reason('not.a.jwt!')).toBe('malformed');
    const other = await start();
    const foreignStage = (await other.client.send(new sdk.CreateStageCommand({}))).stage!;
    const foreign = (await other.client.send(new sdk.CreateParticipantTokenCommand({ stageArn: foreignStage.arn }))).participantToken!;
    expect(await reason(foreign.token!)).toBe('bad-signature');
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    const key = (await client.send(new sdk.ImportPublicKeyCommand({ publicKeyMaterial: publicKey.export({ type: 'spki', format: 'pem' }) as string }))).publicKey!;
    const now = Math.floor(Date.now() / 1000);
    const claims = { exp: now + 60, iat: now, jti: 'p1', resource: stage.arn, topic: stage.arn!.split('/')[1], events_url: stage.endpoints!.events, whip_url: stage.endpoints!.whip, capabilities: { allow_subscribe: true } };
    expect(await reason(signEs384({ alg: 'ES384', kid: key.arn }, { ...claims, version: '0.0' }, privateKey))).toBe('invalid-claims');
    expect(await reason(signEs384({ alg: 'ES384', kid: key.arn }, { ...claims, version: '1.0', exp: now + 15 * 86400 }, privateKey))).toBe('invalid-claims');
    expect(await reason(signEs384({ alg: 'ES384', kid: key.arn }, { ...claims, version: '1.0', topic: 'wrongTopic' }, privateKey))).toBe('invalid-claims');
    expect(await reason(signEs384({ alg: 'ES384', kid: key.arn!.replace(/\w+$/, 'unknownKey12') }, { ...claims, version: '1.0' }, privateKey))).toBe('unknown-key');
    // the emulator's clock decides expiry
    await ok(admin(emu.url, 'POST', 'clock', { advanceSeconds: 61 }));
    const expired = await admin(emu.url, 'POST', 'join', { token: short.token });
    expect(expired.status).toBe(403);
    expect(expired.body.reason).toBe('expired');
    expect(expired.body.message).toMatch(/^expired: the token expired at /);
  });

  test('token exchange: self-signed only, same identity claims, TOKEN_EXCHANGED with both grants', async () => {
    const { emu, client } = await start();
    const stage = (await client.send(new sdk.CreateStageCommand({}))).stage!;
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    const key = (await client.send(new sdk.ImportPublicKeyCommand({ publicKeyMaterial: publicKey.export({ type: 'spki', format: 'pem' }) as string }))).publicKey!;
    const now = Math.floor(Date.now() / 1000);
    const sign = (extra: Record<string, unknown>) =>
      signEs384({ alg: 'ES384', typ: 'JWT', kid: key.arn }, {
        exp: now + 60, iat: now, jti: 'swapper', resource: stage.arn, topic: stage.arn!.split('/')[1], events_url: stage.endpoints!.events,
        whip_url: stage.endpoints!.whip, capabilities: { allow_publish: true, allow_subscribe: true }, user_id: 'before', version: '1.0', ...extra,
      }, privateKey);
    const first = sign({});
    const j = await ok(admin(emu.url, 'POST', 'join', { token: first, publish: true }));
    const second = sign({ exp: now + 7200, user_id: 'after', attributes: { seat: 'A1' }, capabilities: { allow_subscribe: true } });
    const swapped = await ok(admin(emu.url, 'POST', 'exchange', { token: first, newToken: second }));
    expect(swapped.participant).toMatchObject({ userId: 'after', attributes: { seat: 'A1' }, published: true });
    const events = (await client.send(new sdk.ListParticipantEventsCommand({ stageArn: stage.arn, sessionId: j.sessionId, participantId: 'swapper' }))).events!;
    expect(events.map((e) => e.name)).toEqual(['TOKEN_EXCHANGED', 'PUBLISH_STOPPED', 'PUBLISH_STARTED', 'JOINED']);
    expect(events[0]!.previousToken).toMatchObject({ capabilities: ['PUBLISH', 'SUBSCRIBE'], userId: 'before' });
    expect(events[0]!.newToken).toMatchObject({ capabilities: ['SUBSCRIBE'], userId: 'after', attributes: { seat: 'A1' } });
    expect(events[0]!.newToken!.expirationTime!.getTime()).toBe((now + 7200) * 1000);
    const otherJti = await admin(emu.url, 'POST', 'exchange', { token: second, newToken: sign({ jti: 'someoneElse' }) });
    expect(otherJti.status).toBe(401);
    expect(otherJti.body.message).toContain('"jti"');
    const issued = (await client.send(new sdk.CreateParticipantTokenCommand({ stageArn: stage.arn }))).participantToken!;
    const notSelfSigned = await admin(emu.url, 'POST', 'exchange', { token: second, newToken: issued.token });
    expect(notSelfSigned.status).toBe(400);
    expect(notSelfSigned.body.message).toContain('self-signed');
  });

  test('a subscribe-only token cannot publish: PUBLISH_ERROR INSUFFICIENT_CAPABILITIES', async () => {
    const { emu, client } = await start();
    const created = await client.send(new sdk.CreateStageCommand({ participantTokenConfigurations: [{ capabilities: ['SUBSCRIBE'] }] }));
    const token = created.participantTokens![0]!;
    const joined = await ok(admin(emu.url, 'POST', 'join', { token: token.token }));
    const refused = await admin(emu.url, 'POST', 'publish', { token: token.token });
    expect(refused.status).toBe(403);
    const events = await client.send(new sdk.ListParticipantEventsCommand({ stageArn: created.stage!.arn, sessionId: joined.sessionId, participantId: token.participantId }));
    expect(events.events!.map((e) => [e.name, e.errorCode])).toEqual([['PUBLISH_ERROR', 'INSUFFICIENT_CAPABILITIES'], ['JOINED', undefined]]);
  });
});

describe('participants over a session', () => {
  test('a reconnect keeps the first join time; leaving stops publish and subscriptions with events', async () => {
    const { emu, client } = await start();
    const created = await client.send(new sdk.CreateStageCommand({ participantTokenConfigurations: [{ userId: 'pub' }, { userId: 'sub' }] }));
    const stageArn = created.stage!.arn!;
    const [pub, sub] = created.participantTokens!;
    const j = await ok(admin(emu.url, 'POST', 'join', { token: pub!.token, publish: true, clientInfo: { browserName: 'Firefox', osName: 'Linux' } }));
    await ok(admin(emu.url, 'POST', 'join', { token: sub!.token }));
    const noPublisher = await admin(emu.url, 'POST', 'subscribe', { token: sub!.token, publisherId: 'ghost' });
    expect(noPublisher.status).toBe(404);
    await ok(admin(emu.url, 'POST', 'subscribe', { token: sub!.token, publisherId: pub!.participantId }));
    await ok(admin(emu.url, 'POST', 'leave', { token: pub!.token }));
    const again = await ok(admin(emu.url, 'POST', 'join', { token: pub!.token }));
    expect(again.sessionId).toBe(j.sessionId);
    expect(again.participant.firstJoinTime).toBe(j.participant.firstJoinTime);
    expect(again.participant).toMatchObject({ browserName: 'Firefox', osName: 'Linux', published: true, state: 'CONNECTED' });
    const ev = async (id: string) => (await client.send(new sdk.ListParticipantEventsCommand({ stageArn, sessionId: j.sessionId, participantId: id }))).events!.map((e) => e.name);
    expect(await ev(pub!.participantId!)).toEqual(['JOINED', 'LEFT', 'PUBLISH_STOPPED', 'PUBLISH_STARTED', 'JOINED']);
    expect(await ev(sub!.participantId!)).toEqual(['SUBSCRIBE_STOPPED', 'SUBSCRIBE_STARTED', 'SUBSCRIBE_ERROR', 'JOINED']);
    const dup = await admin(emu.url, 'POST', 'join', { token: pub!.token });
    expect(dup.status).toBe(409);
  });

  test('ListParticipants pages through a big session; events page too', async () => {
    const { emu, client } = await start();
    const stageArn = (await client.send(new sdk.CreateStageCommand({}))).stage!.arn!;
    let sessionId = '';
    for (let i = 0; i < 120; i++) sessionId = (await ok(admin(emu.url, 'POST', 'join', { stageArn, userId: `u${i}` }))).sessionId;
    const seen: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await client.send(new sdk.ListParticipantsCommand({ stageArn, sessionId, nextToken }));
      seen.push(...page.participants!.map((p) => p.userId!));
      nextToken = page.nextToken;
      pages++;
    } while (nextToken);
    expect(pages).toBe(3);
    expect(seen).toEqual(Array.from({ length: 120 }, (_, i) => `u${i}`));
    const first = (await client.send(new sdk.ListParticipantsCommand({ stageArn, sessionId, filterByUserId: 'u5' }))).participants![0]!;
    for (let i = 0; i < 3; i++) {
      await ok(admin(emu.url, 'POST', 'publish', { stageArn, participantId: first.participantId }));
      await ok(admin(emu.url, 'POST', 'unpublish', { stageArn, participantId: first.participantId }));
    }
    const page1 = await client.send(new sdk.ListParticipantEventsCommand({ stageArn, sessionId, participantId: first.participantId, maxResults: 4 }));
    // new events between two pages do not shift the next page
    await ok(admin(emu.url, 'POST', 'publish', { stageArn, participantId: first.participantId }));
    const page2 = await client.send(new sdk.ListParticipantEventsCommand({ stageArn, sessionId, participantId: first.participantId, maxResults: 4, nextToken: page1.nextToken }));
    expect([...page1.events!, ...page2.events!].map((e) => e.name)).toEqual(['PUBLISH_STOPPED', 'PUBLISH_STARTED', 'PUBLISH_STOPPED', 'PUBLISH_STARTED', 'PUBLISH_STOPPED', 'PUBLISH_STARTED', 'JOINED']);
    expect(page2.nextToken).toBeUndefined();
    const foreign = await failure(client.send(new sdk.ListStagesCommand({ nextToken: page1.nextToken })));
    expect(foreign.name).toBe('ValidationException');
  });
});

describe('recording, replication windows, ingest', () => {
  test('auto participant recording: STARTING, ACTIVE while publishing, STOPPED after; the configuration cannot change meanwhile', async () => {
    const { emu, client } = await start();
    const storage = (await client.send(new sdk.CreateStorageConfigurationCommand({ s3: { bucketName: 'recordings' } }))).storageConfiguration!;
    const created = await client.send(new sdk.CreateStageCommand({ autoParticipantRecordingConfiguration: { storageConfigurationArn: storage.arn }, participantTokenConfigurations: [{}] }));
    expect(created.stage!.autoParticipantRecordingConfiguration).toMatchObject({ storageConfigurationArn: storage.arn, mediaTypes: ['AUDIO_VIDEO'], recordParticipantReplicas: true });
    const token = created.participantTokens![0]!;
    const j = await ok(admin(emu.url, 'POST', 'join', { token: token.token, publish: true }));
    expect(j.participant).toMatchObject({ recordingState: 'STARTING', recordingS3BucketName: 'recordings' });
    // `<stageId>/<sessionId>/<participantId>/<timestamp>`, the timestamp of the start on the emulator clock (User Guide, IPR).
    const { events } = await client.send(new sdk.ListParticipantEventsCommand({ stageArn: created.stage!.arn, sessionId: j.sessionId, participantId: token.participantId }));
    const publishedAt = events!.find((e) => e.name === 'PUBLISH_STARTED')!.eventTime!.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-');
    expect(j.participant.recordingS3Prefix).toBe(`${created.stage!.arn!.split('/')[1]}/${j.sessionId}/${token.participantId}/${publishedAt}`);
    await ok(admin(emu.url, 'POST', 'clock', { advanceSeconds: 2 }));
    const conflict = await failure(client.send(new sdk.UpdateStageCommand({ arn: created.stage!.arn, autoParticipantRecordingConfiguration: { storageConfigurationArn: '' } })));
    expect(conflict.name).toBe('ConflictException');
    const inUse = await failure(client.send(new sdk.DeleteStorageConfigurationCommand({ arn: storage.arn })));
    expect(inUse.name).toBe('ConflictException');
    const recording = await client.send(new sdk.ListParticipantsCommand({ stageArn: created.stage!.arn, sessionId: j.sessionId, filterByRecordingState: 'ACTIVE' }));
    expect(recording.participants).toHaveLength(1);
    await ok(admin(emu.url, 'POST', 'unpublish', { token: token.token }));
    const stopped = await client.send(new sdk.ListParticipantsCommand({ stageArn: created.stage!.arn, sessionId: j.sessionId, filterByRecordingState: 'STOPPED' }));
    expect(stopped.participants).toHaveLength(1);
    const updated = await client.send(new sdk.UpdateStageCommand({ arn: created.stage!.arn, autoParticipantRecordingConfiguration: { storageConfigurationArn: '' } }));
    expect(updated.stage!.autoParticipantRecordingConfiguration!.storageConfigurationArn).toBe('');
  });

  test('replication survives an unpublish inside its reconnect window and ends after it', async () => {
    const { emu, client } = await start();
    const src = await client.send(new sdk.CreateStageCommand({ participantTokenConfigurations: [{}] }));
    const dst = (await client.send(new sdk.CreateStageCommand({}))).stage!;
    const t = src.participantTokens![0]!;
    await ok(admin(emu.url, 'POST', 'join', { token: t.token, publish: true }));
    await client.send(new sdk.StartParticipantReplicationCommand({ sourceStageArn: src.stage!.arn, destinationStageArn: dst.arn, participantId: t.participantId, reconnectWindowSeconds: 30 }));
    const state = async () => (await client.send(new sdk.ListParticipantReplicasCommand({ sourceStageArn: src.stage!.arn, participantId: t.participantId }))).replicas![0]!.replicationState;
    await ok(admin(emu.url, 'POST', 'unpublish', { token: t.token }));
    await ok(admin(emu.url, 'POST', 'clock', { advanceSeconds: 20 }));
    await ok(admin(emu.url, 'POST', 'publish', { token: t.token }));
    await ok(admin(emu.url, 'POST', 'clock', { advanceSeconds: 20 }));
    expect(await state()).toBe('ACTIVE');
    await ok(admin(emu.url, 'POST', 'unpublish', { token: t.token }));
    await ok(admin(emu.url, 'POST', 'clock', { advanceSeconds: 31 }));
    expect(await state()).toBe('STOPPED');
    expect((await client.send(new sdk.GetStageCommand({ arn: dst.arn }))).stage!.activeSessionId).toBeUndefined();
  });

  test('ingest: RTMP to an RTMPS-only key is refused; DeleteStage detaches an active configuration', async () => {
    const { emu, client } = await start();
    const stage = (await client.send(new sdk.CreateStageCommand({}))).stage!;
    const rtmps = (await client.send(new sdk.CreateIngestConfigurationCommand({ ingestProtocol: 'RTMPS', stageArn: stage.arn }))).ingestConfiguration!;
    const wrong = await admin(emu.url, 'POST', 'ingest', { streamKey: rtmps.streamKey, protocol: 'RTMP' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.message).toContain('INVALID_PROTOCOL');
    const unknown = await admin(emu.url, 'POST', 'ingest', { streamKey: 'rt_1_us-east-1_x_nope' });
    expect(unknown.status).toBe(403);
    const rtmp = (await client.send(new sdk.CreateIngestConfigurationCommand({ ingestProtocol: 'RTMP', insecureIngest: true, stageArn: stage.arn, redundantIngest: true }))).ingestConfiguration!;
    expect(rtmp.redundantIngestCredentials).toHaveLength(1);
    const joined = await ok(admin(emu.url, 'POST', 'ingest', { streamKey: rtmp.streamKey }));
    expect(joined.participant).toMatchObject({ protocol: 'RTMP', participantId: rtmp.participantId, redundantIngest: true });
    const reuse = await admin(emu.url, 'POST', 'ingest', { streamKey: rtmp.streamKey });
    expect(reuse.status).toBe(409);
    await client.send(new sdk.DeleteStageCommand({ arn: stage.arn }));
    const after = (await client.send(new sdk.GetIngestConfigurationCommand({ arn: rtmp.arn }))).ingestConfiguration!;
    expect(after).toMatchObject({ stageArn: '', state: 'INACTIVE' });
    expect((await client.send(new sdk.GetIngestConfigurationCommand({ arn: rtmps.arn }))).ingestConfiguration!.stageArn).toBe(stage.arn);
  });
});

describe('admin routes', () => {
  test('status counts, reset clears everything, unknown routes are 404', async () => {
    const { emu, client } = await start();
    await client.send(new sdk.CreateStageCommand({ participantTokenConfigurations: [{}] }));
    const status = await ok(admin(emu.url, 'GET', 'status'));
    expect(status).toMatchObject({ pid: process.pid, url: emu.url, dataDir: null, region: 'us-east-1', accountId: '123456789012' });
    expect(status.counts.stages).toBe(1);
    await ok(admin(emu.url, 'POST', 'reset', {}));
    expect((await client.send(new sdk.ListStagesCommand({}))).stages).toEqual([]);
    const missing = await admin(emu.url, 'GET', 'nope');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    const bad = await admin(emu.url, 'POST', 'clock', { advanceSeconds: 'soon' });
    expect(bad.status).toBe(400);
  });
});
