// kill -9 in the middle of concurrent writes, ten times over one data dir: whatever the emulator
// answered 200 to is there after every restart. Eight writers create stages and retag their own stage
// with a rising sequence number; the emulator is SIGKILLed while they are busy.
import { expect, test } from 'vitest';
import { spawnEmulator } from '../helpers/emulator.js';
import { scratchDir } from '../helpers/scratch.js';
import { allStages, call, tag } from './helpers.js';

const WRITERS = 8;
const KILLS = 10;
/** Acknowledged writes per round before the kill. */
const WRITES_PER_ROUND = 40;

test(`kill -9 during ${WRITERS} concurrent writers, ${KILLS} times: every acknowledged mutation survives each restart`, async () => {
  const dir = scratchDir('kill');
  const created = new Map<string, string>(); // arn -> name, for every acknowledged CreateStage
  const ownStage: string[] = []; // writer -> the stage it retags
  const ackedSeq = new Map<string, number>(); // arn -> highest acknowledged `seq` tag

  const check = async (url: string): Promise<void> => {
    const stages = await allStages(url);
    const lost = [...created].filter(([arn, name]) => stages.get(arn)?.name !== name);
    expect(lost, 'acknowledged CreateStage calls missing after a restart').toEqual([]);
    for (const [arn, seq] of ackedSeq) {
      // an unacknowledged later TagResource may have been stored too, never an older one
      expect(Number(stages.get(arn)?.tags.seq ?? -1), arn).toBeGreaterThanOrEqual(seq);
    }
  };

  for (let round = 0; round < KILLS; round++) {
    const emu = await spawnEmulator(['--data-dir', dir]);
    await check(emu.url);
    if (round === 0) {
      for (let w = 0; w < WRITERS; w++) {
        const reply = await call(emu.url, 'CreateStage', { name: `own-${w}` });
        ownStage.push(reply.body.stage.arn as string);
        created.set(reply.body.stage.arn as string, `own-${w}`);
      }
    }
    let acks = 0;
    let killed = false;
    const writer = async (w: number): Promise<void> => {
      for (let i = 0; !killed; i++) {
        try {
          const name = `r${round}-w${w}-${i}`;
          const reply = await call(emu.url, 'CreateStage', { name });
          if (reply.status === 200) {
            created.set(reply.body.stage.arn as string, name);
            acks++;
          }
          const seq = round * 100_000 + i;
          if ((await tag(emu.url, ownStage[w]!, { seq: String(seq) })).status === 200) {
            ackedSeq.set(ownStage[w]!, seq);
            acks++;
          }
        } catch {
          return; // the connection died with the process
        }
      }
    };
    const writers = Array.from({ length: WRITERS }, (_, w) => writer(w));
    while (acks < WRITES_PER_ROUND) await new Promise((resolve) => setTimeout(resolve, 2));
    emu.process.kill('SIGKILL');
    killed = true;
    await Promise.all(writers);
    await emu.stop();
  }
  const last = await spawnEmulator(['--data-dir', dir]);
  try {
    await check(last.url);
    expect(created.size).toBeGreaterThanOrEqual(WRITERS + KILLS * WRITES_PER_ROUND / 2);
  } finally {
    await last.stop();
  }
}, 120_000);
