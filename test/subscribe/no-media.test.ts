// `ivsrt subscribe --out` from a publisher that sends no media (one that `local join --publish` made: it
// publishes by the stage's record, with nothing on the wire): ffmpeg writes nothing, so no empty file is left
// looking like a recording, and the summary does not name one.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findFfmpeg } from '../../src/publish/ffmpeg.js';
import { keepIfWritten } from '../../src/subscribe/ffmpeg.js';
import { emulatorBed } from '../helpers/bed.js';
import { scratchDir } from '../helpers/scratch.js';

const noFfmpeg = findFfmpeg() === undefined;
if (noFfmpeg) console.warn('skipping ivsrt subscribe --out without media: ffmpeg not installed (apt-get install ffmpeg)');

describe('keepIfWritten', () => {
  it('keeps a file with media in it, removes an empty one, and says false for one never made', () => {
    const dir = scratchDir('keep-if-written');
    const [full, empty] = [join(dir, 'full.mkv'), join(dir, 'empty.mkv')];
    writeFileSync(full, 'x');
    writeFileSync(empty, '');
    expect([keepIfWritten(full), existsSync(full)]).toEqual([true, true]);
    expect([keepIfWritten(empty), existsSync(empty)]).toEqual([false, false]);
    expect(keepIfWritten(join(dir, 'never.mkv'))).toBe(false);
  });
});

describe.skipIf(noFfmpeg)('ivsrt subscribe --out from a publisher with no media', () => {
  const bed = emulatorBed();

  it('leaves no empty file, names none in the summary, and says why on stderr', async () => {
    await bed.cli(['stage', 'create', '--name', 'sub-no-media']);
    const joined = await bed.cli(['local', 'join', '--stage', 'sub-no-media', '--user-id', 'silent', '--publish', '--json'], { IVSRT_HOME: bed.emu.home });
    expect(joined.code, joined.stderr).toBe(0);
    const out = join(scratchDir('sub-no-media'), 'nothing.mkv');
    const run = await bed.cli(['subscribe', 'sub-no-media', 'silent', '--out', out, '--duration', '2', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const summary = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line.type === 'summary');
    expect(summary).toMatchObject({ endedBy: 'duration', packetsReceived: 0 });
    expect(summary).not.toHaveProperty('out');
    expect(existsSync(out)).toBe(false);
    expect(run.stderr).toContain(`ivsrt subscribe: no media arrived, so ${out} holds none and was removed`);
  });
});
