// Makes docs/open.png: the page of `ivsrt open` as a viewer sees it, with a camera publishing (Chromium's
// fake camera, on another page), a simulated participant on the stage, a composition's channel output
// playing in its own tile, and the event feed. Needs `npm run build` and
// /usr/bin/chromium. Run: node scripts/screenshot-open.mjs [out.png]
import { chromium } from 'playwright-core';
import FLAGS from '../test/helpers/chromium-flags.json' with { type: 'json' };
import { startEmulator } from '../dist/emulator.mjs';

const out = process.argv[2] ?? 'docs/open.png';
const emu = await startEmulator();
const ivs = emu.client();
const { CreateStageCommand, CreateParticipantTokenCommand, CreateEncoderConfigurationCommand, StartCompositionCommand } = await import('@aws-sdk/client-ivs-realtime');
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
  const { encoderConfiguration } = await ivs.send(new CreateEncoderConfigurationCommand({ name: 'small', video: { width: 640, height: 360, framerate: 15, bitrate: 500_000 } }));
  const channelArn = 'arn:aws:ivs:us-east-1:123456789012:channel/AbCdEfGhIjKl';
  const { composition } = await ivs.send(new StartCompositionCommand({ stageArn: stage.arn, destinations: [{ channel: { channelArn, encoderConfigurationArn: encoderConfiguration.arn } }] }));
  const viewer = await browser.newPage({ viewport: { width: 1280, height: 640 } });
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
  // The composition's output plays too, past its first black frames (the renderer starts before Alice's media reaches it).
  await viewer.waitForFunction(
    (id) => {
      const video = document.querySelector(`[data-testid="composition"][data-composition-id="${id}"] video`);
      if (!video || video.videoWidth === 0 || video.currentTime <= 1) return false;
      const canvas = document.createElement('canvas');
      canvas.width = 32;
      canvas.height = 18;
      const context = canvas.getContext('2d');
      context.drawImage(video, 0, 0, 32, 18);
      const pixels = context.getImageData(0, 0, 32, 18).data;
      let sum = 0;
      for (let i = 0; i < pixels.length; i += 4) sum += pixels[i] + pixels[i + 1] + pixels[i + 2];
      return sum / (pixels.length / 4) / 3 > 20;
    },
    composition.arn.split('/').pop(),
    { timeout: 60_000 },
  );
  await viewer.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await emu.stop();
}
