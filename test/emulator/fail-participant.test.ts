// A fault knob added through FAULT_KNOBS (docs/architecture.md, "How to add a fault knob"), through the real bin.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/assemble.js';
import { runCli } from '../helpers/cli.js';
import { startTestEmulator } from './helpers.js';

const BUILT = existsSync(new URL('../../dist/cli.cjs', import.meta.url));
let emu: RunningEmulator;
beforeAll(async () => {
  ({ emu } = await startTestEmulator());
});
afterAll(() => emu.close());

test.skipIf(!BUILT)('ivsrt local fail participant drops a participant: it leaves the stage', async () => {
  const options = { endpoint: emu.url, env: { IVSRT_ADMIN_SECRET: emu.adminSecret } };
  expect((await runCli(['stage', 'create', '--name', 'drops'], options)).code).toBe(0);
  const joined = await runCli(['local', 'join', 'drops', '--user-id', 'ana', '--json'], options);
  const participantId = joined.json().participant.participantId as string;
  const failed = await runCli(['local', 'fail', 'participant', 'drops', participantId, '--json'], options);
  expect(failed.code, failed.stderr).toBe(0);
  expect(failed.json()).toMatchObject({ participantId, state: 'DISCONNECTED' });
});
