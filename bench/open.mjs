// `ivsrt open` benchmark: how long the page takes to load from a warm emulator (navigation until the page
// has shown its first roster and its event channel is live, i.e. its script ran, the participants route
// answered and the WebSocket at <events_url>/<topic> opened), and how long from
// pressing Publish on page A until page B shows A's video (its <video> has a frame size). Chromium (Debian's,
// fake camera) against a spawned emulator on loopback; targets from issue 21: 1 s and 2 s.
//
//   npm run build && node bench/open.mjs [--loads 10] [--publishes 5]
import { chromium } from 'playwright-core';
import FLAGS from '../test/helpers/chromium-flags.json' with { type: 'json' };
import { benchEmulator, numberArg } from './spawn-emulator.mjs';

const LOADS = numberArg('loads', 10);
const PUBLISHES = numberArg('publishes', 5);
const { emulator, cli } = await benchEmulator('open');
await cli('stage', 'create', '--name', 'bench-open');
const open = async (userId) => JSON.parse(await cli('open', 'bench-open', '--user-id', userId, '--no-browser', '--json'));

const stats = (ms) => {
  const sorted = [...ms].sort((a, b) => a - b);
  return { median: Math.round(sorted[Math.floor(sorted.length / 2)]), min: Math.round(sorted[0]), max: Math.round(sorted.at(-1)) };
};
const rostered = () => /your token may/.test(document.getElementById('whoami')?.textContent ?? '') && document.getElementById('feed-status')?.textContent === 'live';

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: FLAGS });
try {
  const viewer = await open('viewer');
  // Warm: the emulator has served the page once, and the browser has started a renderer.
  const warm = await browser.newPage();
  await warm.goto(viewer.url);
  await warm.waitForFunction(rostered);
  await warm.close();
  const loads = [];
  for (let i = 0; i < LOADS; i++) {
    const page = await browser.newPage();
    const started = performance.now();
    await page.goto(viewer.url);
    await page.waitForFunction(rostered, undefined, { polling: 10 });
    loads.push(performance.now() - started);
    await page.close();
  }

  const publisher = await open('publisher');
  const pageA = await browser.newPage();
  const pageB = await browser.newPage();
  await pageA.goto(publisher.url);
  await pageB.goto(viewer.url);
  await pageA.waitForFunction(rostered);
  await pageB.waitForFunction(rostered);
  const tile = `[data-testid="participant"][data-participant-id="${publisher.participantId}"]`;
  const firstVideo = [];
  for (let i = 0; i < PUBLISHES; i++) {
    const started = performance.now();
    await pageA.click('[data-testid="publish"]');
    await pageB.waitForFunction((s) => (document.querySelector(`${s} video`)?.videoWidth ?? 0) > 0, tile, { polling: 10, timeout: 30_000 });
    firstVideo.push(performance.now() - started);
    await pageA.click('[data-testid="stop"]');
    await pageB.waitForFunction((s) => document.querySelector(s) === null, tile, { timeout: 30_000 });
  }
  console.log(JSON.stringify({ pageLoadMs: { ...stats(loads), runs: LOADS, target: 1000 }, firstVideoAfterPublishMs: { ...stats(firstVideo), runs: PUBLISHES, target: 2000 } }, null, 2));
} finally {
  await browser.close();
  emulator.kill('SIGTERM');
}
