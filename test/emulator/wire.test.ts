// The HTTP surface: signatures, routing, malformed requests, size limits, response headers.
import * as sdk from '@aws-sdk/client-ivs-realtime';
import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { HANDLERS } from '../../src/emulator/http/handlers/index.js';
import type { RunningEmulator } from '../../src/emulator/assemble.js';
import { adminHeaders } from '../helpers/emulator.js';
import { runs } from '../helpers/tools.js';
import { admin, CREDENTIALS, failure, raw, startTestEmulator } from './helpers.js';

const run = promisify(execFile);
const HAS_JAVA = runs('java', ['--version'], /\b(1[1-9]|[2-9]\d)\.\d/);
const HAS_CURL_HTTP2 = runs('curl', ['--version'], /\bHTTP2\b/);
if (!HAS_JAVA) console.warn("wire: skipping the Java HttpClient test: `java` (11 or later, to run a source file) is not on PATH");
if (!HAS_CURL_HTTP2) console.warn('wire: skipping the curl --http2 test: curl with HTTP/2 is not on PATH');

const SECURITY_HEADERS = ['access-control-allow-origin', 'access-control-expose-headers', 'cache-control', 'content-security-policy', 'strict-transport-security', 'x-content-type-options', 'x-frame-options', 'x-amzn-requestid'];

describe('without configured credentials', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    ({ emu } = await startTestEmulator());
  });
  afterAll(() => emu.close());

  test('success and error replies carry the service headers; errors carry x-amzn-ErrorType and both message members', async () => {
    const good = await raw(emu.url, 'POST', '/ListStages', '{}');
    expect(good.status).toBe(200);
    for (const h of SECURITY_HEADERS) expect(good.headers.get(h), h).toBeTruthy();
    const bad = await raw(emu.url, 'POST', '/GetStage', JSON.stringify({ arn: 'arn:aws:ivs:us-east-1:123456789012:stage/missing' }));
    expect(bad.status).toBe(404);
    for (const h of SECURITY_HEADERS) expect(bad.headers.get(h), h).toBeTruthy();
    expect(bad.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
    expect(bad.body).toEqual({ exceptionMessage: expect.stringContaining('missing'), message: expect.stringContaining('missing') });
  });

  test('a reply with text beyond ASCII declares its length in bytes and carries the text unchanged', async () => {
    const note = 'café ☕ 😀 Grüße';
    const created = await raw(emu.url, 'POST', '/CreateStage', JSON.stringify({ name: 'utf8-reply', tags: { note } }));
    expect(created.status, created.text).toBe(200);
    for (const reply of [created, await raw(emu.url, 'POST', '/ListStages', '{}')]) {
      expect(Number(reply.headers.get('content-length'))).toBe(Buffer.byteLength(reply.text));
      expect(Buffer.byteLength(reply.text)).toBeGreaterThan(reply.text.length);
    }
    expect((created.body.stage as { tags: Record<string, string> }).tags.note).toBe(note);
  });

  test('an unsigned request is refused with 403 MissingAuthenticationTokenException, as API Gateway answers', async () => {
    const reply = await raw(emu.url, 'POST', '/ListStages', '{}', { unsigned: true });
    expect(reply.status).toBe(403);
    expect(reply.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    expect(reply.body.message).toBe('Missing Authentication Token');
    const basic = await raw(emu.url, 'POST', '/ListStages', '{}', { unsigned: true, headers: { authorization: 'Basic Zm9vOmJhcg==' } });
    expect(basic.status).toBe(403);
  });

  test("UntagResource's tagKeys query is read as RFC 3986: a bare + is a plus, %20 a space, bad escapes a 400", async () => {
    const created = await raw(emu.url, 'POST', '/CreateStage', JSON.stringify({ name: 'query-plus', tags: { 'a+b': '1', 'a b': '2', c: '3' } }));
    expect(created.status, created.text).toBe(200);
    const tags = `/tags/${encodeURIComponent((created.body.stage as { arn: string }).arn)}`;
    const left = async () => (await raw(emu.url, 'GET', tags)).body.tags;
    expect((await raw(emu.url, 'DELETE', `${tags}?tagKeys=a+b`)).status).toBe(200);
    expect(await left()).toEqual({ 'a b': '2', c: '3' });
    expect((await raw(emu.url, 'DELETE', `${tags}?tagKeys=a%20b`)).status).toBe(200);
    expect(await left()).toEqual({ c: '3' });
    const bad = await raw(emu.url, 'DELETE', `${tags}?tagKeys=%zz`);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe('1 validation error detected: the query string is not valid URL encoding');
    expect(await left()).toEqual({ c: '3' });
  });

  test('unknown routes, wrong methods, malformed and non-object JSON', async () => {
    const unknown = await raw(emu.url, 'POST', '/DoSomethingElse', '{}');
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    const method = await raw(emu.url, 'GET', '/ListStages');
    expect(method.status).toBe(405);
    expect(method.body.message).toContain('POST');
    const tagsMethod = await raw(emu.url, 'PUT', `/tags/${encodeURIComponent('arn:aws:ivs:us-east-1:123456789012:stage/abc')}`, '{}');
    expect(tagsMethod.status).toBe(405);
    const badJson = await raw(emu.url, 'POST', '/ListStages', '{"maxResults": ');
    expect(badJson.status).toBe(400);
    expect(badJson.headers.get('x-amzn-errortype')).toBe('SerializationException');
    const array = await raw(emu.url, 'POST', '/ListStages', '[1,2]');
    expect(array.status).toBe(400);
    const badEncoding = await raw(emu.url, 'GET', '/tags/%E0%A4%A');
    expect(badEncoding.status).toBe(400);
  });

  test('a body that is not UTF-8 is refused with 400 SerializationException, and nothing is stored', async () => {
    // "café" as a Latin-1 client would send it: 0xE9 alone is not UTF-8. A lenient decode stored U+FFFD.
    const latin1 = Buffer.concat([Buffer.from('{"name":"latin1","tags":{"note":"caf'), Buffer.from([0xe9]), Buffer.from('"}}')]);
    const reply = await raw(emu.url, 'POST', '/CreateStage', latin1, { headers: { 'content-type': 'application/json; charset=iso-8859-1' } });
    expect(reply.status, reply.text).toBe(400);
    expect(reply.headers.get('x-amzn-errortype')).toBe('SerializationException');
    expect(reply.body.message).toBe('the request body is not valid UTF-8');
    const stages = (await raw(emu.url, 'POST', '/ListStages', '{}')).body.stages as { name: string }[];
    expect(stages.map((s) => s.name)).not.toContain('latin1');
    // The same text in UTF-8 is stored as sent.
    const utf8 = await raw(emu.url, 'POST', '/CreateStage', Buffer.from('{"name":"latin1","tags":{"note":"café"}}'));
    expect(utf8.status, utf8.text).toBe(200);
    expect((utf8.body.stage as { tags: Record<string, string> }).tags.note).toBe('café');
  });

  test('a request offering an upgrade to HTTP/2 (curl --http2, Java HttpClient) is served over HTTP/1.1, and the connection carries on', async () => {
    const { hostname, port } = new URL(emu.url);
    const auth = 'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/ivs/aws4_request, SignedHeaders=host, Signature=' + '0'.repeat(64);
    // Past the first packet: an unknown member, which the service ignores, pads the body.
    const body = JSON.stringify({ name: 'h2c-offer', tags: { via: 'h2c' }, padding: 'x'.repeat(100_000) });
    const offer =
      `POST /CreateStage HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAuthorization: ${auth}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${body.length}\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\n`;
    const next = `POST /ListStages HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAuthorization: ${auth}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`;
    const replies = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), hostname);
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('error', reject);
      socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
      // The body arrives in pieces after the headers, and a second request follows on the same connection.
      socket.write(offer + body.slice(0, 10), () => socket.write(body.slice(10), () => socket.end(next)));
    });
    const statuses = [...replies.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => m[1]);
    expect(statuses, replies.slice(0, 400)).toEqual(['200', '200']);
    const stages = (await raw(emu.url, 'POST', '/ListStages', '{}')).body.stages as { name: string; tags: Record<string, string> }[];
    expect(stages.filter((stage) => stage.name === 'h2c-offer').map((stage) => stage.tags)).toEqual([{ via: 'h2c' }]);
  });

  // The clients the row of docs/fidelity.md names, as they make the offer themselves.
  test.skipIf(!HAS_JAVA)("Java's HttpClient (HTTP/2 by default, so it offers h2c on http://) creates and lists over HTTP/1.1", async () => {
    const { stdout } = await run('java', [join(import.meta.dirname, 'H2cClient.java'), emu.url, 'from-java', 'java'], { timeout: 60_000 });
    const [created, listed] = stdout.trim().split('\n').map((line) => /^(\S+) (\d{3}) (.*)$/.exec(line)!.slice(1));
    expect(created!.slice(0, 2), stdout).toEqual(['HTTP_1_1', '200']);
    expect(JSON.parse(created![2]!).stage).toMatchObject({ name: 'from-java', tags: { via: 'java' } });
    expect(listed!.slice(0, 2)).toEqual(['HTTP_1_1', '200']);
    expect(JSON.parse(listed![2]!).stages).toContainEqual(expect.objectContaining({ name: 'from-java', tags: { via: 'java' } }));
  }, 90_000);

  test.skipIf(!HAS_CURL_HTTP2)('curl --http2 offers h2c and is answered over HTTP/1.1', async () => {
    const auth = 'Authorization: AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/ivs/aws4_request, SignedHeaders=host, Signature=' + '0'.repeat(64);
    const { stdout, stderr } = await run('curl', ['-sS', '-v', '--http2', '-X', 'POST', '-H', auth, '-H', 'Content-Type: application/json', '-d', '{}', `${emu.url}/ListStages`]);
    expect(stderr).toMatch(/^> Upgrade: h2c\r?$/m);
    expect(stderr).toMatch(/^< HTTP\/1\.1 200 OK\r?$/m);
    expect(JSON.parse(stdout)).toHaveProperty('stages');
  });

  test('bodies over 1 MiB get 413, declared or streamed, and the server keeps serving', async () => {
    const big = await raw(emu.url, 'POST', '/CreateStage', JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 10) }));
    expect(big.status).toBe(413);
    expect(big.headers.get('x-amzn-errortype')).toBe('RequestEntityTooLargeException');
    const streamed = await new Promise<number>((resolve, reject) => {
      const req = request(`${emu.url}/CreateStage`, { method: 'POST', headers: { authorization: 'AWS4-HMAC-SHA256 x', 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      const chunk = Buffer.alloc(64 * 1024, 'a');
      for (let i = 0; i < 20; i++) req.write(chunk);
      req.end();
    });
    expect(streamed).toBe(413);
    expect((await raw(emu.url, 'POST', '/ListStages', '{}')).status).toBe(200);
  });

  test('an unexpected exception in a handler becomes 500 InternalServerException and the server carries on', async () => {
    const original = HANDLERS.ListStages!;
    HANDLERS.ListStages = () => {
      throw new TypeError('boom');
    };
    try {
      const reply = await raw(emu.url, 'POST', '/ListStages', '{}');
      expect(reply.status).toBe(500);
      expect(reply.headers.get('x-amzn-errortype')).toBe('InternalServerException');
      expect(reply.body.message).not.toContain('boom');
    } finally {
      HANDLERS.ListStages = original;
    }
    expect((await raw(emu.url, 'POST', '/ListStages', '{}')).status).toBe(200);
  });

  test('admin routes need no signature (only their secret) and refuse what they cannot parse', async () => {
    const status = await admin(emu.url, 'GET', 'status');
    expect(status.status).toBe(200);
    const bad = await raw(emu.url, 'POST', '/_ivsrt/join', 'not json', { unsigned: true, headers: adminHeaders(emu.url) });
    expect(bad.status).toBe(400);
    const wrong = await admin(emu.url, 'POST', 'join', { stageArn: 42 });
    expect(wrong.status).toBe(400);
  });
});

describe('with configured credentials: SigV4 verified for real', () => {
  let emu: RunningEmulator;
  let client: sdk.IVSRealTimeClient;
  beforeAll(async () => {
    ({ emu, client } = await startTestEmulator({ credentials: [CREDENTIALS] }));
  });
  afterAll(async () => {
    client.destroy();
    await emu.close();
  });

  const other = (credentials: { accessKeyId: string; secretAccessKey: string }) =>
    new sdk.IVSRealTimeClient({ region: 'us-east-1', endpoint: emu.url, credentials, maxAttempts: 1 });

  test('a correctly signed request passes, including the double-encoded tag path and query', async () => {
    const stage = (await client.send(new sdk.CreateStageCommand({ name: 'signed', tags: { a: '1', 'b c': '2', 'b+c': '3' } }))).stage!;
    await client.send(new sdk.UntagResourceCommand({ resourceArn: stage.arn, tagKeys: ['a', 'b c'] }));
    expect((await client.send(new sdk.ListTagsForResourceCommand({ resourceArn: stage.arn }))).tags).toEqual({ 'b+c': '3' });
    await client.send(new sdk.UntagResourceCommand({ resourceArn: stage.arn, tagKeys: ['b+c'] }));
    expect((await client.send(new sdk.ListTagsForResourceCommand({ resourceArn: stage.arn }))).tags).toEqual({});
    const withToken = new sdk.IVSRealTimeClient({ region: 'us-east-1', endpoint: emu.url, credentials: { ...CREDENTIALS, sessionToken: 'session' }, maxAttempts: 1 });
    expect((await withToken.send(new sdk.ListStagesCommand({}))).stages).toHaveLength(1);
  });

  test('a wrong secret fails with 403 InvalidSignatureException', async () => {
    const e = await failure(other({ accessKeyId: CREDENTIALS.accessKeyId, secretAccessKey: 'wrong' }).send(new sdk.ListStagesCommand({})));
    expect(e.name).toBe('InvalidSignatureException');
    expect(e.$metadata?.httpStatusCode).toBe(403);
    expect(e.message).toContain('signature');
  });

  test('an unknown access key fails with 403 UnrecognizedClientException', async () => {
    const e = await failure(other({ accessKeyId: 'AKIDUNKNOWN', secretAccessKey: CREDENTIALS.secretAccessKey }).send(new sdk.ListStagesCommand({})));
    expect(e.name).toBe('UnrecognizedClientException');
    expect(e.$metadata?.httpStatusCode).toBe(403);
    expect(e.message).toBe('The security token included in the request is invalid.');
  });
});
