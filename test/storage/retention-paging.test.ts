// ListParticipantEvents' nextToken stays right while retention drops a participant's oldest events
// between two pages: paging goes on with the event just older than the last one returned, never
// repeating one and never skipping one that is still kept. Real emulator over HTTP, the real SDK, a data
// dir and a restart in the middle of paging (the token outlives it).
import { ListParticipantEventsCommand, type Event } from '@aws-sdk/client-ivs-realtime';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { admin, emulatorPerTest, ok, type TestEmulator } from '../emulator/helpers.js';
import { scratchDir } from '../helpers/scratch.js';
import { call } from './helpers.js';

const KEPT = 10;
const PAGE = 3;
const emulators = emulatorPerTest({ retention: { eventsPerParticipant: KEPT } });

/** An event as the API shows it, unique here: every event is a second apart, or differs by name. */
const label = (e: Event): string => `${e.eventTime!.toISOString()} ${e.name}`;

test('paging newest first while retention drops the oldest events between pages: none repeated, none kept skipped', async () => {
  const dataDir = join(scratchDir('retention-paging'), 'data');
  let pair: TestEmulator = await emulators.start({ dataDir });
  const stageArn = (await call(pair.emu.url, 'CreateStage', { name: 'paging' })).body.stage.arn as string;
  const sessionId = (await ok(admin(pair.emu.url, 'POST', 'join', { stageArn, participantId: 'host', publish: true }))).sessionId as string;
  let publishing = true;
  /** One more event for the host (PUBLISH_STOPPED or PUBLISH_STARTED), a second after the one before. */
  const oneMoreEvent = async (): Promise<void> => {
    await ok(admin(pair.emu.url, 'POST', 'clock', { advanceSeconds: 1 }));
    await ok(admin(pair.emu.url, 'POST', publishing ? 'unpublish' : 'publish', { stageArn, participantId: 'host' }));
    publishing = !publishing;
  };
  const list = async (nextToken?: string, maxResults = PAGE) =>
    pair.client.send(new ListParticipantEventsCommand({ stageArn, sessionId, participantId: 'host', maxResults, nextToken }));

  // JOINED and PUBLISH_STARTED, then enough to fill the bound and drop a few
  while ((await list(undefined, 100)).events!.length < KEPT) await oneMoreEvent();
  for (let i = 0; i < 3; i++) await oneMoreEvent();
  const before = (await list(undefined, 100)).events!.map(label);
  expect(before).toHaveLength(KEPT);

  const seen: string[] = [];
  let nextToken: string | undefined;
  let pages = 0;
  do {
    const page = await list(nextToken);
    seen.push(...page.events!.map(label));
    nextToken = page.nextToken;
    pages++;
    // between pages, retention drops the oldest event (and, once, the emulator restarts on its data dir)
    await oneMoreEvent();
    if (pages === 2) {
      await emulators.stop(pair);
      pair = await emulators.start({ dataDir });
    }
  } while (nextToken && pages < 20);

  expect(new Set(seen).size, `repeated: ${seen.join(' | ')}`).toBe(seen.length);
  // newest first, from where paging began, with no gap: what it did not reach was dropped before it got there
  expect(seen).toEqual(before.slice(0, seen.length));
  const keptNow = new Set((await list(undefined, 100)).events!.map(label));
  expect(before.slice(seen.length).filter((e) => keptNow.has(e))).toEqual([]);
  // each page dropped one of the oldest, so paging ends short of the first list's oldest events
  expect(seen.length).toBeGreaterThan(PAGE * 2);
  expect(seen.length).toBeLessThan(KEPT);
});
