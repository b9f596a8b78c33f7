// token sign / token decode / public-key create through the real bin, against an in-process emulator
// that verifies self-signed tokens on join (POST /_ivsrt/join).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPrivateKey } from 'node:crypto';
import { BIN, runCli, testEnv } from '../helpers/cli.js';
import { spawnChild } from '../helpers/children.js';
import { admin, startTestEmulator } from '../emulator/helpers.js';
import type { RunningEmulator } from '../../src/emulator/assemble.js';
import { signParticipantToken } from '../../src/tokens/sign.js';
import { generateKeyPair } from '../../src/keys/keypair.js';

let emu: RunningEmulator;
let dir: string;
let keyArn: string;
let stageArn: string;
const keyFile = () => join(dir, 'key.pem');

beforeAll(async () => {
  ({ emu } = await startTestEmulator());
  dir = await mkdtemp(join(tmpdir(), 'ivsrt-token-cli-'));
  const created = await runCli(['public-key', 'create', '--name', 'cli-key', '--out', keyFile(), '--json'], { endpoint: emu.url });
  expect(created.code, created.stderr).toBe(0);
  keyArn = created.json().publicKey.arn;
  const stage = await runCli(['stage', 'create', '--name', 'tokens', '--json'], { endpoint: emu.url });
  expect(stage.code, stage.stderr).toBe(0);
  stageArn = stage.json().stage.arn;
});

afterAll(async () => {
  await emu?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('public-key create', () => {
  it('writes the private key 0600 and never prints it', async () => {
    if (process.platform !== 'win32') expect((await stat(keyFile())).mode & 0o777).toBe(0o600);
    expect(keyArn).toMatch(/^arn:aws:ivs:us-east-1:\d+:public-key\/[A-Za-z0-9-]+$/);
    const again = await runCli(['public-key', 'create', '--name', 'other', '--out', join(dir, 'other.pem'), '--debug'], { endpoint: emu.url });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout + again.stderr).not.toContain('PRIVATE KEY');
    expect(again.stderr).toContain('mode 0600');
  });

  it('refuses to overwrite a key file before importing anything', async () => {
    const before = emu.emulator.store.keys.size;
    const result = await runCli(['public-key', 'create', '--name', 'dup', '--out', keyFile()], { endpoint: emu.url });
    expect(result.code).toBe(252);
    expect(result.stderr).toMatch(/already exists.*--force/);
    expect(emu.emulator.store.keys.size).toBe(before);
  });

  it('leaves no key file when the import fails', async () => {
    const out = join(dir, 'bad-name.pem');
    const result = await runCli(['public-key', 'create', '--name', 'bad name!', '--out', out], { endpoint: emu.url });
    expect(result.code).toBe(252);
    expect(result.stderr).toContain('--name');
    await expect(stat(out)).rejects.toThrow(/ENOENT/);
  });
});

describe('token sign', () => {
  it('signs by names (one lookup each) and the emulator lets the participant join', async () => {
    const result = await runCli(
      ['token', 'sign', 'tokens', '--key', keyFile(), '--public-key', 'cli-key', '--user-id', 'ana', '--attributes', 'seat=3', '--capabilities', 'publish', '--duration', '60', '--json'],
      { endpoint: emu.url },
    );
    expect(result.code, result.stderr).toBe(0);
    const token = result.json().participantToken;
    expect(token).toMatchObject({ userId: 'ana', attributes: { seat: '3' }, capabilities: ['PUBLISH'], duration: 60 });
    const joined = await admin(emu.url, 'POST', 'join', { token: token.token });
    expect(joined.status, joined.text).toBe(200);
    expect(joined.body).toMatchObject({ stageArn, participant: { participantId: token.participantId, userId: 'ana' } });
  });

  it('makes no API call with a stage ARN and both endpoints', async () => {
    const { stage } = (await runCli(['stage', 'get', stageArn, '--json'], { endpoint: emu.url })).json();
    const result = await runCli(
      ['token', 'sign', stageArn, '--key', keyFile(), '--public-key', keyArn, '--events-url', stage.endpoints.events, '--whip-url', stage.endpoints.whip, '--participant-id', 'offline-1', '--query', 'participantToken.token'],
      // Nothing listens on port 9: any request would fail the command.
      { endpoint: 'http://127.0.0.1:9' },
    );
    expect(result.code, result.stderr).toBe(0);
    const joined = await admin(emu.url, 'POST', 'join', { token: result.stdout.trim() });
    expect(joined.status, joined.text).toBe(200);
    expect(joined.body).toMatchObject({ participant: { participantId: 'offline-1' } });
  });

  it('rejects bad input with a usage error and sends nothing', async () => {
    const base = ['token', 'sign', stageArn, '--key', keyFile(), '--public-key', keyArn, '--events-url', 'wss://e', '--whip-url', 'https://w'];
    const cases: [string[], RegExp][] = [
      [['--duration', '20161'], /duration must be a whole number of minutes from 1 to 20160/],
      [['--participant-id', 'no spaces'], /jti may contain only/],
      [['--attributes', `a=${'x'.repeat(1100)}`], /1 KB/],
      [['--capabilities', 'admin'], /--capabilities must be one of publish, subscribe, got "admin"/],
    ];
    for (const [extra, message] of cases) {
      const result = await runCli([...base, ...extra], { endpoint: 'http://127.0.0.1:9' });
      expect(result.code, extra.join(' ')).toBe(252);
      expect(result.stderr).toMatch(message);
    }
    const missing = await runCli(['token', 'sign', stageArn]);
    expect(missing.stderr).toMatch(/missing --key, --public-key/);
  });

  it('refuses a key file that is not a P-384 private key, without echoing it', async () => {
    await writeFile(join(dir, 'junk.pem'), 'TOP-SECRET-JUNK');
    const result = await runCli(['token', 'sign', stageArn, '--key', join(dir, 'junk.pem'), '--public-key', keyArn, '--events-url', 'wss://e', '--whip-url', 'https://w']);
    expect(result.code).toBe(252);
    expect(result.stderr).toContain('is not a PEM private key');
    expect(result.stderr).not.toContain('TOP-SECRET');
  });
});

describe('token decode', () => {
  const pair = generateKeyPair();
  const request = { stageArn: 'arn:aws:ivs:us-east-1:123456789012:stage/AAAAAAAAAAAA', eventsUrl: 'wss://e.example', whipUrl: 'https://w.example' };

  it('reads the token from stdin and prints header and claims', async () => {
    const { token } = signParticipantToken({ ...request, participantId: 'p1' }, createPrivateKey(pair.privateKeyPem), keyArn);
    const result = await runCli(['token', 'decode', '-', '--json'], { input: `${token}\n` });
    expect(result.code, result.stderr).toBe(0);
    expect(result.json()).toMatchObject({ kind: 'self-signed', header: { alg: 'ES384', kid: keyArn }, claims: { jti: 'p1', version: '1.0' }, expired: false, problems: [] });
    expect(result.stderr).toBe('');
  });

  it('takes the token on standard input (-), as every secret flag does: it is in no command line and in nothing printed, --debug included', async () => {
    const { token } = signParticipantToken({ ...request, participantId: 'p-stdin' }, createPrivateKey(pair.privateKeyPem), keyArn);
    const child = spawnChild(process.execPath, [BIN, 'token', 'decode', '-', '--json', '--debug'], { env: testEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    // It waits for the end of its input, so this is what `ps` shows while it runs (after the node binary,
    // or the wrapper that execs it: the same words either way).
    const cmdline = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8');
    expect(cmdline.split('\0').slice(-7)).toEqual([BIN, 'token', 'decode', '-', '--json', '--debug', '']);
    expect(cmdline).not.toContain(token.split('.')[2]!);
    child.stdin!.end(`${token}\n`);
    expect(await exited, stderr).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ claims: { jti: 'p-stdin' }, expired: false });
    expect(stdout + stderr).not.toContain(token.split('.')[2]!);
  });

  it('warns on stderr about an expired token, and still exits 0', async () => {
    const { token } = signParticipantToken({ ...request, durationMinutes: 1, now: new Date('2024-01-01T00:00:00Z') }, createPrivateKey(pair.privateKeyPem), keyArn);
    const result = await runCli(['token', 'decode', token]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^warning: this token expired .* ago \(2024-01-01T00:01:00.000Z\)/);
    expect(result.stdout).toContain('claims.jti');
  });

  it('says what is wrong with something that is not a token', async () => {
    const result = await runCli(['token', 'decode', 'hello']);
    expect(result.code).toBe(252);
    expect(result.stderr).toContain('not a JWT');
  });
});
