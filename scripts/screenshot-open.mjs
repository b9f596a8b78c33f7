// Makes docs/open.png: the page of `ivsrt open` as a viewer sees it, with a camera publishing (Chromium's
// fake camera, on another page) and a simulated participant on the stage. Needs `npm run build` and
// /usr/bin/chromium. Run: node scripts/screenshot-open.mjs [out.png]
import { chromium } from 'playwright-core';
import FLAGS from '../test/helpers/chromium-flags.json' with { type: 'json' };
import { startEmulator } from '../dist/emulator.mjs';

const out = process.argv[2] ?? 'docs/open.png';
const emu = await startEmulator();
const ivs = emu.client();
const { CreateStageCommand, CreateParticipantTokenCommand } = await import('@aws-sdk/client-ivs-realtime');
const { stage } = await ivs.send(new CreateStageCommand({ name: 'demo' }));
const token = async (userId, attributes) => (await ivs.send(new CreateParticipantTokenCommand({ stageArn: stage.arn, userId, attributes }))).participantToken;
const alice = await token('alice', { role: 'host' });
const bob = await token('bob');
const pageUrl = (t) => `${emu.endpoint}/open/#token=${t.token}`;

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: FLAGS });
try {
  const publisher = await browser.newPage();
  await publisher.goto(pageUrl(alice));
  await publisher.click('[data-testid="publish"]');
  await emu.join({ stage: stage.arn, userId: 'sim-carol', publish: true });
  const viewer = await browser.newPage({ viewport: { width: 1100, height: 560 } });
  await viewer.goto(pageUrl(bob));
  // Alice plays, with her stats sampled at least twice (a bitrate needs two samples).
  await viewer.waitForFunction(
    (id) => {
      const tile = document.querySelector(`[data-testid="participant"][data-participant-id="${id}"]`);
      const video = tile?.querySelector('video');
      return video && video.videoWidth > 0 && video.currentTime > 1 && /[1-9]\d* kbps/.test(tile.textContent);
    },
    alice.participantId,
    { timeout: 60_000 },
  );
  await viewer.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await emu.stop();
}
