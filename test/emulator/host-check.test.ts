// DNS rebinding: a page on evil.example that makes its name resolve to 127.0.0.1 reaches the emulator
// with `Host: evil.example`. Every route (API, admin, WHIP) refuses such a request in JSON and changes
// nothing; loopback names and --allow-host names are answered. A request with no Host at all gets a
// JSON refusal too, like every other. (The SDK, botocore and the AWS CLI send Host 127.0.0.1:port:
// test/emulator/wire.test.ts and interop.test.ts.)
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/assemble.js';
import { adminHeaders, spawnEmulator, type SpawnedEmulator } from '../helpers/emulator.js';
import { startTestEmulator } from './helpers.js';
import { HostCheck } from '../../src/emulator/http/host-check.js';

const SIGNED = 'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/ivs/aws4_request, SignedHeaders=host, Signature=' + '0'.repeat(64);

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

/** A request with the Host header of our choosing (fetch always sends the URL's). */
function send(url: string, method: string, path: string, host: string, headers: Record<string, string> = {}, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method, headers: { ...headers, host, ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let parsed: Record<string, unknown> = {};
        try {
          parsed = JSON.parse(text) as Record<string, unknown>;
        } catch {
          parsed = { unparsed: text };
        }
        resolve({ status: res.statusCode!, headers: res.headers, body: parsed });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const api = (url: string, host: string, name: string) =>
  send(url, 'POST', '/CreateStage', host, { 'content-type': 'application/json', authorization: SIGNED }, JSON.stringify({ name }));

function expectRebindingRefusal(reply: Reply, host: string): void {
  expect(reply.status, JSON.stringify(reply.body)).toBe(403);
  expect(reply.headers['content-type']).toBe('application/json');
  expect(reply.headers['x-amzn-errortype']).toBe('AccessDeniedException');
  expect(reply.body.message).toContain(`addressed to "${host}"`);
  expect(reply.body.message).toContain('--allow-host');
}

describe('an in-process emulator on 127.0.0.1', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    ({ emu } = await startTestEmulator());
  });
  afterAll(() => emu.close());

  test('Host: evil.example is refused on the API, and nothing is created', async () => {
    const reply = await api(emu.url, 'evil.example', 'rebound');
    expectRebindingRefusal(reply, 'evil.example');
    expect([...emu.emulator.store.stages.values()].map((s) => s.name)).not.toContain('rebound');
  });

  test('Host: evil.example is refused on the admin routes, even with the secret', async () => {
    const reply = await send(emu.url, 'GET', '/_ivsrt/status', `evil.example:${emu.port}`, adminHeaders(emu.url));
    expectRebindingRefusal(reply, `evil.example:${emu.port}`);
    expect(reply.headers['access-control-allow-origin']).toBeUndefined();
    // the same request addressed to the emulator is answered
    expect((await send(emu.url, 'GET', '/_ivsrt/status', `127.0.0.1:${emu.port}`, adminHeaders(emu.url))).status).toBe(200);
  });

  test('Host: evil.example is refused on the WHIP routes, before the WHIP endpoint looks at the offer', async () => {
    const offer = { 'content-type': 'application/sdp', authorization: 'Bearer not-a-token' };
    expectRebindingRefusal(await send(emu.url, 'POST', '/whip/abcdef123456', 'evil.example', offer, 'v=0\r\n'), 'evil.example');
    expectRebindingRefusal(await send(emu.url, 'DELETE', '/whip/session/some-session', 'evil.example'), 'evil.example');
    // addressed to the emulator, the WHIP endpoint answers (here: the token is refused)
    const answered = await send(emu.url, 'POST', '/whip/abcdef123456', `localhost:${emu.port}`, offer, 'v=0\r\n');
    expect(answered.status).not.toBe(403);
    expect(answered.headers['x-amzn-errortype']).not.toBe('AccessDeniedException');
  });

  test.each(['127.0.0.1', `127.0.0.1:PORT`, '127.1.2.3', 'localhost', 'LOCALHOST:PORT', 'localhost.', 'app.localhost:PORT', '[::1]:PORT', '[::1]'])(
    'loopback name %s is answered',
    async (host) => {
      const reply = await api(emu.url, host.replace('PORT', String(emu.port)), `loopback-${Math.random().toString(36).slice(2, 8)}`);
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    },
  );

  test.each(['evil.example', 'localhost.evil.example', '127.0.0.1.evil.example', '[::2]', '0.0.0.0', '10.0.0.1', 'evil.example:PORT'])('%s is refused', async (host) => {
    expectRebindingRefusal(await api(emu.url, host.replace('PORT', String(emu.port)), 'refused'), host.replace('PORT', String(emu.port)));
  });

  test.each([
    ['HTTP/1.1', 'POST /CreateStage HTTP/1.1'],
    ['HTTP/1.0', 'POST /CreateStage HTTP/1.0'],
  ])('a %s request without a Host header gets a JSON error body like every other refusal', async (_label, requestLine) => {
    const body = JSON.stringify({ name: 'no-host' });
    const text = await new Promise<string>((resolve, reject) => {
      const socket = connect(emu.port, '127.0.0.1');
      let received = '';
      socket.on('data', (chunk) => (received += chunk.toString()));
      socket.on('end', () => resolve(received));
      socket.on('error', reject);
      socket.write(`${requestLine}\r\nContent-Type: application/json\r\nAuthorization: ${SIGNED}\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    });
    const [head, payload] = text.split('\r\n\r\n') as [string, string];
    expect(head).toMatch(/^HTTP\/1\.1 400 /);
    expect(head).toMatch(/\r\ncontent-type: application\/json\r\n/i);
    expect(head).toMatch(/\r\nx-amzn-errortype: BadRequestException\r\n/i);
    expect(JSON.parse(payload)).toMatchObject({ message: expect.stringMatching(/^the request has no Host header/) });
    expect([...emu.emulator.store.stages.values()].map((s) => s.name)).not.toContain('no-host');
  });
});

describe('ivsrt local start --allow-host', () => {
  let emu: SpawnedEmulator;
  beforeAll(async () => {
    emu = await spawnEmulator(['--allow-host', 'ivsrt', '--allow-host', '*.svc.test']);
  });
  afterAll(() => emu.stop());

  test.each(['ivsrt', 'ivsrt:4566', 'IVSRT', 'api.svc.test', 'a.b.svc.test:80'])('answers %s, a name it was given', async (host) => {
    const reply = await api(emu.url, host, `allowed-${Math.random().toString(36).slice(2, 8)}`);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  });

  test.each(['evil.example', 'ivsrt.evil.example', 'svc.test', 'evilsvc.test'])('still refuses %s', async (host) => {
    expectRebindingRefusal(await api(emu.url, host, 'refused'), host);
  });
});

describe('HostCheck remembers only what it accepted', () => {
  test('a refused Host is refused every time, however often accepted ones came before and after it', () => {
    const check = new HostCheck('127.0.0.1', ['ivsrt']);
    for (let round = 0; round < 3; round++) {
      expect(() => check.check('127.0.0.1:4566')).not.toThrow();
      expect(() => check.check('ivsrt:4566')).not.toThrow();
      expect(() => check.check('evil.example:4566')).toThrow(/not a name of this emulator/);
      expect(() => check.check('')).toThrow(/no Host header/);
      expect(() => check.check(undefined)).toThrow(/no Host header/);
    }
  });

  test('stays right past the number of values it keeps', () => {
    const check = new HostCheck('127.0.0.1');
    // More accepted values than it keeps (every port of a loopback name is one), then a refused one.
    for (let port = 1; port <= 200; port++) expect(() => check.check(`localhost:${port}`)).not.toThrow();
    expect(() => check.check('evil.example')).toThrow(/not a name of this emulator/);
    expect(() => check.check('localhost:1')).not.toThrow();
  });
});
