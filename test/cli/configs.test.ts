// Encoder, storage and ingest configuration verbs end to end: the real bin against a spawned emulator.
// Checks that --json is exactly the API's answer, that names resolve (and ambiguous ones refuse), that
// rules the model cannot express fail with 252 before any request, and that stream keys stay out of
// tables and TSV.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { scratchDir } from '../helpers/scratch.js';
import { emulatorBed } from '../helpers/bed.js';
import { adminHeaders } from '../helpers/emulator.js';

const bed = emulatorBed();
const { cli, api, refusedLocally } = bed;

import { arnId as idOf } from '../../src/model/arn.js';
const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');

describe('encoder-config', () => {
  it('create, get by name and id, list, delete: --json is the API response', async () => {
    const created = await cli(['encoder-config', 'create', '--name', 'enc-hd', '--width', '1920', '--height', '1080', '--framerate', '29.97', '--bitrate', '6000000', '--tags', 'team=video', '--json']);
    expect(created.code, created.stderr).toBe(0);
    const config = created.json().encoderConfiguration;
    expect(config.video).toEqual({ width: 1920, height: 1080, framerate: 29.97, bitrate: 6000000 });
    expect(config.tags).toEqual({ team: 'video' });
    expect(created.json()).toEqual(await api('GetEncoderConfiguration', { arn: config.arn }));

    const [byName, byId, listed] = await Promise.all([
      cli(['encoder-config', 'get', 'enc-hd', '--json']),
      cli(['encoder-config', 'get', idOf(config.arn), '--json']),
      cli(['encoder-config', 'list', '--json']),
    ]);
    expect(byName.json()).toEqual({ encoderConfiguration: config });
    expect(byId.json()).toEqual({ encoderConfiguration: config });
    expect(listed.json()).toEqual(await api('ListEncoderConfigurations', {}));
    expect(listed.json().encoderConfigurations.map((c: { arn: string }) => c.arn)).toContain(config.arn);

    const tsv = await cli(['encoder-config', 'get', 'enc-hd']);
    expect(tsv.stdout).toContain('video.width\t1920\n');

    const deleted = await cli(['encoder-config', 'delete', 'enc-hd', '--yes']);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stdout).toBe('');
    const gone = await cli(['encoder-config', 'get', config.arn]);
    expect(gone.code).toBe(254);
    expect(gone.stderr).toContain('ResourceNotFoundException');
  });

  it('refuses odd, out-of-range and oversized dimensions with 252, naming the flag, before any request', async () => {
    await refusedLocally(['encoder-config', 'create', '--width', '3'], '--width must be an even number');
    await refusedLocally(['encoder-config', 'create', '--height', '4000'], '--height must be at most 1920');
    await refusedLocally(['encoder-config', 'create', '--width', '1920', '--height', '1920'], '--width times --height must be at most 2073600 pixels');
    await refusedLocally(['encoder-config', 'create', '--framerate', '61'], '--framerate must be at most 60');
    await refusedLocally(['encoder-config', 'create', '--bitrate', 'fast'], '--bitrate must be a whole number');
  });

  it('an ambiguous name fails with 252 listing both ARNs, and nothing is deleted', async () => {
    const [a, b] = await Promise.all([api('CreateEncoderConfiguration', { name: 'twin' }), api('CreateEncoderConfiguration', { name: 'twin' })]);
    const r = await cli(['encoder-config', 'delete', 'twin', '--yes']);
    expect(r.code).toBe(252);
    expect(r.stderr).toContain('matches 2 encoder configurations');
    expect(r.stderr).toContain(a.encoderConfiguration.arn);
    expect(r.stderr).toContain(b.encoderConfiguration.arn);
    const arns = (await api('ListEncoderConfigurations', {})).encoderConfigurations.map((c: { arn: string }) => c.arn);
    expect(arns).toEqual(expect.arrayContaining([a.encoderConfiguration.arn, b.encoderConfiguration.arn]));
  });

  it('delete without --yes off a terminal is refused with 252 and deletes nothing', async () => {
    const { encoderConfiguration } = await api('CreateEncoderConfiguration', { name: 'keep-me' });
    const r = await cli(['encoder-config', 'delete', 'keep-me']);
    expect(r.code).toBe(252);
    expect(r.stderr).toContain('--yes');
    expect((await api('GetEncoderConfiguration', { arn: encoderConfiguration.arn })).encoderConfiguration.name).toBe('keep-me');
  });

  it('get of an unknown name is ResourceNotFoundException (254); list rejects a bad --page-size (252)', async () => {
    const r = await cli(['encoder-config', 'get', 'no-such-config']);
    expect(r.code).toBe(254);
    expect(r.stderr).toContain('ResourceNotFoundException');
    await refusedLocally(['encoder-config', 'list', '--page-size', '0'], '--page-size');
  });

  it('lists as a table on a terminal and as TSV when piped', async () => {
    const { encoderConfiguration } = await api('CreateEncoderConfiguration', { name: 'table-row' });
    const [tty, piped] = await Promise.all([cli(['encoder-config', 'list'], { IVSRT_FORCE_TTY: '120' }), cli(['encoder-config', 'list'])]);
    expect(tty.code).toBe(0);
    expect(plain(tty.stdout).split('\n')[0]).toMatch(/^ NAME\s+ID\s+TAGS$/);
    expect(tty.stdout).toContain(idOf(encoderConfiguration.arn));
    expect(tty.stdout).not.toContain('\t');
    expect(piped.stdout).toContain(`table-row\t${idOf(encoderConfiguration.arn)}\t`);
  });
});

describe('storage-config', () => {
  it('create, get by id, list, delete by name', async () => {
    const created = await cli(['storage-config', 'create', '--bucket', 'my-recordings', '--name', 'rec', '--json']);
    expect(created.code, created.stderr).toBe(0);
    const config = created.json().storageConfiguration;
    expect(config.s3).toEqual({ bucketName: 'my-recordings' });
    expect(created.json()).toEqual(await api('GetStorageConfiguration', { arn: config.arn }));

    const [byId, listed, piped] = await Promise.all([
      cli(['storage-config', 'get', idOf(config.arn), '--json']),
      cli(['storage-config', 'list', '--json']),
      cli(['storage-config', 'list']),
    ]);
    expect(byId.json()).toEqual({ storageConfiguration: config });
    expect(listed.json()).toEqual(await api('ListStorageConfigurations', {}));
    expect(piped.stdout).toContain(`rec\t${idOf(config.arn)}\tmy-recordings\t`);

    expect((await cli(['storage-config', 'delete', 'rec', '--yes'])).code).toBe(0);
    expect((await api('ListStorageConfigurations', {})).storageConfigurations.map((c: { arn: string }) => c.arn)).not.toContain(config.arn);
  });

  it('create without --bucket or with a bad bucket name is 252 naming --bucket', async () => {
    await refusedLocally(['storage-config', 'create', '--name', 'x'], '--bucket');
    await refusedLocally(['storage-config', 'create', '--bucket', 'Not_A_Bucket'], '--bucket must match');
  });

  it('delete of a configuration a stage records with is ConflictException (254); get of a deleted one is 254; list rejects a foreign --starting-token', async () => {
    const { storageConfiguration } = await api('CreateStorageConfiguration', { name: 'in-use', s3: { bucketName: 'in-use-bucket' } });
    await api('CreateStage', { name: 'recorded', autoParticipantRecordingConfiguration: { storageConfigurationArn: storageConfiguration.arn } });
    const r = await cli(['storage-config', 'delete', 'in-use', '--yes']);
    expect(r.code).toBe(254);
    expect(r.stderr).toContain('ConflictException');

    const missing = await cli(['storage-config', 'get', storageConfiguration.arn.replace(/\/\w+$/, '/AAAAAAAAAAAA')]);
    expect(missing.code).toBe(254);
    expect(missing.stderr).toContain('ResourceNotFoundException');
    await refusedLocally(['storage-config', 'list', '--starting-token', 'not-a-token'], '--starting-token');
  });
});

describe('ingest-config', () => {
  let stageArn: string;
  beforeAll(async () => {
    stageArn = (await api('CreateStage', { name: 'ingest-stage' })).stage.arn;
  });

  it('create by stage name: --json carries the stream key, TSV and the table do not', async () => {
    const created = await cli(['ingest-config', 'create', '--protocol', 'rtmps', '--stage', 'ingest-stage', '--name', 'obs', '--user-id', 'studio', '--attributes', 'room=a', '--json']);
    expect(created.code, created.stderr).toBe(0);
    const config = created.json().ingestConfiguration;
    expect(config).toMatchObject({ name: 'obs', ingestProtocol: 'RTMPS', stageArn, userId: 'studio', attributes: { room: 'a' }, state: 'INACTIVE' });
    expect(config.streamKey).toMatch(/^rt_/);
    expect(created.json()).toEqual(await api('GetIngestConfiguration', { arn: config.arn }));

    const [tsv, table, shown, queried] = await Promise.all([
      cli(['ingest-config', 'get', 'obs']),
      cli(['ingest-config', 'get', 'obs'], { IVSRT_FORCE_TTY: '120' }),
      cli(['ingest-config', 'get', 'obs', '--show-stream-key']),
      cli(['ingest-config', 'get', 'obs', '--query', 'ingestConfiguration.streamKey']),
    ]);
    for (const r of [tsv, table]) {
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(config.participantId);
      expect(r.stdout).not.toContain(config.streamKey);
      expect(r.stdout).not.toContain('streamKey');
    }
    expect(table.stderr).toContain('--show-stream-key');
    expect(shown.stdout).toContain(`streamKey\t${config.streamKey}\n`);
    expect(queried.stdout).toBe(`${config.streamKey}\n`);

    // A create printed for a person hides the key too, backup key included.
    const redundant = await cli(['ingest-config', 'create', '--protocol', 'rtmps', '--stage', 'ingest-stage', '--name', 'obs-backup', '--redundant']);
    expect(redundant.code).toBe(0);
    const backup = (await api('GetIngestConfiguration', { arn: redundant.stdout.match(/^arn\t(\S+)$/m)![1] })).ingestConfiguration;
    expect(backup.redundantIngestCredentials).toHaveLength(1);
    expect(redundant.stdout).toContain(backup.redundantIngestCredentials[0].participantId);
    expect(redundant.stdout).not.toContain('rt_');
  });

  it('--debug logs the exchange with the stream key redacted', async () => {
    const r = await cli(['ingest-config', 'create', '--protocol', 'rtmps', '--name', 'debugged', '--debug']);
    expect(r.code, r.stderr).toBe(0);
    const arn = r.stdout.match(/^arn\t(\S+)$/m)![1]!;
    const { streamKey } = (await api('GetIngestConfiguration', { arn })).ingestConfiguration;
    expect(r.stderr).toContain('CreateIngestConfiguration');
    expect(r.stderr).toContain('***');
    expect(r.stderr).not.toContain(streamKey);
    expect(r.stdout).not.toContain(streamKey);
  });

  it('rtmp without --insecure, and --stage with --state, are 252 before any request', async () => {
    await refusedLocally(['ingest-config', 'create', '--protocol', 'rtmp'], '--insecure is required with --protocol rtmp');
    await refusedLocally(['ingest-config', 'create', '--protocol', 'srt'], '--protocol must be one of RTMP, RTMPS');
    await refusedLocally(['ingest-config', 'list', '--stage', 'ingest-stage', '--state', 'active'], '--state cannot be combined with --stage');
    const rtmp = await cli(['ingest-config', 'create', '--protocol', 'rtmp', '--insecure', '--json']);
    expect(rtmp.code).toBe(0);
    expect(rtmp.json().ingestConfiguration.ingestProtocol).toBe('RTMP');
  });

  it('while a publisher is live: list --state ACTIVE finds it, update and delete are ConflictException, delete --force works', async () => {
    const { ingestConfiguration: config } = await api('CreateIngestConfiguration', { name: 'live', ingestProtocol: 'RTMPS', stageArn });
    const res = await fetch(`${bed.emu.url}/_ivsrt/ingest`, { method: 'POST', headers: adminHeaders(bed.emu.url), body: JSON.stringify({ streamKey: config.streamKey }) });
    expect(res.status, await res.text()).toBe(200);

    const [active, byStage, tsv] = await Promise.all([
      cli(['ingest-config', 'list', '--state', 'active', '--json']),
      cli(['ingest-config', 'list', '--stage', 'ingest-stage', '--json']),
      cli(['ingest-config', 'list', '--stage', 'ingest-stage']),
    ]);
    expect(active.json()).toEqual(await api('ListIngestConfigurations', { filterByState: 'ACTIVE' }));
    expect(active.json().ingestConfigurations.map((c: { arn: string }) => c.arn)).toEqual([config.arn]);
    expect(byStage.json()).toEqual(await api('ListIngestConfigurations', { filterByStageArn: stageArn }));
    expect(tsv.stdout).toContain(`live\t${idOf(config.arn)}\tRTMPS\tACTIVE\t${idOf(stageArn)}\t${config.participantId}\t`);
    expect(tsv.stdout).not.toContain('rt_');

    const update = await cli(['ingest-config', 'update', 'live', '--stage', '']);
    expect(update.code).toBe(254);
    expect(update.stderr).toContain('ConflictException');
    const refused = await cli(['ingest-config', 'delete', 'live', '--yes']);
    expect(refused.code).toBe(254);
    expect(refused.stderr).toContain('ConflictException');
    const forced = await cli(['ingest-config', 'delete', 'live', '--yes', '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    const gone = await cli(['ingest-config', 'get', config.arn]);
    expect(gone.code).toBe(254);
    expect(gone.stderr).toContain('ResourceNotFoundException');
  });

  it('update attaches to a stage by name and detaches with ""; update without --stage is 252', async () => {
    const { ingestConfiguration: config } = await api('CreateIngestConfiguration', { name: 'movable', ingestProtocol: 'RTMPS' });
    await api('CreateStage', { name: 'other-stage' });
    const attached = await cli(['ingest-config', 'update', 'movable', '--stage', 'other-stage', '--json']);
    expect(attached.code, attached.stderr).toBe(0);
    expect(attached.json()).toEqual(await api('GetIngestConfiguration', { arn: config.arn }));
    expect(attached.json().ingestConfiguration.stageArn).toMatch(/:stage\//);
    const detached = await cli(['ingest-config', 'update', idOf(config.arn), '--stage', '', '--json']);
    expect(detached.json().ingestConfiguration.stageArn).toBe('');
    await refusedLocally(['ingest-config', 'update', config.arn], '--stage is required');
  });

  it('delete asks first: without --yes off a terminal it is 252 and the configuration stays', async () => {
    const { ingestConfiguration: config } = await api('CreateIngestConfiguration', { name: 'stays', ingestProtocol: 'RTMPS' });
    const r = await cli(['ingest-config', 'delete', 'stays']);
    expect(r.code).toBe(252);
    expect(r.stderr).toContain('confirmation needed');
    expect((await api('GetIngestConfiguration', { arn: config.arn })).ingestConfiguration.arn).toBe(config.arn);
  });
});

describe('--input', () => {
  it('takes the full request from a file, flags on top', async () => {
    const dir = scratchDir('configs');
    const file = join(dir, 'encoder.json');
    writeFileSync(file, JSON.stringify({ name: 'from-file', video: { width: 640, height: 360, framerate: 15 } }));
    const r = await cli(['encoder-config', 'create', '--input', file, '--height', '480', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().encoderConfiguration).toMatchObject({ name: 'from-file', video: { width: 640, height: 480, framerate: 15 } });
    writeFileSync(file, JSON.stringify({ video: { width: 641 } }));
    // Named as the member of --input it is, not as --width, which was not typed.
    await refusedLocally(['encoder-config', 'create', '--input', file], 'input member video.width must be an even number');
  });
});
