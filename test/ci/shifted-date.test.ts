// CI runs the suite twice: as is, then with the date 400 days ahead (.ci/shifted: libfaketime, FAKETIME=+400d,
// and .ci/faketime-waits.c). In either pass this proves the pass is what it says: every process a test starts
// (the worker, the emulator, the independent clients) sees the date shifted by exactly the offset asked for
// (none in the first pass), and timed waits still end, so the media tests can run shifted too.
import * as sdk from '@aws-sdk/client-ivs-realtime';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { spawnEmulator } from '../helpers/emulator.js';
import { scratchDir } from '../helpers/scratch.js';

const DAY_MS = 86_400_000;
const BUILT = existsSync(new URL('../../dist/cli.cjs', import.meta.url));
if (!BUILT) console.warn('shifted-date: skipping the emulator check: dist/cli.cjs is missing (run `npm run build`)');

function runs(command: string, args: string[]): boolean {
  return spawnSync(command, args, { stdio: 'ignore' }).status === 0;
}

/** The shift this pass asks for, in ms: libfaketime's FAKETIME offset, or none without it. */
function requestedShiftMs(): number {
  const spec = process.env.FAKETIME;
  if (spec === undefined) return 0;
  const days = /^\+(\d+)d$/.exec(spec);
  if (!days) throw new Error(`FAKETIME=${spec}: this test reads the "+<days>d" offsets .ci/shifted sets`);
  return Number(days[1]) * DAY_MS;
}

/** The kernel's wall clock: `date` run without libfaketime. */
function kernelNowMs(): number {
  const { LD_PRELOAD: _preload, FAKETIME: _faketime, ...unshifted } = process.env;
  return Number(execFileSync('date', ['+%s%3N'], { env: unshifted, encoding: 'utf8' }).trim());
}

/** Reads a clock through `read` between two readings of the kernel's, and returns it unshifted with both bounds. */
async function unshiftedReading(read: () => Promise<number> | number) {
  const before = kernelNowMs();
  const seen = await read();
  const after = kernelNowMs();
  return { seen: seen - requestedShiftMs(), before, after };
}

/** `seen` lies between `before` and `after`, give or take the `slackMs` of the clocks' resolutions. */
function expectBetween({ seen, before, after }: { seen: number; before: number; after: number }, slackMs: number) {
  expect(seen).toBeGreaterThanOrEqual(before - slackMs);
  expect(seen).toBeLessThanOrEqual(after + slackMs);
}

describe('the date every process of this pass sees', () => {
  test('the shifted pass asks for at least 400 days (issue #18); the first pass for none', () => {
    if (process.env.FAKETIME === undefined) expect(process.env.LD_PRELOAD ?? '').not.toMatch(/faketime/);
    else expect(requestedShiftMs()).toBeGreaterThanOrEqual(400 * DAY_MS);
  });

  test('this worker and the command-line clients it starts (date, python3) see the kernel date shifted by that offset', async () => {
    expectBetween(await unshiftedReading(() => Date.now()), 5);
    expectBetween(await unshiftedReading(() => 1000 * Number(execFileSync('date', ['+%s'], { encoding: 'utf8' }))), 1000);
    if (!runs('python3', ['-c', ''])) return console.warn('shifted-date: skipping python3: not installed');
    expectBetween(await unshiftedReading(() => 1000 * Number(execFileSync('python3', ['-c', 'import time; print(time.time())'], { encoding: 'utf8' }))), 5);
  });

  test.skipIf(!BUILT)('the emulator (ivsrt local start, on the wall clock) stamps its resources with that date', async () => {
    const emulator = await spawnEmulator();
    const client = new sdk.IVSRealTimeClient({ endpoint: emulator.url, region: 'us-east-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret-test' } });
    try {
      const reading = await unshiftedReading(async () => {
        const { participantTokens } = await client.send(new sdk.CreateStageCommand({ name: 'dated', participantTokenConfigurations: [{ duration: 60 }] }));
        // The emulator's now, whole seconds down, plus the token's 60 minutes.
        return participantTokens![0]!.expirationTime!.getTime() - 60 * 60_000;
      });
      expectBetween(reading, 1000);
    } finally {
      client.destroy();
      await emulator.stop();
    }
  });
});

describe('timed waits end under the shifted clock (the ways libfaketime leaves to .ci/faketime-waits.c)', () => {
  // A wait that never ended would hang the test; these limits only catch that.
  const LIMIT = { timeout: 60_000 };

  test.skipIf(!runs('cc', ['--version']))('pthread_cond_clockwait, sem_clockwait and a futex FUTEX_WAIT_BITSET each time out 50 ms on', () => {
    const program = join(scratchDir('timed-waits'), 'timed-waits');
    execFileSync('cc', ['-O2', '-o', program, fileURLToPath(new URL('./timed-waits.c', import.meta.url))]);
    expect(execFileSync(program, { encoding: 'utf8', ...LIMIT })).toBe('pthread_cond_clockwait: timed out\nsem_clockwait: timed out\nfutex FUTEX_WAIT_BITSET: timed out\n');
  });

  test.skipIf(!runs('python3', ['-c', '']))("a Python lock's acquire(timeout) gives up (CPython waits with sem_clockwait)", () => {
    const script = 'import threading; lock = threading.Lock(); lock.acquire(); print(lock.acquire(timeout=0.05))';
    expect(execFileSync('python3', ['-c', script], { encoding: 'utf8', ...LIMIT })).toBe('False\n');
  });

  test.skipIf(!runs('gst-launch-1.0', ['--version']))('a live GStreamer pipeline plays its frames to the end (its clock waits with futex)', () => {
    const pipeline = 'videotestsrc is-live=true num-buffers=5 ! video/x-raw,framerate=30/1 ! fakesink sync=true';
    expect(spawnSync('gst-launch-1.0', ['-q', ...pipeline.split(' ')], LIMIT)).toMatchObject({ status: 0, signal: null });
  });
});
