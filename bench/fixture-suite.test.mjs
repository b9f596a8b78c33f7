// The suite bench/fixture.mjs times: 200 tests, each on a fresh reset() of one emulator, as a user's
// vitest suite would be written (run by `vitest run --root bench`, not part of the project's tests).
import { CreateParticipantTokenCommand, CreateStageCommand, ListParticipantsCommand } from '@aws-sdk/client-ivs-realtime';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { startEmulator } from '../dist/emulator.mjs';

const TESTS = Number(process.env.FIXTURE_SUITE_TESTS ?? 200);
let emu;
let ivs;

beforeAll(async () => {
  emu = await startEmulator({ clock: { frozen: true } });
  ivs = emu.client();
});
afterAll(() => emu.stop());
beforeEach(() => emu.reset());

for (let i = 0; i < TESTS; i++) {
  test(`a publisher is listed (${i})`, async () => {
    const { stage } = await ivs.send(new CreateStageCommand({ name: `stage-${i}` }));
    const { participantToken } = await ivs.send(new CreateParticipantTokenCommand({ stageArn: stage.arn }));
    const joined = await emu.join(participantToken.token, { publish: true });
    const { participants } = await ivs.send(new ListParticipantsCommand({ stageArn: stage.arn, sessionId: joined.sessionId }));
    expect(participants.map((p) => [p.participantId, p.published])).toEqual([[joined.participantId, true]]);
  });
}
