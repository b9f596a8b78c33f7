// `ivsrt subscribe --out` from a publisher that sends no media (one that `local join --publish` made: it
// publishes by the stage's record, with nothing on the wire): ffmpeg writes nothing, so no empty file is left
// looking like a recording, a file that was there before is left as it was, and the summary names none.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findFfmpeg } from '../../src/publish/ffmpeg.js';
import { finishOutput, partialPathOf } from '../../src/subscribe/ffmpeg.js';
import { emulatorBed } from '../helpers/bed.js';
import { scratchDir } from '../helpers/scratch.js';

const noFfmpeg = findFfmpeg() === undefined;
if (noFfmpeg) console.warn('skipping ivsrt subscribe --out without media: ffmpeg not installed (apt-get install ffmpeg)');

describe('finishOutput', () => {
  it('puts a partial file with media in place, removes an empty one (leaving what was there), and says false for one never made', () => {
    const dir = scratchDir('finish-output');
    const out = join(dir, 'out.mkv');
    const partial = partialPathOf(out);
    expect(partial).toBe(join(dir, '.out.ivsrt-partial.mkv'));
    writeFileSync(partial, 'media');
    expect(finishOutput(partial, out)).toBe(true);
    expect([readFileSync(out, 'utf8'), existsSync(partial)]).toEqual(['media', false]);
    writeFileSync(partial, '');
    expect(finishOutput(partial, out)).toBe(false);
    expect([readFileSync(out, 'utf8'), existsSync(partial)]).toEqual(['media', false]);
    expect(finishOutput(partial, out)).toBe(false);
  });
});

describe.skipIf(noFfmpeg)('ivsrt subscribe --out from a publisher with no media', () => {
  const bed = emulatorBed();

  it('leaves no empty file and a file that was there as it was, names none in the summary, and says why on stderr', async () => {
    await bed.cli(['stage', 'create', '--name', 'sub-no-media']);
    const joined = await bed.cli(['local', 'join', '--stage', 'sub-no-media', '--user-id', 'silent', '--publish', '--json'], { IVSRT_HOME: bed.emu.home });
    expect(joined.code, joined.stderr).toBe(0);
    const dir = scratchDir('sub-no-media');
    const [fresh, kept] = [join(dir, 'nothing.mkv'), join(dir, 'kept.mp4')];
    writeFileSync(kept, 'an earlier recording');
    for (const out of [fresh, kept]) {
      const run = await bed.cli(['subscribe', 'sub-no-media', 'silent', '--out', out, '--duration', '2', '--json']);
      expect(run.code, run.stderr).toBe(0);
      const summary = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line.type === 'summary');
      expect(summary).toMatchObject({ endedBy: 'duration', packetsReceived: 0 });
      expect(summary).not.toHaveProperty('out');
      expect(run.stderr).toContain(`ivsrt subscribe: no media arrived, so ${out} was not written`);
    }
    expect(readdirSync(dir)).toEqual(['kept.mp4']);
    expect(readFileSync(kept, 'utf8')).toBe('an earlier recording');
  });
});
