// TRIAL (reverted): the operation GetStageCopy end to end, the real bin against the emulator.
import { describe, expect, it } from 'vitest';
import { emulatorBed } from '../helpers/bed.js';

const { cli } = emulatorBed();

describe('stage get-copy', () => {
  it('shows the stage GetStage shows, by name, and names a missing one', async () => {
    expect((await cli(['stage', 'create', '--name', 'copied'])).code).toBe(0);
    const copy = await cli(['stage', 'get-copy', 'copied', '--json']);
    expect(copy.code).toBe(0);
    expect(copy.json().stage.name).toBe('copied');
    expect(copy.json()).toEqual((await cli(['stage', 'get', 'copied', '--json'])).json());
    const missing = await cli(['stage', 'get-copy', 'arn:aws:ivs:us-east-1:123456789012:stage/AbCdef1G2hij']);
    expect(missing.code).toBe(254);
    expect(missing.stderr).toMatch(/ResourceNotFoundException/);
  });
});
