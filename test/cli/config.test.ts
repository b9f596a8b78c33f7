// Where requests go, resolved as the AWS CLI does it: flag > AWS_ENDPOINT_URL_IVS_REALTIME >
// AWS_ENDPOINT_URL, profile region from the config file, and --local starting the background emulator.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backgroundHome } from '../helpers/children.js';
import { runCli } from '../helpers/cli.js';
import { fakeEndpoint, type FakeEndpoint } from '../helpers/fake-endpoint.js';
import { scratchDir } from '../helpers/scratch.js';

const endpoints: Record<'flag' | 'service' | 'global', FakeEndpoint> = {} as never;

beforeAll(async () => {
  for (const name of ['flag', 'service', 'global'] as const) {
    endpoints[name] = await fakeEndpoint((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ stages: [{ arn: `arn:aws:ivs:us-east-1:123456789012:stage/${name}`, name }] }));
    });
  }
});
afterAll(async () => {
  await Promise.all(Object.values(endpoints).map((e) => e.close()));
});

const listedBy = async (args: string[], env: NodeJS.ProcessEnv) => {
  const r = await runCli(['stage', 'list', '--json', '--query', 'stages[0].name', ...args], { env });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
};

describe('endpoint resolution', () => {
  it('--endpoint-url beats AWS_ENDPOINT_URL_IVS_REALTIME, which beats AWS_ENDPOINT_URL', async () => {
    const both = { AWS_ENDPOINT_URL_IVS_REALTIME: endpoints.service.url, AWS_ENDPOINT_URL: endpoints.global.url };
    expect(await listedBy(['--endpoint-url', endpoints.flag.url], both)).toBe('flag');
    expect(await listedBy([], both)).toBe('service');
    expect(await listedBy([], { AWS_ENDPOINT_URL: endpoints.global.url })).toBe('global');
  });

  it("takes the region from the named profile when neither flag nor environment sets one", async () => {
    const dir = scratchDir('profile');
    writeFileSync(join(dir, 'config'), '[default]\nregion = us-west-2\n\n[profile dev]\nregion = eu-central-1\n');
    const env = { AWS_CONFIG_FILE: join(dir, 'config'), AWS_REGION: '', AWS_ENDPOINT_URL: endpoints.global.url };
    await listedBy(['--profile', 'dev'], env);
    expect(String(endpoints.global.requests.at(-1)!.headers.authorization)).toContain('/eu-central-1/ivs/aws4_request');
    await listedBy([], env);
    expect(String(endpoints.global.requests.at(-1)!.headers.authorization)).toContain('/us-west-2/ivs/aws4_request');
    await listedBy(['--profile', 'dev', '--region', 'ap-south-1'], env);
    expect(String(endpoints.global.requests.at(-1)!.headers.authorization)).toContain('/ap-south-1/ivs/aws4_request');
  });

  it('a region that is not a region name is a configuration problem (253, one line and a hint), wherever it comes from; nothing is sent', async () => {
    // It was the SDK's "Region not accepted: ... not a valid hostname component", exit 255.
    const dir = scratchDir('bad-region');
    writeFileSync(join(dir, 'config'), '[profile typo]\nregion = eu_west_1\n');
    const before = endpoints.global.requests.length;
    for (const [args, env, region] of [
      [['--region', 'Bad Region'], {}, 'Bad Region'],
      [[], { AWS_REGION: 'US-EAST-1' }, 'US-EAST-1'],
      [['--profile', 'typo'], { AWS_CONFIG_FILE: join(dir, 'config'), AWS_REGION: '' }, 'eu_west_1'],
    ] as const) {
      const r = await runCli(['stage', 'list', ...args], { env: { AWS_ENDPOINT_URL: endpoints.global.url, ...env } });
      expect(r.code, r.stderr).toBe(253);
      expect(r.stderr.trim().split('\n')).toEqual([`error: the region "${region}" is not a region name such as us-east-1`, 'Fix --region, AWS_REGION / AWS_DEFAULT_REGION, or the region of your profile.']);
    }
    expect(endpoints.global.requests.length).toBe(before);
  });
});

describe('--local', () => {
  it('starts the background emulator when none runs, reuses it, and local stop ends it', async () => {
    const env = { IVSRT_HOME: backgroundHome('local-home') };
    const created = await runCli(['stage', 'create', '--name', 'bg', '--local', '--json'], { env });
    expect(created.code, created.stderr).toBe(0);
    const listed = await runCli(['stage', 'list', '--local', '--json'], { env });
    expect(listed.json().stages.map((s: { name: string }) => s.name)).toEqual(['bg']);
    const status = await runCli(['local', 'status', '--json'], { env });
    expect(status.json().running).toBe(true);
    const stopped = await runCli(['local', 'stop'], { env });
    expect(stopped.code).toBe(0);
    expect((await runCli(['local', 'status', '--json'], { env })).json().running).toBe(false);
  });
});
