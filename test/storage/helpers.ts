// What the storage tests share: API calls over plain HTTP (fast enough for thousands of writes, and the
// same wire the SDK uses), listing every stage, and starting an emulator process that may refuse to start.
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnChild } from '../helpers/children.js';
import { BIN, testEnv } from '../helpers/cli.js';
import { raw, type RawReply } from '../emulator/helpers.js';

/** A reply whose JSON body the test reads as the API documents it. */
export type ApiReply = Omit<RawReply, 'body'> & { body: Record<string, any> };

/** An API operation as the SDK sends it (restJson1: POST /<Operation> with a JSON body). */
export function call(url: string, operation: string, input: Record<string, unknown>): Promise<ApiReply> {
  return raw(url, 'POST', `/${operation}`, JSON.stringify(input));
}

export function tag(url: string, arn: string, tags: Record<string, string>): Promise<ApiReply> {
  return raw(url, 'POST', `/tags/${encodeURIComponent(arn)}`, JSON.stringify({ tags }));
}

export interface StageRow {
  arn: string;
  name: string;
  tags: Record<string, string>;
}

export async function allStages(url: string): Promise<Map<string, StageRow>> {
  const out = new Map<string, StageRow>();
  let nextToken: string | undefined;
  do {
    const page = await call(url, 'ListStages', { maxResults: 100, nextToken });
    if (page.status !== 200) throw new Error(`ListStages: ${page.status} ${page.text}`);
    for (const s of page.body.stages as StageRow[]) out.set(s.arn, s);
    nextToken = page.body.nextToken as string | undefined;
  } while (nextToken);
  return out;
}

export interface Attempt {
  child: ChildProcess;
  /** How the start ended: listening (with its URL), or the exit code and what it printed. */
  outcome: Promise<{ url?: string; code?: number | null; output: string }>;
}

/** `ivsrt local start --port 0 --data-dir dir`, which may refuse to start; `runAs` prefixes the command (e.g. setpriv, to drop root). */
export function attemptStart(dataDir: string, home: string, runAs: string[] = []): Attempt {
  const command = [...runAs, process.execPath, BIN, 'local', 'start', '--port', '0', '--data-dir', dataDir];
  const child = spawnChild(command[0]!, command.slice(1), {
    env: testEnv({ IVSRT_HOME: home }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const outcome = new Promise<{ url?: string; code?: number | null; output: string }>((resolve) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      if (url) resolve({ url, output });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => resolve({ code, output }));
  });
  return { child, outcome };
}

/** Every file below `dir` with a digest of its bytes, to prove that nothing on disk changed. */
export function fingerprint(dir: string, skip: (name: string) => boolean = () => false): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (skip(name) || !statSync(path).isFile()) continue;
    out[name] = createHash('sha256').update(readFileSync(path)).digest('hex');
  }
  return out;
}

export function dirBytes(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir)) {
    const s = statSync(join(dir, name));
    if (s.isFile()) total += s.size;
  }
  return total;
}
