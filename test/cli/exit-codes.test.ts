// Every exit-code class, no stack traces, no warnings, and no request on a validation failure.

import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/errors.js';
import { BIN, runCli, testEnv } from '../helpers/cli.js';
import { fakeEndpoint, type FakeEndpoint } from '../helpers/fake-endpoint.js';
import { scratchDir } from '../helpers/scratch.js';
import { spawnChild } from '../helpers/children.js';
import { eventually } from '../helpers/wait.js';

const ROOT = join(import.meta.dirname, '..', '..');
const STACK = /\n\s+at .+\(.+:\d+:\d+\)/;
const SECRET_TOKEN = 'eyJhbGciOiJLTVMiLCJ0eXAiOiJKV1QifQ.eyJqdGkiOiJhYmMifQ.c2lnbmF0dXJl';

let counting: FakeEndpoint;
let hanging: FakeEndpoint;

beforeAll(async () => {
  counting = await fakeEndpoint((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ stage: { arn: 'arn:aws:ivs:us-east-1:123456789012:stage/abcdABCD1234', name: 'x' }, participantTokens: [{ participantId: 'abc', token: SECRET_TOKEN, duration: 720 }] }));
  });
  hanging = await fakeEndpoint(() => {
    // Never answers: the CLI must still stop on Ctrl-C.
  });
});
afterAll(async () => {
  await counting.close();
  await hanging.close();
});

describe('exit codes', () => {
  it('0 for --version and --help, with the version from package.json', async () => {
    const version = await runCli(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('stage');
    expect(help.stdout).toContain('exit-codes');
    // The command groups name every command the list above them has (watch and the like were left out).
    const commands = [...help.stdout.split(/^Commands:$/m)[1]!.split(/^Command groups:$/m)[0]!.matchAll(/^ {2}([a-z-]+) /gm)].map(([, name]) => name);
    const grouped = [...help.stdout.split(/^Command groups:$/m)[1]!.split(/\n\n/)[0]!.matchAll(/[a-z-]+(?=,|$)/gm)].map(([name]) => name);
    expect(commands.length).toBeGreaterThan(15);
    expect(grouped.sort()).toEqual(commands.sort());
  });

  it('help topics for exit codes and environment', async () => {
    const codes = await runCli(['help', 'exit-codes']);
    expect(codes.code).toBe(0);
    for (const code of ['130', '252', '253', '254', '255']) expect(codes.stdout).toContain(code);
    const environment = await runCli(['help', 'environment']);
    expect(environment.stdout).toContain('AWS_ENDPOINT_URL_IVS_REALTIME');
    expect(environment.stdout).toContain('AWS_DEFAULT_REGION');
  });

  it('252 for help on a topic or command that does not exist, naming it and the topics (it printed the whole help with 0)', async () => {
    const r = await runCli(['help', 'exit-code']);
    expect(r.code).toBe(252);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('error: no help topic or command "exit-code"\nTopics: exit-codes, environment; `ivsrt --help` lists the commands.\n');
    const noun = await runCli(['help', 'stage']);
    expect(noun.code).toBe(0);
    expect(noun.stdout).toContain('ivsrt stage <verb>');
    // A verb the noun does not have (it printed the noun's help with 0), and names every object has (a stack trace).
    for (const words of [['stage', 'nope'], ['constructor'], ['__proto__'], ['toString']]) {
      const r = await runCli(['help', ...words]);
      expect([r.code, r.stdout, r.stderr.split('\n')[0]], words.join(' ')).toEqual([252, '', `error: no help topic or command "${words.join(' ')}"`]);
    }
    const verb = await runCli(['help', 'stage', 'list']);
    expect(verb.code).toBe(0);
    expect(verb.stdout).toContain('ivsrt stage list');
  });

  it("help exit-codes says what the README's table says, code for code, and the codes are the ones the CLI uses", async () => {
    const words = (text: string) => text.replace(/`/g, '').replace(/\s+/g, ' ').trim();
    const section = readFileSync(join(ROOT, 'README.md'), 'utf8').split(/^## Exit codes$/m)[1]!.split(/^## /m)[0]!;
    const readme = [...section.matchAll(/^\| (\d+) \| (.+) \|$/gm)].map(([, code, meaning]) => [code!, words(meaning!)]);
    const topic = (await runCli(['help', 'exit-codes'])).stdout;
    // A row is its code and meaning, wrapped onto indented lines.
    const help = [...topic.matchAll(/^ {2}(\d+) +(.+(?:\n {7}.+)*)/gm)].map(([, code, meaning]) => [code!, words(meaning!)]);
    expect(help).toEqual(readme);
    expect(readme.map(([code]) => Number(code)).sort((a, b) => a - b)).toEqual(Object.values(EXIT).sort((a, b) => a - b));
  });

  it('help environment names every variable ivsrt reads, but for those only tests set', async () => {
    const TESTS_ONLY = new Set(['IVSRT_COMPLETION_BUDGET_MS', 'IVSRT_FREEZE_RECORDS']);
    const read = new Set<string>();
    for (const dir of ['src', 'commands', 'bin']) {
      for (const file of readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })) {
        if (!/\.(ts|tsx|js|mjs)$/.test(file)) continue;
        for (const [, name] of readFileSync(join(ROOT, dir, file), 'utf8').matchAll(/\benv(?:\.|\[')((?:IVSRT|AWS)_[A-Z0-9_]+)/g)) read.add(name!);
      }
    }
    const topic = (await runCli(['help', 'environment'])).stdout;
    expect(read.size).toBeGreaterThan(10);
    expect([...read].filter((name) => !TESTS_ONLY.has(name) && !new RegExp(`\\b${name}\\b`).test(topic)).sort()).toEqual([]);
  });

  it('252 for an unknown command, an unknown flag and a missing argument', async () => {
    for (const args of [['stage', 'explode'], ['stage', 'list', '--bogus'], ['stage', 'get']]) {
      const r = await runCli(args, { endpoint: counting.url });
      expect(r.code, args.join(' ')).toBe(252);
      expect(r.stderr).toMatch(/^error: /);
      expect(r.stderr).not.toMatch(STACK);
    }
  });

  it('252 on a validation failure, naming the flag and the rule, with no request sent', async () => {
    const before = counting.requests.length;
    const r = await runCli(['stage', 'create', '--name', 'bad name!'], { endpoint: counting.url });
    expect(r.code).toBe(252);
    expect(r.stderr).toContain('--name must match the pattern');
    expect(counting.requests.length).toBe(before);
    const tokens = await runCli(['stage', 'create', '--name', 'ok', '--tokens', '13'], { endpoint: counting.url });
    expect(tokens.code).toBe(252);
    expect(tokens.stderr).toContain('at most 12');
    const duration = await runCli(['stage', 'create', '--tokens', '1', '--duration', '99999'], { endpoint: counting.url });
    expect(duration.code).toBe(252);
    expect(duration.stderr).toContain('--duration must be at most 20160');
    const number = await runCli(['stage', 'create', '--tokens', 'many'], { endpoint: counting.url });
    expect(number.code).toBe(252);
    expect(number.stderr).toContain('--tokens must be a whole number');
    expect(counting.requests.length).toBe(before);
  });

  it("252 for a tag key starting 'aws:' (any case), AWS's reserved prefix, naming the flag; no request sent", async () => {
    // These went to the service and came back as its ValidationException (254).
    const before = counting.requests.length;
    const stage = 'arn:aws:ivs:us-east-1:123456789012:stage/abcdABCD1234';
    for (const [args, field] of [
      [['stage', 'create', '--name', 'ok', '--tags', 'team=a,AWS:owner=me'], '--tags (tags key "AWS:owner")'],
      [['tag', 'add', stage, '--tags', 'aws:cost=1'], '--tags (tags key "aws:cost")'],
      [['tag', 'remove', stage, '--keys', 'team,aws:cost'], '--keys (tagKeys[])'],
    ] as const) {
      const r = await runCli([...args], { endpoint: counting.url });
      expect(r.code, args.join(' ')).toBe(252);
      expect(r.stderr.trim().split('\n')).toEqual([`error: ${field} must not start with 'aws:' (reserved for AWS's own tags)`]);
    }
    expect(counting.requests.length).toBe(before);
  });

  it('252 for a list flag given an empty value (a variable that expanded to nothing), naming the flag; no request sent', async () => {
    // `tag remove --keys ''` was sent as an UntagResource with no keys, and the service's refusal came back as 254.
    const before = counting.requests.length;
    for (const args of [
      ['tag', 'remove', 'arn:aws:ivs:us-east-1:123456789012:stage/abcdABCD1234', '--keys', ''],
      ['token', 'create', 'arn:aws:ivs:us-east-1:123456789012:stage/abcdABCD1234', '--capabilities', ' , '],
    ]) {
      const r = await runCli(args, { endpoint: counting.url });
      expect(r.code, args.join(' ')).toBe(252);
      expect(r.stderr.trim().split('\n')).toEqual([`error: ${args.at(-2)} must name at least one value, got "${args.at(-1)}"`]);
    }
    expect(counting.requests.length).toBe(before);
  });

  it('252 for a bad value of a flag the emulator reads (local join, open, events tail), naming the flag; nothing sent', async () => {
    // These reached the emulator, whose refusal came back as a service error (254): `ValidationException: 1 validation
    // error detected: capabilities[0] must be one of PUBLISH, SUBSCRIBE`, `ValidationException: since must be ...`.
    const stage = 'arn:aws:ivs:us-east-1:123456789012:stage/abcdABCD1234';
    const before = counting.requests.length;
    for (const [args, message] of [
      [['local', 'join', stage, '--capabilities', 'publish,foo'], 'error: --capabilities must be one of publish, subscribe, got "foo"'],
      [['local', 'join', stage, '--protocol', 'ftp'], 'error: --protocol must be one of whip, rtmp, rtmps, unknown, got "ftp"'],
      [['open', stage, '--capabilities', 'watch'], 'error: --capabilities must be one of publish, subscribe, got "watch"'],
      [['events', 'tail', '--since', 'yesterday'], 'error: --since must be a time (2026-11-29T12:00:00Z) or a duration (10m, 2h), got "yesterday"'],
    ] as const) {
      const r = await runCli([...args], { endpoint: counting.url });
      expect(r.code, args.join(' ')).toBe(252);
      expect(r.stderr.trim().split('\n')).toEqual([message]);
    }
    expect(counting.requests.length).toBe(before);
  });

  it('a problem in --input names the input member, not a flag the user did not type; a flag given names the flag', async () => {
    // They were named after the flags that can fill them: "--duration must be a number", "--tags (tags.a) must be ...".
    const input = JSON.stringify({ name: 'bad name', participantTokenConfigurations: [{ duration: 'x', capabilities: ['PUBLISH', 'X'] }], tags: { a: 1 } });
    const before = counting.requests.length;
    const r = await runCli(['stage', 'create', '--input', '-'], { endpoint: counting.url, input });
    expect(r.code).toBe(252);
    expect(r.stderr.trim().split('\n')).toEqual([
      'error: 4 problems:',
      '  input member name must match the pattern [a-zA-Z0-9-_]*',
      '  input member participantTokenConfigurations[0].duration must be a number, not a string',
      '  input member participantTokenConfigurations[0].capabilities[1] must be one of PUBLISH, SUBSCRIBE',
      '  input member tags.a must be a string, not a number',
    ]);
    const flags = await runCli(['stage', 'create', '--input', '-', '--name', 'also bad', '--duration', '99999'], { endpoint: counting.url, input });
    expect(flags.stderr).toContain('--name must match the pattern');
    expect(flags.stderr).toContain('--duration must be at most 20160');
    expect(counting.requests.length).toBe(before);
  });

  it('252 when a confirmation is needed and there is no terminal to ask on: the question whole, and the hint', async () => {
    // It read "Stop composition …? Its broadcast and recording end.: confirmation needed".
    const before = counting.requests.length;
    const r = await runCli(['composition', 'stop', 'arn:aws:ivs:us-east-1:123456789012:composition/abcdABCD1234'], { endpoint: counting.url });
    expect(r.code).toBe(252);
    expect(r.stderr.trim().split('\n')).toEqual([
      'error: confirmation needed: Stop composition arn:aws:ivs:us-east-1:123456789012:composition/abcdABCD1234? Its broadcast and recording end.',
      'Pass --yes to confirm when not on a terminal.',
    ]);
    expect(counting.requests.length).toBe(before);
  });

  it('252 for --input that is missing, not JSON, or holds unknown members; no request sent', async () => {
    const dir = scratchDir('input');
    writeFileSync(join(dir, 'bad.json'), '{"name": ');
    writeFileSync(join(dir, 'unknown.json'), '{"nmae": "typo"}');
    const before = counting.requests.length;
    for (const [file, message] of [['missing.json', 'no such file'], ['bad.json', 'not valid JSON'], ['unknown.json', 'nmae is not a known member']]) {
      const r = await runCli(['stage', 'create', '--input', join(dir, file!)], { endpoint: counting.url });
      expect(r.code, file).toBe(252);
      expect(r.stderr).toContain(message);
    }
    expect(counting.requests.length).toBe(before);
  });

  it('253 for an unknown profile, a missing region and a malformed endpoint', async () => {
    const dir = scratchDir('cfg');
    writeFileSync(join(dir, 'config'), '[default]\noutput = json\n');
    const profile = await runCli(['stage', 'list', '--profile', 'nope'], { env: { AWS_CONFIG_FILE: join(dir, 'config') } });
    expect(profile.code).toBe(253);
    expect(profile.stderr).toContain('profile (nope) could not be found');
    const region = await runCli(['stage', 'list'], { env: { AWS_CONFIG_FILE: join(dir, 'config'), AWS_REGION: '' } });
    expect(region.code).toBe(253);
    expect(region.stderr).toContain('you must specify a region');
    const endpoint = await runCli(['stage', 'list', '--endpoint-url', 'ftp://nowhere']);
    expect(endpoint.code).toBe(253);
  });

  it('AWS_DEFAULT_REGION is honoured when AWS_REGION is absent (the JS SDK alone ignores it)', async () => {
    const before = counting.requests.length;
    const r = await runCli(['stage', 'list', '--debug'], { endpoint: counting.url, env: { AWS_REGION: '', AWS_DEFAULT_REGION: 'eu-west-1' } });
    expect(counting.requests.length).toBe(before + 1);
    expect(String(counting.requests.at(-1)!.headers.authorization)).toContain('/eu-west-1/ivs/aws4_request');
    expect(r.stderr).toContain('region=eu-west-1');
  });

  it('254 for a service error, one line with its code', async () => {
    const failing = await fakeEndpoint((_req, res) => {
      res.writeHead(404, { 'content-type': 'application/json', 'x-amzn-ErrorType': 'ResourceNotFoundException' });
      res.end(JSON.stringify({ exceptionMessage: 'Stage not found', message: 'Stage not found' }));
    });
    const r = await runCli(['stage', 'get', 'arn:aws:ivs:us-east-1:123456789012:stage/abcdABCD1234'], { endpoint: failing.url });
    await failing.close();
    expect(r.code).toBe(254);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('ResourceNotFoundException: Stage not found');
  });

  it('255 for an unreachable endpoint, without a stack trace or an SDK warning', async () => {
    const r = await runCli(['stage', 'list'], { endpoint: 'http://127.0.0.1:9' });
    expect(r.code).toBe(255);
    expect(r.stderr).not.toMatch(STACK);
    expect(r.stderr).not.toMatch(/Warning/);
  });

  it('--debug shows the stack trace and logs HTTP with secrets redacted', async () => {
    const r = await runCli(['stage', 'create', '--name', 'x', '--tokens', '1', '--debug'], { endpoint: counting.url });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('> POST');
    expect(r.stderr).toContain('/CreateStage');
    expect(r.stderr).toContain('Signature=***');
    expect(r.stderr).toContain('"token":"***"');
    expect(r.stderr).not.toContain(SECRET_TOKEN);
    const unreachable = await runCli(['stage', 'list', '--debug'], { endpoint: 'http://127.0.0.1:9' });
    expect(unreachable.stderr).toMatch(STACK);
  });

  it('130 on Ctrl-C while a request is in flight', async () => {
    const child = spawnChild(process.execPath, [BIN, 'stage', 'list', '--endpoint-url', hanging.url], { env: testEnv(), stdio: 'ignore' });
    await eventually('the request to reach the endpoint', () => (hanging.requests.length > 0 ? true : undefined), { askEveryMs: 25 });
    expect(hanging.requests.length).toBeGreaterThan(0);
    const code = await new Promise<number | null>((resolve) => {
      child.once('exit', (c) => resolve(c));
      child.kill('SIGINT');
    });
    expect(code).toBe(130);
  });
});
