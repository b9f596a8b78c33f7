// Shared set-up for the emulator tests: an in-process emulator on a free loopback port, the real SDK
// client pointed at it, and a raw HTTP helper for what the SDK cannot send.
import { IVSRealTimeClient } from '@aws-sdk/client-ivs-realtime';
import { afterEach, expect } from 'vitest';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/assemble.js';
import { adminHeaders } from '../helpers/emulator.js';

export const CREDENTIALS = { accessKeyId: 'AKIDEMULATORTEST', secretAccessKey: 'emulator-test-secret' };

export async function startTestEmulator(options: EmulatorOptions = {}): Promise<{ emu: RunningEmulator; client: IVSRealTimeClient }> {
  const emu = await startEmulator({ port: 0, ...options });
  const client = new IVSRealTimeClient({ region: 'us-east-1', endpoint: emu.url, credentials: CREDENTIALS, maxAttempts: 1 });
  return { emu, client };
}

export type TestEmulator = Awaited<ReturnType<typeof startTestEmulator>>;

/** For a test file: `start` runs an in-process emulator that is closed after the test, or earlier with `stop` (a restart). */
export function emulatorPerTest(defaults: EmulatorOptions = {}): { start(options?: EmulatorOptions): Promise<TestEmulator>; stop(pair: TestEmulator): Promise<void> } {
  const running = new Set<TestEmulator>();
  const stop = async (pair: TestEmulator) => {
    if (!running.delete(pair)) return;
    pair.client.destroy();
    await pair.emu.close();
  };
  afterEach(async () => {
    for (const pair of [...running]) await stop(pair);
  });
  return {
    async start(options = {}) {
      const pair = await startTestEmulator({ ...defaults, ...options });
      running.add(pair);
      return pair;
    },
    stop,
  };
}

export interface RawReply {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
  text: string;
}

/** A request outside the SDK; signed-looking unless `unsigned`. */
export async function raw(url: string, method: string, path: string, body?: string | Buffer, options: { unsigned?: boolean; headers?: Record<string, string> } = {}): Promise<RawReply> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
  if (!options.unsigned) headers.authorization = 'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/ivs/aws4_request, SignedHeaders=host, Signature=' + '0'.repeat(64);
  const res = await fetch(url + path, { method, headers, body: typeof body === 'string' || body === undefined ? body : new Uint8Array(body) });
  const text = await res.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // left empty: callers assert on status and text
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

export async function admin(url: string, method: string, route: string, body?: unknown): Promise<RawReply> {
  return raw(url, method, `/_ivsrt/${route}`, body === undefined ? undefined : JSON.stringify(body), { unsigned: true, headers: adminHeaders(url) });
}

/** The body of a reply that must be 200. */
export async function ok(reply: Promise<RawReply>): Promise<Record<string, any>> {
  const r = await reply;
  expect(r.status, r.text).toBe(200);
  return r.body;
}

/** The rejected error of a promise, for asserting on its name/status. */
export async function failure(promise: Promise<unknown>): Promise<{ name: string; message: string; $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
  }
  throw new Error('expected the call to fail, but it succeeded');
}
