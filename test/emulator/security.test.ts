// The emulator as a hostile web page or a careless local user would meet it (issue #11): the /_ivsrt/
// routes need the instance's secret, refuse what a browser can send without a preflight, and send no
// CORS headers; with --credentials they demand SigV4 too. The secret never shows in output or `ps`.
import * as sdk from '@aws-sdk/client-ivs-realtime';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { ADMIN_ROUTES } from '../../src/emulator/admin.js';
import { ADMIN_SECRET_HEADER } from '../../src/emulator/admin-secret.js';
import type { RunningEmulator } from '../../src/emulator/server.js';
import { AdminClient, AdminError } from '../../src/local/admin-client.js';
import { readInstanceState } from '../../src/local/instance.js';
import { instanceStatePath } from '../../src/local/paths.js';
import { BIN, runCli, testEnv } from '../helpers/cli.js';
import { spawnEmulator } from '../helpers/emulator.js';
import { CREDENTIALS, raw, startTestEmulator } from './helpers.js';

/** Everything an admin route could change, as one comparable value. */
async function observable(emu: RunningEmulator): Promise<string> {
  const status = await new AdminClient(emu.url).status();
  return JSON.stringify({ counts: status.counts, advancedSeconds: status.clock.advancedSeconds, stages: [...emu.emulator.store.stages.keys()] });
}

describe('admin routes against web pages', () => {
  let emu: RunningEmulator;
  let stageArn: string;
  beforeAll(async () => {
    let client: sdk.IVSRealTimeClient;
    ({ emu, client } = await startTestEmulator());
    stageArn = (await client.send(new sdk.CreateStageCommand({ name: 'target' }))).stage!.arn!;
    await new AdminClient(emu.url).join({ stageArn, userId: 'victim' });
    client.destroy();
  });
  afterAll(() => emu.close());

  // What a page's `fetch(url, {method: 'POST', mode: 'no-cors', body})` sends: no preflight needed.
  const pageHeaders = { origin: 'https://evil.example', 'content-type': 'text/plain;charset=UTF-8' };
  const bodyFor = (route: string): unknown =>
    ({ join: { stageArn, userId: 'intruder' }, clock: { advanceSeconds: 86_400 }, reset: {}, shutdown: {} })[route] ?? { stageArn };

  test.each(Object.keys(ADMIN_ROUTES))('a cross-origin text/plain request to %s is refused, without CORS headers, and changes nothing', async (route) => {
    const [method, name] = route.split(' ') as [string, string];
    const before = await observable(emu);
    const reply = await raw(emu.url, method, `/_ivsrt/${name}`, method === 'GET' ? undefined : JSON.stringify(bodyFor(name)), { unsigned: true, headers: pageHeaders });
    expect(reply.status).toBe(403);
    expect(reply.headers.get('x-amzn-errortype')).toBe('AccessDeniedException');
    expect(reply.headers.get('access-control-allow-origin')).toBeNull();
    expect(reply.text).not.toContain('participantToken');
    expect(await observable(emu)).toBe(before);
  });

  test('without an Origin, text/plain is still refused even with the secret; JSON without the right secret too', async () => {
    const secret = emu.adminSecret;
    const before = await observable(emu);
    const body = JSON.stringify(bodyFor('reset'));
    const plain = await raw(emu.url, 'POST', '/_ivsrt/reset', body, { unsigned: true, headers: { 'content-type': 'text/plain', [ADMIN_SECRET_HEADER]: secret } });
    expect([plain.status, plain.headers.get('x-amzn-errortype')]).toEqual([415, 'UnsupportedMediaTypeException']);
    const none = await raw(emu.url, 'POST', '/_ivsrt/reset', body, { unsigned: true });
    expect([none.status, none.body.message]).toEqual([403, expect.stringContaining(ADMIN_SECRET_HEADER)]);
    const wrong = await raw(emu.url, 'POST', '/_ivsrt/reset', body, { unsigned: true, headers: { [ADMIN_SECRET_HEADER]: secret.slice(0, -1) + (secret.endsWith('A') ? 'B' : 'A') } });
    expect(wrong.status).toBe(403);
    const fromPage = await raw(emu.url, 'POST', '/_ivsrt/reset', body, { unsigned: true, headers: { origin: 'http://127.0.0.1:8080', [ADMIN_SECRET_HEADER]: secret } });
    expect(fromPage.status).toBe(403);
    expect(await observable(emu)).toBe(before);
  });

  test('a CORS preflight gets no CORS headers, so a page cannot send the secret header at all', async () => {
    const reply = await raw(emu.url, 'OPTIONS', '/_ivsrt/token', undefined, {
      unsigned: true,
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': `content-type,${ADMIN_SECRET_HEADER}` },
    });
    expect(reply.status).toBeGreaterThanOrEqual(400);
    expect(reply.headers.get('access-control-allow-origin')).toBeNull();
    expect(reply.headers.get('access-control-allow-headers')).toBeNull();
  });

  test('each instance has its own secret; the right one works and replies carry no CORS headers', async () => {
    const { emu: other } = await startTestEmulator();
    try {
      expect(other.adminSecret).not.toBe(emu.adminSecret);
      expect(other.adminSecret.length).toBeGreaterThanOrEqual(40);
      const crossed = await new AdminClient(emu.url, { secret: other.adminSecret }).status().catch((e: unknown) => e);
      expect(crossed).toBeInstanceOf(AdminError);
      const ok = await raw(emu.url, 'GET', '/_ivsrt/status', undefined, { unsigned: true, headers: { [ADMIN_SECRET_HEADER]: emu.adminSecret } });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await other.close();
    }
  });
});

describe('admin routes of an emulator with --credentials', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    ({ emu } = await startTestEmulator({ credentials: [CREDENTIALS] }));
  });
  afterAll(() => emu.close());

  test('the secret alone is not enough: the request must be SigV4-signed with known credentials', async () => {
    const unsigned = await new AdminClient(emu.url).status().catch((e: unknown) => e);
    expect(unsigned).toMatchObject({ status: 403 });
    const wrongKey = await new AdminClient(emu.url, { signWith: { credentials: { ...CREDENTIALS, secretAccessKey: 'nope' }, region: 'us-east-1' } })
      .status()
      .catch((e: unknown) => e);
    expect(wrongKey).toMatchObject({ status: 403 });
    const signed = new AdminClient(emu.url, { signWith: { credentials: CREDENTIALS, region: 'us-east-1' } });
    expect((await signed.status()).pid).toBe(process.pid);
    expect((await signed.advanceClock(1)).advancedSeconds).toBe(1);
  });
});

describe('ivsrt local start keeps the secret out of sight', () => {
  test('the secret is only in a 0600 state file: not on stdout/stderr, not in the command line', async () => {
    const spawned = await spawnEmulator();
    try {
      const path = instanceStatePath(new URL(spawned.url).port, { IVSRT_HOME: spawned.home });
      expect(statSync(path).mode & 0o777).toBe(0o600);
      const state = readInstanceState(spawned.url, { IVSRT_HOME: spawned.home })!;
      expect(state).toMatchObject({ pid: spawned.process.pid, url: spawned.url, adminSigned: false });
      const cmdline = readFileSync(`/proc/${spawned.process.pid}/cmdline`, 'utf8');
      expect(cmdline).not.toContain(state.adminSecret);
      // The line naming the file goes to stderr, which may arrive after the ready line on stdout.
      await vi.waitFor(() => expect(spawned.output()).toContain(path), { timeout: 10_000 });
      expect(spawned.output()).not.toContain(state.adminSecret);
      // A client given only the URL and IVSRT_HOME finds the secret.
      expect((await new AdminClient(spawned.url, { env: { IVSRT_HOME: spawned.home } }).status()).pid).toBe(spawned.process.pid);
    } finally {
      await spawned.stop();
    }
  });
});

describe('--credentials off the command line', () => {
  const signedClient = (url: string, secretAccessKey: string) =>
    new sdk.IVSRealTimeClient({ region: 'us-east-1', endpoint: url, credentials: { accessKeyId: 'AKIDFROMFILE', secretAccessKey }, maxAttempts: 1 });

  test('from a file and from IVSRT_CREDENTIALS: verified, and the secret is not in the command line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ivsrt-creds-'));
    const file = join(dir, 'credentials');
    writeFileSync(file, '# local keys\nAKIDFROMFILE:file-secret\n', { mode: 0o600 });
    const fromFile = await spawnEmulator(['--credentials-file', file]);
    const fromEnv = await spawnEmulator([], { IVSRT_CREDENTIALS: 'AKIDFROMFILE:env-secret' });
    try {
      for (const [spawned, secret] of [[fromFile, 'file-secret'], [fromEnv, 'env-secret']] as const) {
        const good = signedClient(spawned.url, secret);
        expect((await good.send(new sdk.ListStagesCommand({}))).stages).toEqual([]);
        const bad = signedClient(spawned.url, 'wrong');
        await expect(bad.send(new sdk.ListStagesCommand({}))).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
        good.destroy();
        bad.destroy();
        expect(readFileSync(`/proc/${spawned.process.pid}/cmdline`, 'utf8')).not.toContain(secret);
        expect(readInstanceState(spawned.url, { IVSRT_HOME: spawned.home })!.adminSigned).toBe(true);
      }
    } finally {
      await Promise.all([fromFile.stop(), fromEnv.stop()]);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a non-loopback --host without credentials warns on stderr; a malformed pair is one line without the secret', async () => {
    const home = mkdtempSync(join(tmpdir(), 'ivsrt-host-'));
    const listening = spawn(process.execPath, [BIN, 'local', 'start', '--host', '0.0.0.0', '--port', '0'], { env: testEnv({ IVSRT_HOME: home }) });
    let stderr = '';
    listening.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise((resolve) => listening.once('exit', resolve));
    try {
      await vi.waitFor(() => expect(stderr).toContain('warning: listening on 0.0.0.0 without credentials'), { timeout: 15_000 });
    } finally {
      listening.kill('SIGTERM');
      await exited;
      rmSync(home, { recursive: true, force: true });
    }
    const malformed = await runCli(['local', 'start', '--port', '0'], { env: { IVSRT_CREDENTIALS: 'AKIDONLY-no-colon-supersecret' } });
    expect(malformed.code).toBe(252);
    expect(malformed.stderr).toContain('IVSRT_CREDENTIALS must hold ACCESS_KEY_ID:SECRET pairs');
    expect(malformed.stderr).not.toContain('supersecret');
  });
});
