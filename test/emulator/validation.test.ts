// Table-driven from the model: for every operation, every constrained member (at any depth) gets
// inputs that break each of its constraints, sent as raw JSON (the SDK would refuse most of them).
// The emulator must answer 400 ValidationException naming the member and the rule.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { OPERATIONS, SHAPES } from '../../src/model/api.js';
import type { RunningEmulator } from '../../src/emulator/assemble.js';
import { raw, startTestEmulator } from './helpers.js';

interface Case {
  operation: string;
  path: string;
  input: Record<string, unknown>;
  /** Text the error message must contain: `<path> <rule>`. */
  expect: string;
}

const BAD_CHARS = ['!', ' ', '#', '/', ':', 'é', '\u0000'];

function sample(shapeName: string): unknown {
  const shape = SHAPES[shapeName]!;
  switch (shape.type) {
    case 'string': return shape.enum?.[0] ?? 'a';
    case 'integer': case 'float': return shape.min ?? 1;
    case 'boolean': return true;
    case 'list': return [];
    case 'map': return {};
    case 'structure': return {};
    default: return 'a';
  }
}

function generate(operation: string, shapeName: string, path: string, place: (v: unknown) => Record<string, unknown>, depth: number, out: Case[]): void {
  const shape = SHAPES[shapeName]!;
  const add = (value: unknown, rule: string): void => {
    out.push({ operation, path, input: place(value), expect: `${path} ${rule}` });
  };
  switch (shape.type) {
    case 'string': {
      add(42, 'must be a string, not a number');
      if (shape.max !== undefined) add('x'.repeat(shape.max + 1), `must be at most ${shape.max} characters long`);
      if (shape.min !== undefined && shape.min > 0) add('x'.repeat(shape.min - 1), shape.min === 1 ? 'must not be empty' : `must be at least ${shape.min} characters long`);
      if (shape.enum) add('NOT_A_VALUE', `must be one of ${shape.enum.join(', ')}`);
      if (shape.pattern) {
        const re = new RegExp(`^(?:${shape.pattern})$`);
        const length = Math.max(shape.min ?? 1, 1);
        const bad = BAD_CHARS.map((c) => c.repeat(length)).find((s) => !re.test(s));
        if (bad !== undefined) add(bad, `must match the pattern ${shape.pattern}`);
      }
      return;
    }
    case 'integer':
    case 'float':
      add('12', 'must be a number, not a string');
      if (shape.min !== undefined) add(shape.min - 1, `must be at least ${shape.min}`);
      if (shape.max !== undefined) add(shape.max + 1, `must be at most ${shape.max}`);
      if (shape.type === 'integer') add(1.5, 'must be a whole number');
      return;
    case 'boolean':
      add('yes', 'must be true or false, not a string');
      return;
    case 'list':
      add('x', 'must be a list, not a string');
      if (shape.max !== undefined) add(Array.from({ length: shape.max + 1 }, () => sample(shape.member)), `must have at most ${shape.max} item(s)`);
      if (shape.min !== undefined && shape.min > 0) add([], `must have at least ${shape.min} item(s)`);
      if (depth < 5) generate(operation, shape.member, `${path}[0]`, (v) => place([v]), depth + 1, out);
      return;
    case 'map':
      add([], 'must be a map of key/value pairs, not a list');
      if (shape.max !== undefined) add(Object.fromEntries(Array.from({ length: shape.max + 1 }, (_, i) => [`k${i}`, 'v'])), `must have at most ${shape.max} entries`);
      if (depth < 5) generate(operation, shape.value, `${path}.k`, (v) => place({ k: v }), depth + 1, out);
      return;
    case 'structure':
      if (path) add('x', 'must be an object, not a string');
      for (const name of shape.required ?? []) {
        out.push({ operation, path: join(path, name), input: place({}), expect: `${join(path, name)} is required` });
      }
      if (depth < 5) {
        for (const [name, member] of Object.entries(shape.members)) {
          if (member.location) continue; // URI and query members are covered separately below
          generate(operation, member.shape, join(path, name), (v) => place({ [name]: v }), depth + 1, out);
        }
      }
      return;
  }
}

const join = (path: string, name: string): string => (path ? `${path}.${name}` : name);

function bodyCases(): Case[] {
  const out: Case[] = [];
  for (const [operation, op] of Object.entries(OPERATIONS)) {
    generate(operation, op.input, '', (v) => v as Record<string, unknown>, 0, out);
  }
  // Required URI members can never be missing from a body; drop those cases.
  return out.filter((c) => !(c.expect === 'resourceArn is required' || c.expect === 'tagKeys is required'));
}

const CASES = bodyCases();
const STAGE = 'arn:aws:ivs:us-east-1:123456789012:stage/abcdefABCDEF';

let emu: RunningEmulator;
beforeAll(async () => {
  ({ emu } = await startTestEmulator());
});
afterAll(() => emu.close());

function requestFor(c: Case): [string, string, string | undefined] {
  const op = OPERATIONS[c.operation]!;
  if (!op.path.includes('{')) return ['POST', op.path, JSON.stringify(c.input)];
  // Only TagResource of the tag operations has body members.
  return [op.method, `/tags/${encodeURIComponent(STAGE)}`, JSON.stringify(c.input)];
}

describe('model constraints, generated from SHAPES', () => {
  test('the table covers every operation with constraints and every kind of rule', () => {
    expect(CASES.length).toBeGreaterThan(300);
    const ops = new Set(CASES.map((c) => c.operation));
    for (const [name, op] of Object.entries(OPERATIONS)) {
      const shape = SHAPES[op.input]!;
      if (shape.type === 'structure' && Object.values(shape.members).some((m) => !m.location)) expect(ops, name).toContain(name);
    }
    for (const rule of ['is required', 'must match the pattern', 'characters long', 'must be one of', 'must be at least', 'must be at most', 'item(s)', 'entries', 'must be a number', 'must be true or false', 'must be an object']) {
      expect(CASES.some((c) => c.expect.includes(rule)), rule).toBe(true);
    }
  });

  test.each(CASES.map((c) => [`${c.operation}: ${c.expect}`, c] as const))('%s', async (_name, c) => {
    const [method, path, body] = requestFor(c);
    const reply = await raw(emu.url, method, path, body);
    expect(reply.status, reply.text).toBe(400);
    expect(reply.headers.get('x-amzn-errortype')).toBe('ValidationException');
    expect(reply.body.exceptionMessage).toBe(reply.body.message);
    expect(reply.body.message).toMatch(/^\d+ validation errors? detected: /);
    expect(reply.body.message).toContain(c.expect);
  });
});

describe('URI and query members of the tag operations', () => {
  test('a resource ARN that is not an ARN', async () => {
    const reply = await raw(emu.url, 'GET', `/tags/${encodeURIComponent('not-an-arn')}`);
    expect(reply.status).toBe(400);
    expect(reply.body.message).toContain('resourceArn must match the pattern');
  });

  test('UntagResource without tagKeys, and with too many', async () => {
    const path = `/tags/${encodeURIComponent(STAGE)}`;
    const missing = await raw(emu.url, 'DELETE', path);
    expect(missing.status).toBe(400);
    expect(missing.body.message).toContain('tagKeys is required');
    const many = Array.from({ length: 51 }, (_, i) => `tagKeys=k${i}`).join('&');
    const tooMany = await raw(emu.url, 'DELETE', `${path}?${many}`);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.message).toContain('tagKeys must have at most 50 item(s)');
  });

  test('TagResource with a tag key that is too long', async () => {
    const reply = await raw(emu.url, 'POST', `/tags/${encodeURIComponent(STAGE)}`, JSON.stringify({ tags: { ['k'.repeat(129)]: 'v' } }));
    expect(reply.status).toBe(400);
    expect(reply.body.message).toContain('must be at most 128 characters long');
  });
});

describe('rules the model states in prose', () => {
  test('attributes are limited to 1 KB in total', async () => {
    const stage = await raw(emu.url, 'POST', '/CreateStage', '{}');
    const stageArn = (stage.body.stage as { arn: string }).arn;
    const attributes = { a: 'x'.repeat(600), b: 'y'.repeat(600) };
    for (const [path, body, field] of [
      // The field as the request names it (it read `input.attributes` once, a member no request has).
      ['/CreateParticipantToken', { stageArn, attributes }, 'attributes'],
      ['/CreateStage', { participantTokenConfigurations: [{}, { attributes }] }, 'participantTokenConfigurations[1].attributes'],
      ['/CreateIngestConfiguration', { ingestProtocol: 'RTMPS', attributes }, 'attributes'],
    ] as const) {
      const reply = await raw(emu.url, 'POST', path, JSON.stringify(body));
      expect(reply.status, path).toBe(400);
      expect(reply.body.message).toContain(`detected: ${field} must total at most 1 KB`);
    }
  });

  test('exclusive filters', async () => {
    const both = await raw(emu.url, 'POST', '/ListIngestConfigurations', JSON.stringify({ filterByStageArn: STAGE, filterByState: 'ACTIVE' }));
    expect(both.status).toBe(400);
    expect(both.body.message).toContain('only one of filterByStageArn, filterByState');
    const three = await raw(emu.url, 'POST', '/ListParticipants', JSON.stringify({ stageArn: STAGE, sessionId: 'st-abcdefghijklm', filterByPublished: true, filterByState: 'CONNECTED', filterByRecordingState: 'ACTIVE' }));
    expect(three.status).toBe(400);
    expect(three.body.message).toContain('filterByPublished and filterByState and filterByRecordingState');
  });

  test('a composition destination needs exactly one of channel or s3', async () => {
    const stage = await raw(emu.url, 'POST', '/CreateStage', '{}');
    const reply = await raw(emu.url, 'POST', '/StartComposition', JSON.stringify({ stageArn: (stage.body.stage as { arn: string }).arn, destinations: [{ name: 'empty' }] }));
    expect(reply.status).toBe(400);
    expect(reply.body.message).toContain('destinations[0] must have exactly one of channel or s3');
  });
});
