// A full disk: the data dir sits on a small tmpfs. Writes go on until the disk is full; each failed write
// is a 500 InternalServerException that says "no space left on the data dir ...", and none of them is
// stored; reads keep working; once space is freed, writes succeed again without a restart; after a
// restart every acknowledged write is there. Needs root (mount); skipped with a message otherwise.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { spawnEmulator } from '../helpers/emulator.js';
import { scratchDir } from '../helpers/scratch.js';
import { allStages, call } from './helpers.js';

const mountPoint = join(scratchDir('full-disk'), 'tmpfs');
mkdirSync(mountPoint);
let mounted = false;
let why = '';
try {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mountPoint], { stdio: ['ignore', 'ignore', 'pipe'] });
  mounted = true;
} catch (error) {
  why = String((error as { stderr?: Buffer }).stderr ?? error).trim();
}
afterAll(() => {
  if (mounted) execFileSync('umount', [mountPoint]);
});
if (!mounted) console.warn(`full-disk test skipped: cannot mount a tmpfs here (${why || 'mount refused'})`);

test.skipIf(!mounted)('a full disk: failed writes are 500s naming the cause and are not stored; reads work; writes recover once space is freed', async () => {
  const dir = join(mountPoint, 'data');
  const emu = await spawnEmulator(['--data-dir', dir]);
  const acknowledged = new Map<string, string>();
  try {
    // Leave the database a little room, then fill it with stages carrying big tags.
    const free = statfsSync(mountPoint);
    writeFileSync(join(mountPoint, 'filler'), Buffer.alloc(Math.max(0, free.bavail * free.bsize - 256 * 1024)));
    const refused: string[] = [];
    const tags = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, 'v'.repeat(200)]));
    for (let i = 0; i < 2_000 && refused.length < 5; i++) {
      const name = `fill-${i}`;
      const reply = await call(emu.url, 'CreateStage', { name, tags });
      if (reply.status === 200) {
        acknowledged.set(reply.body.stage.arn as string, name);
        continue;
      }
      expect(reply.status, reply.text).toBe(500);
      expect(reply.headers.get('x-amzn-errortype')).toMatch(/^InternalServerException/);
      expect(reply.body.message).toMatch(/^no space left on the data dir /);
      expect(reply.body.message).toContain(dir);
      refused.push(name);
      // reads keep working, and show nothing of the refused write
      const stages = await allStages(emu.url);
      expect(stages.size).toBe(acknowledged.size);
      expect([...stages.values()].map((s) => s.name)).not.toContain(name);
    }
    expect(acknowledged.size).toBeGreaterThan(10);
    expect(refused.length).toBe(5);

    rmSync(join(mountPoint, 'filler'));
    const after = await call(emu.url, 'CreateStage', { name: 'after-space-freed', tags });
    expect(after.status, after.text).toBe(200);
    acknowledged.set(after.body.stage.arn as string, 'after-space-freed');
    emu.process.kill('SIGKILL');
  } finally {
    await emu.stop();
  }

  const again = await spawnEmulator(['--data-dir', dir]);
  try {
    const stages = await allStages(again.url);
    expect(new Map([...stages].map(([arn, s]) => [arn, s.name]))).toEqual(acknowledged);
  } finally {
    await again.stop();
  }
});
