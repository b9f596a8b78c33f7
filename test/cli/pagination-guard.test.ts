// A service that hands back a nextToken it already gave would make a list verb ask for the same pages
// forever; the one pagination helper (src/api/pages.ts) stops it with exit 255 and a message.
import { afterEach, describe, expect, it } from 'vitest';
import { collectPages, pages, RepeatedTokenError } from '../../src/api/pages.js';
import type { Context } from '../../src/cli/context.js';
import { listAll } from '../../src/cli/paginate.js';
import { runCli } from '../helpers/cli.js';
import { fakeEndpoint, type FakeEndpoint } from '../helpers/fake-endpoint.js';

const stage = (id: string) => ({ arn: `arn:aws:ivs:us-east-1:123456789012:stage/${id}`, name: id, tags: {} });

describe('pagination guard', () => {
  let endpoint: FakeEndpoint | undefined;
  afterEach(async () => {
    await endpoint?.close();
    endpoint = undefined;
  });

  it('stage list against a service that repeats its nextToken exits 255 with a message, after a few requests', async () => {
    // Page 1 → token A, page A → token B, page B → token A again.
    endpoint = await fakeEndpoint((req, res) => {
      const token = (JSON.parse(req.body || '{}') as { nextToken?: string }).nextToken;
      const next = token === 'A' ? 'B' : 'A';
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ stages: [stage(`s${token ?? '0'}`)], nextToken: next }));
    });
    const result = await runCli(['stage', 'list', '--json'], { endpoint: endpoint.url });
    expect(result.code).toBe(255);
    expect(result.stderr).toMatch(/^error: ListStages returned a nextToken it had already returned/m);
    expect(endpoint.requests).toHaveLength(3);
  });

  it('name resolution is guarded the same way', async () => {
    endpoint = await fakeEndpoint((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ stages: [stage('other')], nextToken: 'same' }));
    });
    const result = await runCli(['stage', 'get', 'demo'], { endpoint: endpoint.url });
    expect(result.code).toBe(255);
    expect(result.stderr).toContain('ListStages returned a nextToken it had already returned');
    expect(endpoint.requests).toHaveLength(2);
  });

  it('subscribe finds its publisher through the guarded listing: a repeated ListParticipants token exits 255 after two pages', async () => {
    // The stage has a session; ListParticipants hands back the same token again and again (a service
    // with a bug). Without the guard the verb would ask for ever: after 20 pages this one gives in and ends
    // the listing, which would let such a verb go on to say PUBLISHER_NOT_FOUND (254).
    const stageArn = 'arn:aws:ivs:us-east-1:123456789012:stage/AbCdEfGhIjKl';
    let listings = 0;
    endpoint = await fakeEndpoint((req, res) => {
      const reply = (body: object) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (req.url === '/GetStage') return reply({ stage: { ...stage('AbCdEfGhIjKl'), arn: stageArn, activeSessionId: 'st-1' } });
      listings++;
      reply({ participants: [{ participantId: `p${listings}`, userId: 'someone', state: 'CONNECTED' }], ...(listings < 20 ? { nextToken: 'same' } : {}) });
    });
    const result = await runCli(['subscribe', stageArn, 'alice'], { endpoint: endpoint.url });
    expect(result.stderr).toMatch(/^error: ListParticipants returned a nextToken it had already returned/m);
    expect(result.code).toBe(255);
    expect(endpoint.requests.map((r) => r.url)).toEqual(['/GetStage', '/ListParticipants', '/ListParticipants']);
    expect(endpoint.requests.slice(1).map((r) => JSON.parse(r.body) as unknown)).toEqual([
      { stageArn, sessionId: 'st-1', maxResults: 100 },
      { stageArn, sessionId: 'st-1', maxResults: 100, nextToken: 'same' },
    ]);
  });
});

describe('listAll()', () => {
  /** A context whose only working member is call(), answering from `answer`, and recording each request. */
  function contextAnswering(answer: (operation: string, input: Record<string, unknown>) => object) {
    const requests: [string, Record<string, unknown>][] = [];
    const call = async (operation: string, input: Record<string, unknown>) => {
      requests.push([operation, input]);
      return answer(operation, input);
    };
    return { ctx: { call } as unknown as Context, requests };
  }

  it('sends the typed request with each page\'s token and collects what the selector picks', async () => {
    const { ctx, requests } = contextAnswering((_op, input) => (input.nextToken === undefined ? { events: [{ name: 'JOINED' }], nextToken: 't2' } : { events: [{ name: 'LEFT' }] }));
    const request = { stageArn: 'arn:s', sessionId: 'st-1', participantId: 'p', maxResults: 100 };
    const events = await listAll(ctx, 'ListParticipantEvents', request, (page) => page.events);
    expect(events.map((e) => e.name)).toEqual(['JOINED', 'LEFT']);
    expect(requests).toEqual([
      ['ListParticipantEvents', request],
      ['ListParticipantEvents', { ...request, nextToken: 't2' }],
    ]);
  });

  it('throws RepeatedTokenError, naming the operation, when a page repeats a token, after two requests', async () => {
    const { ctx, requests } = contextAnswering(() => ({ events: [{ name: 'PUBLISH_STARTED' }], nextToken: 'again' }));
    await expect(listAll(ctx, 'ListParticipantEvents', { stageArn: 'arn:s', sessionId: 'st-1', participantId: 'p' }, (page) => page.events)).rejects.toThrow(
      new RepeatedTokenError('ListParticipantEvents'),
    );
    expect(requests).toHaveLength(2);
  });
});

describe('pages()', () => {
  it('follows tokens to the end, starting where asked', async () => {
    const book: Record<string, { items: number[]; nextToken?: string }> = { first: { items: [1], nextToken: 'b' }, b: { items: [2], nextToken: 'c' }, c: { items: [3] } };
    const seen: (string | undefined)[] = [];
    const fetch = async (token: string | undefined) => {
      seen.push(token);
      return book[token ?? 'first']!;
    };
    expect(await collectPages('List', fetch, (p) => p.items)).toEqual([1, 2, 3]);
    expect(seen).toEqual([undefined, 'b', 'c']);
    const fromB: number[] = [];
    for await (const page of pages('List', fetch, 'b')) fromB.push(...page.items);
    expect(fromB).toEqual([2, 3]);
  });

  it('throws RepeatedTokenError on a token it was given before, including the starting one', async () => {
    await expect(collectPages('List', async () => ({ items: [1], nextToken: 'x' }), (p) => p.items)).rejects.toBeInstanceOf(RepeatedTokenError);
    const back = async (token: string | undefined) => ({ items: [1], nextToken: token === 'start' ? 'next' : 'start' });
    await expect(collectPages('List', back, (p) => p.items)).rejects.toThrow('List returned a nextToken it had already returned');
  });

  it('stops after maxPages without asking for more', async () => {
    let calls = 0;
    const endless = async (token: string | undefined) => {
      calls++;
      return { items: [calls], nextToken: `${token ?? ''}+` };
    };
    expect(await collectPages('List', endless, (p) => p.items, 3)).toEqual([1, 2, 3]);
    expect(calls).toBe(3);
  });
});
