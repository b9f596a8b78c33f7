// The emulator as a hostile web page or a careless local user would meet it (issue #11): the /_ivsrt/
// routes need the instance's secret, refuse what a browser can send without a preflight, and send no
// CORS headers; with --credentials they demand SigV4 too. The secret never shows in output or `ps`.
import * as sdk from '@aws-sdk/client-ivs-realtime';
import { SignatureV4 } from '@smithy/signature-v4';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { ADMIN_ROUTES } from '../../src/emulator/http/admin.js';
import { ADMIN_SECRET_HEADER } from '../../src/emulator/http/admin-secret.js';
import type { RunningEmulator } from '../../src/emulator/assemble.js';
import { NodeSha256 } from '../../src/emulator/http/sigv4.js';
import { AdminClient, AdminError } from '../../src/local/admin-client.js';
import { readInstanceState } from '../../src/local/instance.js';
import { instanceStatePath } from '../../src/local/paths.js';
import { spawnChild } from '../helpers/children.js';
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
    const listening = spawnChild(process.execPath, [BIN, 'local', 'start', '--host', '0.0.0.0', '--port', '0'], { env: testEnv({ IVSRT_HOME: home }) });
    let stderr = '';
    listening.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
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

describe('SigV4 with --credentials, as the service enforces it', () => {
  let emu: RunningEmulator;
  let url: URL;
  beforeAll(async () => {
    ({ emu } = await startTestEmulator({ credentials: [CREDENTIALS] }));
    url = new URL(emu.url);
  });
  afterAll(() => emu.close());

  interface Variation {
    signingDate?: Date;
    region?: string;
    service?: string;
    /** Headers added before signing. */
    headers?: Record<string, string>;
    unsignableHeaders?: Set<string>;
    /** Changes to the signed request before it is sent. */
    tamper?: (headers: Record<string, string>) => void;
    /** Sent in place of the signed body. */
    sendBody?: string;
  }

  /** ListStages signed by the SDK's own signer, with one thing changed. */
  async function send(variation: Variation = {}): Promise<{ status: number; type: string | null; message: string }> {
    const body = '{"maxResults":5}';
    const signer = new SignatureV4({ credentials: CREDENTIALS, region: variation.region ?? 'us-east-1', service: variation.service ?? 'ivs', sha256: NodeSha256 });
    const signed = await signer.sign(
      { method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/ListStages', query: {}, headers: { host: url.host, 'content-type': 'application/json', ...variation.headers }, body },
      { signingDate: variation.signingDate ?? new Date(), unsignableHeaders: variation.unsignableHeaders },
    );
    const headers = { ...(signed.headers as Record<string, string>) };
    variation.tamper?.(headers);
    const reply = await raw(emu.url, 'POST', '/ListStages', variation.sendBody ?? body, { unsigned: true, headers });
    return { status: reply.status, type: reply.headers.get('x-amzn-errortype'), message: String(reply.body.message) };
  }

  const minutes = (n: number) => new Date(Date.now() + n * 60_000);

  test('the unaltered request passes (so each refusal below is due to its one change)', async () => {
    expect(await send()).toMatchObject({ status: 200, type: null });
    expect(await send({ signingDate: minutes(-4) })).toMatchObject({ status: 200 });
    expect(await send({ headers: { 'x-amz-content-sha256': createHash('sha256').update('{"maxResults":5}').digest('hex') } })).toMatchObject({ status: 200 });
  });

  test.each([
    ['6 minutes slow', { signingDate: minutes(-6) }, /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/],
    ['6 minutes fast', { signingDate: minutes(6) }, /^Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 5 min\.\)$/],
    ['signed for another region', { region: 'us-west-2' }, /^Credential should be scoped to a valid region, not 'us-west-2'\. $/],
    ['signed for another service', { service: 'ivsrealtime' }, /^Credential should be scoped to correct service: 'ivs'\. $/],
    [
      'a scope date other than the request date',
      { tamper: (h: Record<string, string>) => (h.authorization = h.authorization!.replace(/Credential=([^/]+)\/\d{8}\//, `Credential=${CREDENTIALS.accessKeyId}/20200101/`)) },
      /^Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20200101' != '\d{8}', from 'x-amz-date'\.$/,
    ],
    ['a body swapped under UNSIGNED-PAYLOAD', { headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }, sendBody: '{"maxResults":6}' }, /^The request signature we calculated does not match/],
    ['UNSIGNED-PAYLOAD even with the same body', { headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } }, /^The request signature we calculated does not match/],
    ['a body swapped after signing', { sendBody: '{"maxResults":6}' }, /^The request signature we calculated does not match the signature you provided\. Check your AWS Secret Access Key and signing method\. Consult the service documentation for details\./],
  ] as const)('refused with 403 InvalidSignatureException: %s', async (_name, variation, message) => {
    const before = emu.emulator.store.stages.size;
    const reply = await send(variation);
    expect(reply).toMatchObject({ status: 403, type: 'InvalidSignatureException' });
    expect(reply.message).toMatch(message);
    expect(emu.emulator.store.stages.size).toBe(before);
  });

  test('host left out of the signed headers: 403 IncompleteSignatureException', async () => {
    const reply = await send({ unsignableHeaders: new Set(['host']) });
    expect(reply).toEqual({ status: 403, type: 'IncompleteSignatureException', message: "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization." });
  });

  test('missing parts, unknown keys and no signature get the types the service uses', async () => {
    expect(await send({ tamper: (h) => (h.authorization = h.authorization!.replace(/, Signature=\w+/, '')) })).toMatchObject({
      status: 403,
      type: 'IncompleteSignatureException',
      message: expect.stringContaining("Authorization header requires 'Signature' parameter."),
    });
    expect(await send({ tamper: (h) => delete h['x-amz-date'] })).toMatchObject({ status: 403, type: 'IncompleteSignatureException' });
    expect(await send({ tamper: (h) => (h.authorization = h.authorization!.replace(CREDENTIALS.accessKeyId, 'AKIDSTRANGER')) })).toEqual({
      status: 403,
      type: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
    });
    expect(await send({ tamper: (h) => delete h.authorization })).toEqual({ status: 403, type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' });
  });
});
