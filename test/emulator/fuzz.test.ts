// Thousands of random and malformed requests (seeded, so a failure reproduces): random routes, methods,
// headers, bodies built from the model's shapes with wrong types, huge strings and bad ARNs, and raw
// garbage. The emulator must never crash, never answer 5xx, always answer a well-formed error, and
// still serve afterwards.
import { Agent, request } from 'node:http';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { OPERATIONS, SHAPES } from '../../src/model/api.js';
import type { RunningEmulator } from '../../src/emulator/server.js';
import { admin, raw, startTestEmulator } from './helpers.js';

const REQUESTS = 4000;
const CONCURRENCY = 16;

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// IVSRT_FUZZ_SEED explores other request mixes; the default keeps CI reproducible.
const rnd = mulberry32(Number(process.env.IVSRT_FUZZ_SEED) || 20261123);
const pick = <T,>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;
const OPS = Object.keys(OPERATIONS);
const ADMIN = ['status', 'join', 'leave', 'publish', 'unpublish', 'subscribe', 'unsubscribe', 'token', 'ingest', 'clock', 'reset', 'nope'];
const known: string[] = [];

function weirdString(): string {
  return pick([
    () => '',
    () => 'x'.repeat(Math.floor(rnd() * 5000)),
    () => 'arn:aws:ivs:us-east-1:123456789012:stage/' + 'a'.repeat(Math.floor(rnd() * 200)),
    () => 'arn:aws:ivs:us-east-1:123456789012:' + pick(['stage', 'composition', 'public-key', 'channel', 'x']) + '/abc',
    () => (known.length ? pick(known) : 'st-abcdefghijklm'),
    () => '\u0000\uffff\ud800',
    () => '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----',
    () => 'eyJhbGciOiJLTVMifQ.eyJ9.sig',
    () => String.fromCharCode(...Array.from({ length: 20 }, () => Math.floor(rnd() * 0xffff))),
  ])();
}

function value(shapeName: string, depth: number): unknown {
  if (rnd() < 0.15) return pick([null, 42, -1, 1e308, true, 'str', [], {}, [1, 'a'], { a: { b: 1 } }]);
  const shape = SHAPES[shapeName]!;
  switch (shape.type) {
    case 'string': return shape.enum && rnd() < 0.5 ? pick(shape.enum) : weirdString();
    case 'integer': case 'float': return pick([0, 1, -5, 2.5, 99999999999, Number.MAX_SAFE_INTEGER, shape.min ?? 0, shape.max ?? 10]);
    case 'boolean': return rnd() < 0.5;
    case 'timestamp': return weirdString();
    case 'list': return depth > 4 ? [] : Array.from({ length: Math.floor(rnd() * 4) }, () => value(shape.member, depth + 1));
    case 'map': return depth > 4 ? {} : Object.fromEntries(Array.from({ length: Math.floor(rnd() * 4) }, () => [weirdString().slice(0, 50), value(shape.value, depth + 1)]));
    case 'structure': {
      if (depth > 4) return {};
      const out: Record<string, unknown> = {};
      for (const [name, member] of Object.entries(shape.members)) if (rnd() < 0.7) out[name] = value(member.shape, depth + 1);
      if (rnd() < 0.1) out.unexpectedMember = weirdString();
      return out;
    }
  }
}

/** Lone surrogates cannot be URL-encoded; send an invalid UTF-8 escape in their place. */
function encode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return '%ED%A0%80';
  }
}

interface Spec {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

function randomRequest(): Spec {
  const headers: Record<string, string> = {};
  if (rnd() < 0.85) headers.authorization = 'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/ivs/aws4_request, SignedHeaders=host, Signature=' + '0'.repeat(64);
  if (rnd() < 0.8) headers['content-type'] = pick(['application/json', 'text/plain', 'application/x-amz-json-1.1']);
  const kind = rnd();
  let method = 'POST';
  let path: string;
  let body: string | Buffer | undefined;
  if (kind < 0.6) {
    const op = pick(OPS);
    const def = OPERATIONS[op]!;
    const input = value(def.input, 0) as Record<string, unknown>;
    if (def.path.includes('{')) {
      method = def.method;
      path = `/tags/${encode(typeof input?.resourceArn === 'string' ? input.resourceArn : weirdString())}`;
      if (op === 'UntagResource') path += `?tagKeys=${encode(weirdString().slice(0, 40))}&tagKeys=`;
    } else {
      path = def.path;
    }
    body = JSON.stringify(input);
  } else if (kind < 0.75) {
    path = `/_ivsrt/${pick(ADMIN)}`;
    method = pick(['GET', 'POST']);
    body = JSON.stringify(value(pick(['CreateParticipantTokenRequest', 'GetParticipantRequest', 'ListParticipantsRequest']), 0));
  } else if (kind < 0.9) {
    path = pick(['/', '//', '/%', '/%zz', '/tags', '/tags/', '/tags/%E0', `/${pick(OPS)}/extra`, `/${'a'.repeat(3000)}`, '/_ivsrt', '/_ivsrt/', `/${pick(OPS)}?x=%`]);
    body = weirdString();
  } else {
    path = `/${pick(OPS)}`;
    body = pick([
      () => Buffer.from(Array.from({ length: Math.floor(rnd() * 500) }, () => Math.floor(rnd() * 256))),
      () => '{"a":',
      () => '[' .repeat(5000),
      () => '{"x":' + '"y"'.repeat(10) + '}',
      () => 'null',
      () => '"string"',
      () => '1e99999',
    ])();
  }
  // No HEAD: node's own HTTP client cannot send one with a body and read the reply.
  if (rnd() < 0.1) method = pick(['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);
  return { method, path, headers, body };
}

let emu: RunningEmulator;
beforeAll(async () => {
  ({ emu } = await startTestEmulator());
  // Some real resources, so that random requests sometimes hit existing ones.
  for (let i = 0; i < 3; i++) {
    const reply = await raw(emu.url, 'POST', '/CreateStage', JSON.stringify({ participantTokenConfigurations: [{}] }));
    const stage = reply.body.stage as { arn: string };
    known.push(stage.arn, (reply.body.participantTokens as { token: string }[])[0]!.token);
  }
});
afterAll(() => emu.close());

function send(agent: Agent, spec: Spec): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${emu.url}${spec.path}`, { method: spec.method, headers: spec.headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(spec.body);
  });
}

test(`${REQUESTS} random requests: no crash, no 5xx, well-formed errors`, async () => {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const statuses = new Map<number, number>();
  const problems: string[] = [];
  let next = 0;
  const specs = Array.from({ length: REQUESTS }, randomRequest);
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < specs.length) {
        const spec = specs[next++]!;
        const reply = await send(agent, spec);
        statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
        const where = `${spec.method} ${spec.path.slice(0, 80)}`;
        if (reply.status >= 500) problems.push(`${where}: ${reply.status} ${reply.body.slice(0, 200)}`);
        if (reply.status >= 400) {
          let parsed: { message?: unknown; exceptionMessage?: unknown } = {};
          try {
            parsed = JSON.parse(reply.body) as typeof parsed;
          } catch {
            problems.push(`${where}: error body is not JSON: ${reply.body.slice(0, 100)}`);
          }
          if (typeof parsed.message !== 'string' || typeof parsed.exceptionMessage !== 'string') problems.push(`${where}: error body lacks message members`);
          if (typeof reply.headers['x-amzn-errortype'] !== 'string') problems.push(`${where}: no x-amzn-ErrorType`);
        }
      }
    }),
  );
  agent.destroy();
  expect(problems.slice(0, 10)).toEqual([]);
  expect([...statuses.keys()].every((s) => [200, 400, 401, 402, 403, 404, 405, 409, 413, 415].includes(s))).toBe(true);
  // the mix really exercised the handlers, not just the router
  expect(statuses.get(200) ?? 0).toBeGreaterThan(20);
  expect(statuses.get(400) ?? 0).toBeGreaterThan(500);
  const after = await raw(emu.url, 'POST', '/CreateStage', JSON.stringify({ name: 'still-alive' }));
  expect(after.status).toBe(200);
  expect((await admin(emu.url, 'GET', 'status')).status).toBe(200);
});
