// Differences from the documented service found by the fidelity audit (issue #11), each checked against
// its source: [M] the service model (../shared/reference/ivs-realtime-2020-07-14.service.json), [CLI] the
// AWS CLI's examples (awscli/examples/ivs-realtime/*.rst), [TAG] AWS's tagging rules. docs/fidelity.md
// lists these with the rest.
import * as sdk from '@aws-sdk/client-ivs-realtime';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/assemble.js';
import { AdminClient } from '../../src/local/admin-client.js';
import { runCli } from '../helpers/cli.js';
import { failure, raw, startTestEmulator } from './helpers.js';

let emu: RunningEmulator;
let client: sdk.IVSRealTimeClient;
let admin: AdminClient;
beforeAll(async () => {
  ({ emu, client } = await startTestEmulator());
  admin = new AdminClient(emu.url);
});
afterAll(async () => {
  client.destroy();
  await emu.close();
});

describe('recording configuration', () => {
  test('thumbnailConfiguration.recordingMode defaults to DISABLED [M ParticipantThumbnailConfiguration; CLI create-stage, get-stage]', async () => {
    const { stage } = await client.send(new sdk.CreateStageCommand({ name: 'thumbs' }));
    expect(stage!.autoParticipantRecordingConfiguration!.thumbnailConfiguration).toEqual({ targetIntervalSeconds: 60, storage: ['SEQUENTIAL'], recordingMode: 'DISABLED' });
  });

  test('storageConfigurationArn "" resets the other fields to their defaults [M AutoParticipantRecordingConfiguration.storageConfigurationArn]', async () => {
    const { stage } = await client.send(new sdk.CreateStageCommand({ name: 'reset' }));
    const { stage: updated } = await client.send(
      new sdk.UpdateStageCommand({
        arn: stage!.arn,
        autoParticipantRecordingConfiguration: {
          storageConfigurationArn: '',
          mediaTypes: ['AUDIO_ONLY'],
          thumbnailConfiguration: { recordingMode: 'INTERVAL', targetIntervalSeconds: 5 },
          recordingReconnectWindowSeconds: 30,
          hlsConfiguration: { targetSegmentDurationSeconds: 2 },
          recordParticipantReplicas: false,
        },
      }),
    );
    expect(updated!.autoParticipantRecordingConfiguration).toEqual(stage!.autoParticipantRecordingConfiguration);
    expect(updated!.autoParticipantRecordingConfiguration).toMatchObject({ storageConfigurationArn: '', mediaTypes: ['AUDIO_VIDEO'], recordingReconnectWindowSeconds: 0, recordParticipantReplicas: true });
  });
});

describe('reserved tag keys [TAG: keys beginning aws: cannot be created, edited or deleted; the model defers to these rules]', () => {
  test('on create, TagResource and UntagResource, in any case: 400 ValidationException, nothing stored', async () => {
    const created = await failure(client.send(new sdk.CreateStageCommand({ name: 'tagged', tags: { 'aws:owner': 'me' } })));
    expect([created.name, created.$metadata?.httpStatusCode]).toEqual(['ValidationException', 400]);
    expect(created.message).toContain("Tag keys starting with 'aws:' are reserved");
    expect((await client.send(new sdk.ListStagesCommand({}))).stages!.map((s) => s.name)).not.toContain('tagged');

    const { stage } = await client.send(new sdk.CreateStageCommand({ name: 'tagged', tags: { team: 'a' } }));
    expect((await failure(client.send(new sdk.TagResourceCommand({ resourceArn: stage!.arn, tags: { 'AWS:Name': 'x' } })))).name).toBe('ValidationException');
    expect((await failure(client.send(new sdk.UntagResourceCommand({ resourceArn: stage!.arn, tagKeys: ['aws:cloudformation:stack-name'] })))).name).toBe('ValidationException');
    expect((await client.send(new sdk.ListTagsForResourceCommand({ resourceArn: stage!.arn }))).tags).toEqual({ team: 'a' });
    // A key that merely contains it is an ordinary key.
    await client.send(new sdk.TagResourceCommand({ resourceArn: stage!.arn, tags: { 'my-aws:key': 'ok' } }));
  });
});

describe('empty strings are returned, not omitted', () => {
  test('userId "" on an ingest configuration made without one [CLI create-ingest-configuration]', async () => {
    const { ingestConfiguration } = await client.send(new sdk.CreateIngestConfigurationCommand({ ingestProtocol: 'RTMPS' }));
    expect(ingestConfiguration!.userId).toBe('');
    const listed = await raw(emu.url, 'POST', '/ListIngestConfigurations', '{}');
    expect((listed.body.ingestConfigurations as { userId?: string }[])[0]!.userId).toBe('');
  });

  test('a participant without a user id or client info reads "" for each [M Participant; CLI get-participant, list-participants]', async () => {
    const { stage } = await client.send(new sdk.CreateStageCommand({ name: 'anonymous' }));
    const joined = await admin.join({ stageArn: stage!.arn! });
    const reply = await raw(emu.url, 'POST', '/GetParticipant', JSON.stringify({ stageArn: stage!.arn, sessionId: joined.sessionId, participantId: joined.participant.participantId }));
    expect(reply.body.participant).toMatchObject({ userId: '', ispName: '', osName: '', osVersion: '', browserName: '', browserVersion: '', sdkVersion: '' });
    const listed = await raw(emu.url, 'POST', '/ListParticipants', JSON.stringify({ stageArn: stage!.arn, sessionId: joined.sessionId }));
    expect((listed.body.participants as { userId?: string }[])[0]!.userId).toBe('');
  });

  test('`ivsrt local join --client-info` sets what GetParticipant reports; an unknown field is one line, nothing sent', async () => {
    const { stage } = await client.send(new sdk.CreateStageCommand({ name: 'described' }));
    const env = { IVSRT_ADMIN_SECRET: emu.adminSecret };
    const joined = await runCli(['local', 'join', '--stage', 'described', '--client-info', 'osName=Linux,browserName=Firefox,browserVersion=128', '--json'], { endpoint: emu.url, env });
    expect(joined.code, joined.stderr).toBe(0);
    const { participantId } = joined.json().participant as { participantId: string };
    const { participant } = await client.send(new sdk.GetParticipantCommand({ stageArn: stage!.arn, sessionId: joined.json().sessionId, participantId }));
    expect(participant).toMatchObject({ osName: 'Linux', browserName: 'Firefox', browserVersion: '128', osVersion: '', ispName: '', sdkVersion: '' });
    const unknown = await runCli(['local', 'join', '--stage', 'described', '--client-info', 'cpu=arm'], { endpoint: emu.url, env });
    expect(unknown.code).toBe(252);
    expect(unknown.stderr).toContain('--client-info: unknown field "cpu"');
  });
});

test('security headers as the AWS CLI shows them on Start/StopParticipantReplication [CLI start-participant-replication, stop-participant-replication; M: the outputs bind them]', async () => {
  const { stage: source } = await client.send(new sdk.CreateStageCommand({ name: 'source' }));
  const { stage: destination } = await client.send(new sdk.CreateStageCommand({ name: 'destination' }));
  const host = await admin.join({ stageArn: source!.arn!, userId: 'host', publish: true });
  const input = { sourceStageArn: source!.arn, destinationStageArn: destination!.arn, participantId: host.participant.participantId };
  const expected = {
    accessControlAllowOrigin: '*',
    accessControlExposeHeaders:
      'Access-Control-Allow-Origin,Access-Control-Expose-Headers,Cache-Control,Content-Length,Content-Security-Policy,Content-Type,date,Strict-Transport-Security,x-amz-apigw-id,x-amzn-errormessage,x-amzn-errortype,x-amzn-requestid,x-amzn-trace-id,X-Content-Type-Options,X-Frame-Options',
    cacheControl: 'no-store, no-cache',
    contentSecurityPolicy: "default-src 'self'; upgrade-insecure-requests;",
    strictTransportSecurity: 'max-age:47304000; includeSubDomains',
    xContentTypeOptions: 'nosniff',
    xFrameOptions: 'DENY',
  };
  const { $metadata: _s, ...started } = await client.send(new sdk.StartParticipantReplicationCommand(input));
  expect(started).toEqual(expected);
  const { $metadata: _t, ...stopped } = await client.send(new sdk.StopParticipantReplicationCommand(input));
  expect(stopped).toEqual(expected);
});
