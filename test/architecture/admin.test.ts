// The emulator's admin routes have one contract (src/emulator/http/admin-contract.ts) and the CLI one way to
// them: its Context (ctx.admin(), ctx.adminAt(url)), whose client --debug logs and the timeouts bound.
// Checked over the source with the compiler's own parser, and at type-check time below.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import type { AdminReply, AdminRequest } from '../../src/emulator/http/admin-contract.js';
import { ADMIN_ENDPOINTS } from '../../src/emulator/http/admin-contract.js';
import { ADMIN_ROUTES, type AdminHandler } from '../../src/emulator/http/admin.js';
import type { AdminClient } from '../../src/local/admin-client.js';
import { importGraph, ROOT } from './graph.js';

const sources = [...importGraph().local.keys()]
  .filter((f) => /^(src|commands)\/.*\.tsx?$/.test(f))
  .map((file) => ts.createSourceFile(file, readFileSync(join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest, true));

/** Every node of every source file under src/ and commands/ that `pick` names, as `file: text`. */
function find(pick: (node: ts.Node) => boolean): string[] {
  const found: string[] = [];
  for (const source of sources) {
    const file = source.fileName;
    const visit = (node: ts.Node): void => {
      if (pick(node)) found.push(`${file}: ${node.getText(source).replace(/\s+/g, ' ')}`);
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

const called = (node: ts.Node, names: string[]): node is ts.CallExpression =>
  ts.isCallExpression(node) && ts.isIdentifier(node.expression) && names.includes(node.expression.text);

/** Library functions that make admin clients for callers without a Context (tests), unless given the CLI's factory. */
const TAKING_A_FACTORY = ['ensureLocalEmulator', 'statusLocal', 'stopLocal', 'resetLocal', 'simulate', 'emulatorMedia', 'emulatorEventFeed', 'runForeground'];

describe('the admin routes', () => {
  it('only the Context constructs an admin client (plainAdmin is for callers without one)', () => {
    const constructed = find((node) => ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'AdminClient').map((hit) => hit.split(':')[0]);
    expect(constructed.sort()).toEqual(['src/cli/context.ts', 'src/local/admin-client.ts']);
  });

  it('the CLI never uses plainAdmin: it is only the default of the library functions', () => {
    const users = find((node) => ts.isIdentifier(node) && node.text === 'plainAdmin' && !ts.isFunctionDeclaration(node.parent) && !ts.isImportSpecifier(node.parent)).map((hit) => hit.split(':')[0]);
    expect([...new Set(users)].sort()).toEqual(['src/local/background.ts', 'src/local/simulate.ts', 'src/watch/emulator-media.ts', 'src/watch/event-feed.ts']);
  });

  it("every call of a function that would otherwise make its own client passes the Context's", () => {
    // src/fixture is the library test suites call (no CLI, no Context): plainAdmin is its to use.
    const calls = find((node) => called(node, TAKING_A_FACTORY)).filter((call) => !call.startsWith('src/fixture/'));
    expect(calls.length).toBeGreaterThanOrEqual(9);
    // The Context's factories are ctx.admin / ctx.adminAt (or adminAt inside the Context), or a client made by them.
    const passesOne = /\badmin(At)?\b/;
    expect(calls.filter((call) => !passesOne.test(call.slice(call.indexOf('('))))).toEqual([]);
  });

  it('the server routes exactly the contract: each route once, by its method and path', () => {
    expect(Object.keys(ADMIN_ROUTES).sort()).toEqual(Object.values(ADMIN_ENDPOINTS).map(({ method, path }) => `${method} ${path}`).sort());
  });

  it('a request or reply that differs from the contract fails the type check', () => {
    // Each @ts-expect-error fails `npm run typecheck` if the contract stops catching the mismatch.
    const send = (admin: AdminClient) => {
      // @ts-expect-error: join takes no member `stage`
      void admin.request('join', { stage: 'demo' });
      // @ts-expect-error: the clock route needs advanceSeconds as a number
      void admin.request('clock', { advanceSeconds: '10' });
      // @ts-expect-error: a stream is read with stream(), not as one JSON reply
      void admin.request('events', {});
    };
    // @ts-expect-error: the reply of join names the session
    const reply: AdminReply<'join'> = { participant: { participantId: 'p', state: 'CONNECTED' }, stageArn: 'arn' };
    const request: AdminRequest<'failBucket'> = { bucket: 'b', clear: true };
    // @ts-expect-error: the clock handler must answer advancedSeconds
    const answersLess: AdminHandler<'clock'> = () => ({ now: '' });
    // @ts-expect-error: a handler reads only what the contract says the client sends
    const readsMore: AdminHandler<'clock'> = (_emu, body) => ({ now: String(body.seconds), advancedSeconds: 0 });
    expect([typeof send, reply.stageArn, request.bucket, typeof answersLess, typeof readsMore]).toEqual(['function', 'arn', 'b', 'function', 'function']);
  });
});
