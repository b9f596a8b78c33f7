// History has bounds (src/emulator/domain/retention.ts), so hours of `ivsrt local simulate` cannot grow memory
// or the data dir without limit: the oldest ended sessions, departed participants and events go first;
// what is live stays. Small limits here; the defaults are documented in the README.
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/assemble.js';
import { admin } from '../emulator/helpers.js';
import { scratchDir } from '../helpers/scratch.js';
import { call } from './helpers.js';

const LIMITS = { endedSessionsPerStage: 3, departedParticipantsPerSession: 4, eventsPerParticipant: 5 };
const running: RunningEmulator[] = [];
afterEach(async () => {
  for (const emu of running.splice(0)) await emu.close();
});

async function start(dataDir: string): Promise<RunningEmulator> {
  const emu = await startEmulator({ dataDir, retention: LIMITS });
  running.push(emu);
  return emu;
}

async function joinAs(url: string, stageArn: string, participantId: string): Promise<string> {
  const reply = await admin(url, 'POST', 'join', { stageArn, participantId, publish: true });
  expect(reply.status, reply.text).toBe(200);
  return reply.body.sessionId as string;
}

test('ended sessions, departed participants and events are kept within their bounds, on disk too', async () => {
  const dir = join(scratchDir('retention'), 'data');
  const emu = await start(dir);
  const stageArn = (await call(emu.url, 'CreateStage', { name: 'busy' })).body.stage.arn as string;

  // six sessions, each: one participant joins and leaves
  const sessions: string[] = [];
  for (let i = 0; i < 6; i++) {
    sessions.push(await joinAs(emu.url, stageArn, `solo-${i}`));
    expect((await admin(emu.url, 'POST', 'leave', { stageArn, participantId: `solo-${i}` })).status).toBe(200);
  }
  // one long session: a host stays while ten guests come and go; the host publishes and stops often
  const live = await joinAs(emu.url, stageArn, 'host');
  for (let i = 0; i < 10; i++) {
    await joinAs(emu.url, stageArn, `guest-${i}`);
    expect((await admin(emu.url, 'POST', 'leave', { stageArn, participantId: `guest-${i}` })).status).toBe(200);
    expect((await admin(emu.url, 'POST', 'unpublish', { stageArn, participantId: 'host' })).status).toBe(200);
    expect((await admin(emu.url, 'POST', 'publish', { stageArn, participantId: 'host' })).status).toBe(200);
  }

  const check = async (url: string): Promise<void> => {
    const listed = (await call(url, 'ListStageSessions', { stageArn })).body.stageSessions as { sessionId: string }[];
    // the active session and the newest ended ones (the store keeps creation order; the API lists it as is)
    expect(listed.map((s) => s.sessionId).sort()).toEqual([...sessions.slice(-LIMITS.endedSessionsPerStage + 1), live].sort());
    const people = (await call(url, 'ListParticipants', { stageArn, sessionId: live, maxResults: 100 })).body.participants as { participantId: string }[];
    expect(people.map((p) => p.participantId).sort()).toEqual(['guest-6', 'guest-7', 'guest-8', 'guest-9', 'host']);
    const events = (await call(url, 'ListParticipantEvents', { stageArn, sessionId: live, participantId: 'host' })).body.events as { name: string }[];
    expect(events.map((e) => e.name)).toEqual(['PUBLISH_STARTED', 'PUBLISH_STOPPED', 'PUBLISH_STARTED', 'PUBLISH_STOPPED', 'PUBLISH_STARTED']);
    // an ended session that was dropped is gone from the API
    expect((await call(url, 'GetStageSession', { stageArn, sessionId: sessions[0] })).status).toBe(404);
  };
  await check(emu.url);
  await emu.close();
  running.splice(0);
  await check((await start(dir)).url);
});
