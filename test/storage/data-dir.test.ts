// The data dir's everyday life: reset empties the stored state too; a second emulator on a busy dir is
// refused with the holder's pid; the signing key persists (0600), so tokens outlive a restart.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { startEmulator } from '../../src/emulator/assemble.js';
import { DataDirError } from '../../src/emulator/state/storage/errors.js';
import { admin } from '../emulator/helpers.js';
import { scratchDir } from '../helpers/scratch.js';
import { allStages, call } from './helpers.js';

test('reset empties the stored state too', async () => {
  const dir = join(scratchDir('data-dir'), 'data');
  const one = await startEmulator({ dataDir: dir });
  await call(one.url, 'CreateStage', { name: 'gone' });
  expect((await admin(one.url, 'POST', 'reset', {})).status).toBe(200);
  await call(one.url, 'CreateStage', { name: 'kept' });
  await one.close();
  const two = await startEmulator({ dataDir: dir });
  expect([...(await allStages(two.url)).values()].map((s) => s.name)).toEqual(['kept']);
  await two.close();
});

test('a busy data dir is refused with the holder named; the signing key persists, so tokens outlive a restart', async () => {
  const dir = join(scratchDir('data-dir'), 'data');
  const one = await startEmulator({ dataDir: dir });
  const stageArn = (await call(one.url, 'CreateStage', { name: 'tokens' })).body.stage.arn as string;
  const token = (await call(one.url, 'CreateParticipantToken', { stageArn })).body.participantToken.token as string;
  const refusal = await startEmulator({ dataDir: dir }).catch((error: unknown) => error);
  expect(refusal).toBeInstanceOf(DataDirError);
  expect((refusal as DataDirError).message).toBe(`data dir ${dir} is in use by another emulator (pid ${process.pid})`);
  await one.close();
  expect(statSync(join(dir, 'signing-key.pem')).mode & 0o777).toBe(0o600);
  const two = await startEmulator({ dataDir: dir });
  try {
    const joined = await admin(two.url, 'POST', 'join', { token });
    expect(joined.status, joined.text).toBe(200);
  } finally {
    await two.close();
  }
});
