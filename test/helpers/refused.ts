import { expect } from 'vitest';
import { runCli } from './cli.js';
import type { FakeEndpoint } from './fake-endpoint.js';

/** The command fails validation (252, mentioning `mentions`) without sending a single request. */
export async function expectRefusedLocally(endpoint: FakeEndpoint, args: string[], mentions: string): Promise<void> {
  const before = endpoint.requests.length;
  const r = await runCli(args, { endpoint: endpoint.url });
  expect(r.code, r.stderr).toBe(252);
  expect(r.stderr).toContain(mentions);
  expect(endpoint.requests.length).toBe(before);
}
