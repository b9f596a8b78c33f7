// Other clients than the JS SDK: botocore (python3 + boto3) and the AWS CLI, both signing with their own
// SigV4 implementation, against an emulator that verifies signatures for real.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/assemble.js';
import { runs } from '../helpers/tools.js';
import { CREDENTIALS, startTestEmulator } from './helpers.js';

const run = promisify(execFile);

const HAS_BOTO3 = runs('python3', ['-c', 'import boto3']);
const HAS_AWS = runs('aws', ['--version']);
if (!HAS_BOTO3) console.warn('interop: skipping the botocore test: python3 with boto3 is not installed');
if (!HAS_AWS) console.warn('interop: skipping the AWS CLI test: `aws` is not on PATH');

let emu: RunningEmulator;
const env = (): NodeJS.ProcessEnv => ({
  ...process.env,
  AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_REGION: 'us-east-1',
  AWS_CONFIG_FILE: '/dev/null',
  AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  AWS_PAGER: '',
});

beforeAll(async () => {
  ({ emu } = await startTestEmulator({ credentials: [CREDENTIALS] }));
});
afterAll(() => emu.close());

const BOTO_SCRIPT = `
import json, sys, boto3, botocore
c = boto3.client('ivs-realtime', endpoint_url=sys.argv[1], region_name='us-east-1')
out = {}
s = c.create_stage(name='boto', tags={'a': '1', 'b': '2'}, participantTokenConfigurations=[{'userId': 'u', 'capabilities': ['SUBSCRIBE']}])
arn = s['stage']['arn']
out['token_caps'] = s['participantTokens'][0]['capabilities']
out['expiration_is_datetime'] = type(s['participantTokens'][0]['expirationTime']).__name__
c.untag_resource(resourceArn=arn, tagKeys=['a'])
out['tags'] = c.list_tags_for_resource(resourceArn=arn)['tags']
c.tag_resource(resourceArn=arn, tags={'p+q': '3', 'p q': '4'})
c.untag_resource(resourceArn=arn, tagKeys=['p+q'])
out['after_plus'] = c.list_tags_for_resource(resourceArn=arn)['tags']
c.untag_resource(resourceArn=arn, tagKeys=['p q'])
out['after_space'] = c.list_tags_for_resource(resourceArn=arn)['tags']
out['keys'] = [p['publicKeys'] for p in c.get_paginator('list_public_keys').paginate()]
try:
    c.get_stage(arn=arn + 'x')
except botocore.exceptions.ClientError as e:
    out['error'] = {'code': e.response['Error']['Code'], 'message': e.response['Error']['Message'], 'status': e.response['ResponseMetadata']['HTTPStatusCode'], 'exceptionMessage': e.response.get('exceptionMessage')}
bad = boto3.client('ivs-realtime', endpoint_url=sys.argv[1], region_name='us-east-1', aws_access_key_id='${CREDENTIALS.accessKeyId}', aws_secret_access_key='wrong')
try:
    bad.list_stages()
except botocore.exceptions.ClientError as e:
    out['bad_signature'] = e.response['Error']['Code']
print(json.dumps(out))
`;

describe('botocore', () => {
  test.skipIf(!HAS_BOTO3)('boto3 drives the emulator and parses its errors', async () => {
    const { stdout } = await run('python3', ['-c', BOTO_SCRIPT, emu.url], { env: env(), timeout: 30_000 });
    const out = JSON.parse(stdout) as Record<string, any>;
    expect(out.token_caps).toEqual(['SUBSCRIBE']);
    expect(out.expiration_is_datetime).toBe('datetime');
    expect(out.tags).toEqual({ b: '2' });
    // botocore sends + as %2B and a space as %20 in UntagResource's query: each key removes itself only.
    expect(out.after_plus).toEqual({ b: '2', 'p q': '4' });
    expect(out.after_space).toEqual({ b: '2' });
    expect(out.keys).toEqual([[]]);
    expect(out.error).toEqual({ code: 'ResourceNotFoundException', message: expect.stringContaining('was not found'), status: 404, exceptionMessage: expect.stringContaining('was not found') });
    expect(out.bad_signature).toBe('InvalidSignatureException');
  });
});

describe('AWS CLI', () => {
  const aws = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await run('aws', ['ivs-realtime', ...args, '--endpoint-url', emu.url, '--output', 'json'], { env: env(), timeout: 30_000 });
      return { code: 0, stdout, stderr, json: stdout.trim() ? (JSON.parse(stdout) as Record<string, any>) : {} };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr, json: {} };
    }
  };

  test.skipIf(!HAS_AWS)('stage lifecycle with `aws ivs-realtime ... --endpoint-url`', async () => {
    const created = await aws('create-stage', '--name', 'cli-stage', '--participant-token-configurations', 'userId=cli,capabilities=PUBLISH,SUBSCRIBE', '--tags', 'team=video');
    expect(created.code, created.stderr).toBe(0);
    const arn: string = created.json.stage.arn;
    expect(created.json.participantTokens[0].userId).toBe('cli');
    const got = await aws('get-stage', '--arn', arn);
    expect(got.json.stage.tags).toEqual({ team: 'video' });
    const token = await aws('create-participant-token', '--stage-arn', arn, '--duration', '60');
    expect(token.json.participantToken.duration).toBe(60);
    expect(token.json.participantToken.expirationTime).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const listed = await aws('list-stages');
    expect(listed.json.stages.map((s: { arn: string }) => s.arn)).toContain(arn);
    expect((await aws('delete-stage', '--arn', arn)).code).toBe(0);
    const gone = await aws('get-stage', '--arn', arn);
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toContain('ResourceNotFoundException');
    expect(gone.stderr).toContain('was not found');
    // Each `aws` start costs a second or more of Python start-up; on a loaded machine seven of them need room.
  }, 120_000);

  test.skipIf(!HAS_AWS)('untag-resource removes a tag key with + and leaves the one with a space', async () => {
    const created = await aws('create-stage', '--name', 'cli-tags', '--tags', JSON.stringify({ 'p+q': '1', 'p q': '2', r: '3' }));
    expect(created.code, created.stderr).toBe(0);
    const arn: string = created.json.stage.arn;
    expect((await aws('untag-resource', '--resource-arn', arn, '--tag-keys', 'p+q')).code).toBe(0);
    expect((await aws('list-tags-for-resource', '--resource-arn', arn)).json.tags).toEqual({ 'p q': '2', r: '3' });
  }, 120_000);
});
