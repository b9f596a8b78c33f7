// Chromium as the independent client: a page on its own origin publishes the fake camera and microphone
// over WHIP (POST <whip_url>/publish/<participantId>, through the CORS preflight), and another page
// subscribes over the same route the samples use (POST <whip_url>/subscribe/<participantId>); its <video>
// plays the publisher's picture. Debian's chromium, driven by playwright-core (no browser download).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorBed } from '../helpers/bed.js';
import { chromiumMissing, launchChromium } from '../helpers/chromium.js';
import { participantEvents } from '../whip/whip-api.js';

const missing = chromiumMissing('the Chromium subscribe test');

const bed = emulatorBed();

/** The page's code: publish or subscribe with the browser's own RTCPeerConnection and fetch. */
const PAGE = `<!doctype html><title>ivsrt</title><video id="v" autoplay muted playsinline></video>
<script>
async function offerTo(pc, url, token) {
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise((resolve) => {
    if (pc.iceGatheringState === 'complete') return resolve();
    pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
  });
  const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/sdp', Authorization: 'Bearer ' + token }, body: pc.localDescription.sdp });
  if (res.status !== 201) throw new Error('HTTP ' + res.status + ': ' + await res.text());
  const location = res.headers.get('Location');
  await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
  return location;
}
window.publish = async (url, token) => {
  const media = await navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 240 }, audio: true });
  const pc = new RTCPeerConnection();
  for (const track of media.getTracks()) pc.addTransceiver(track, { direction: 'sendonly' });
  window.pc = pc;
  return offerTo(pc, url, token);
};
window.subscribe = async (url, token) => {
  const pc = new RTCPeerConnection();
  pc.addTransceiver('audio', { direction: 'recvonly' });
  pc.addTransceiver('video', { direction: 'recvonly' });
  const stream = new MediaStream();
  pc.ontrack = (e) => { stream.addTrack(e.track); document.getElementById('v').srcObject = stream; };
  window.pc = pc;
  return offerTo(pc, url, token);
};
window.inboundVideo = async () => {
  const stats = await window.pc.getStats();
  for (const s of stats.values()) if (s.type === 'inbound-rtp' && s.kind === 'video') return { framesDecoded: s.framesDecoded || 0, codecId: s.codecId };
  return { framesDecoded: 0 };
};
</script>`;

describe.skipIf(missing !== undefined)('Chromium publishing and subscribing through the emulator', () => {
  let browser: Browser;
  let site: Server;
  let origin: string;
  beforeAll(async () => {
    browser = await launchChromium();
    // The page has an origin of its own, so every request to the emulator is cross-origin (CORS).
    site = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE));
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (site ? site.close(() => resolve()) : resolve()));
  });

  it("a page publishes its camera over WHIP, another subscribes, and its <video> plays the publisher's 320x240 picture", async () => {
    const { stage } = await bed.api('CreateStage', { name: 'chromium' });
    const token = async (capabilities: string[]) => (await bed.api('CreateParticipantToken', { stageArn: stage.arn, capabilities })).participantToken;
    const publisher = await token(['PUBLISH']);
    const viewer = await token(['SUBSCRIBE']);

    const publishing = await browser.newPage();
    await publishing.goto(origin);
    const publishLocation = await publishing.evaluate(([url, t]) => (window as any).publish(url, t), [`${stage.endpoints.whip}/publish/${publisher.participantId}`, publisher.token]);
    expect(publishLocation).toMatch(/\/whip\/session\//);

    const watching = await browser.newPage();
    await watching.goto(origin);
    const location = await watching.evaluate(([url, t]) => (window as any).subscribe(url, t), [`${stage.endpoints.whip}/subscribe/${publisher.participantId}`, viewer.token]);
    expect(location).toMatch(/\/whip\/session\//);
    // Plays: the element has the picture's size and its clock moves; the decoder has decoded frames.
    await watching.waitForFunction(() => {
      const v = document.getElementById('v') as HTMLVideoElement;
      return v.videoWidth > 0 && v.currentTime > 0.5 && !v.paused;
    }, undefined, { timeout: 30_000 });
    const size = await watching.evaluate(() => {
      const v = document.getElementById('v') as HTMLVideoElement;
      return [v.videoWidth, v.videoHeight];
    });
    expect(size).toEqual([320, 240]);
    const inbound = await watching.evaluate(() => (window as any).inboundVideo());
    expect(inbound.framesDecoded).toBeGreaterThan(0);

    // The page ends its subscription itself (a cross-origin DELETE, preflighted).
    const ended = await watching.evaluate(([url, t]) => fetch(url!, { method: 'DELETE', headers: { Authorization: `Bearer ${t}` } }).then((r) => r.status), [location, viewer.token]);
    expect(ended).toBe(200);
    expect(await participantEvents(bed.api, stage.arn, viewer.participantId)).toEqual(['JOINED', 'SUBSCRIBE_STARTED', 'SUBSCRIBE_STOPPED', 'LEFT']);
    await watching.close();
    await publishing.close();
  }, 90_000);
});
