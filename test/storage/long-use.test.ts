// Long use: 30,000 updates to one stage (over HTTP, 50 at a time, as the benchmark drives it). The data
// dir grows with the live state, not with the history: it stays within a few hundred KiB, and a restart
// loads the live records only, not one per update. The restart's time (under 2 s) is a speed, so it is
// measured by bench/emulator.mjs (docs/benchmarks.md), not asserted here on a machine of unknown load.
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { startEmulator } from '../../src/emulator/assemble.js';
import { spawnEmulator } from '../helpers/emulator.js';
import { scratchDir } from '../helpers/scratch.js';
import { call, dirBytes } from './helpers.js';

const UPDATES = 30_000;
const CONCURRENCY = 50;
const AUTH = 'AWS4-HMAC-SHA256 Credential=AKIDTEST/20260101/us-east-1/ivs/aws4_request, SignedHeaders=host, Signature=' + '0'.repeat(64);

function post(agent: Agent, url: string, path: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url + path, { method: 'POST', agent, headers: { 'content-type': 'application/json', authorization: AUTH, 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test(`${UPDATES.toLocaleString('en')} updates to one stage, then a restart: small data dir, only the live records loaded`, async () => {
  const dir = join(scratchDir('long-use'), 'data');
  // The writes go to the emulator as its own process (each side gets a core); the restart is timed in-process.
  const first = await spawnEmulator(['--data-dir', dir]);
  const arn = (await call(first.url, 'CreateStage', { name: 'busy' })).body.stage.arn as string;
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let next = 0;
  let ok = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < UPDATES) {
        const i = next++;
        if ((await post(agent, first.url, '/UpdateStage', JSON.stringify({ arn, name: `busy-${i}` }))) === 200) ok++;
      }
    }),
  );
  agent.destroy();
  expect(ok).toBe(UPDATES);
  await first.stop();

  const bytes = dirBytes(dir);
  // one stage is about a kilobyte; lmdb's file is a few pages of it plus its free-page list
  expect(bytes).toBeLessThan(512 * 1024);
  const lines: string[] = [];
  const second = await startEmulator({ dataDir: dir, log: (line) => lines.push(line) });
  try {
    const loaded = /storage: loaded (\d+) record\(s\) from .* in (\d+) ms/.exec(lines.join('\n'));
    expect(loaded, lines.join('\n')).not.toBeNull();
    // one stage, whatever the history; a start-up that replayed updates would load ~30,000
    expect(Number(loaded![1])).toBeLessThan(10);
    const stage = (await call(second.url, 'GetStage', { arn })).body.stage as { name: string };
    expect(stage.name).toMatch(/^busy-\d+$/);
  } finally {
    await second.close();
  }
  console.info(`long use: ${UPDATES} updates; data dir ${bytes} bytes; start-up ${/in (\d+) ms/.exec(lines.join('\n'))?.[1]} ms`);
}, 180_000);
