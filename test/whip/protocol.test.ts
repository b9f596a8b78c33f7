// The WHIP endpoint's HTTP side as RFC 9725 gives it, over the wire to the spawned emulator: OPTIONS,
// authentication, content type, SDP, methods, unknown sessions; and a codec the stage does not take.
import { describe, expect, it } from 'vitest';
import { emulatorBed } from '../helpers/bed.js';
import { participantEvents } from './whip-api.js';

const bed = emulatorBed();

function offer(videoCodec: string): string {
  return [
    'v=0',
    'o=- 1 1 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    'a=group:BUNDLE 0',
    `m=video 9 UDP/TLS/RTP/SAVPF 96`,
    'c=IN IP4 0.0.0.0',
    'a=mid:0',
    'a=sendonly',
    'a=rtcp-mux',
    `a=rtpmap:96 ${videoCodec}/90000`,
    'a=ice-ufrag:abcd',
    'a=ice-pwd:abcdefghijklmnopqrstuvwx',
    'a=fingerprint:sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF',
    'a=setup:actpass',
    '',
  ].join('\r\n');
}

async function stage(name: string, tokenArgs: string[] = []): Promise<{ stageArn: string; whip: string; token: string; participantId: string }> {
  const created = (await bed.cli(['stage', 'create', '--name', name, '--json'])).json().stage;
  const { token, participantId } = (await bed.cli(['token', 'create', name, ...tokenArgs, '--json'])).json().participantToken;
  return { stageArn: created.arn, whip: created.endpoints.whip, token, participantId };
}

const post = (url: string, body: string, headers: Record<string, string>) => fetch(url, { method: 'POST', body, headers });

describe('the WHIP endpoint (RFC 9725)', () => {
  it("a stage's endpoints.whip and its tokens' whip_url name the emulator's endpoint", async () => {
    const { whip, token } = await stage('whip-url');
    expect(whip).toMatch(new RegExp(`^${bed.emu.url}/whip/[0-9a-f]{12}$`));
    const decoded = (await bed.cli(['token', 'decode', token, '--json'])).json();
    expect(JSON.stringify(decoded)).toContain(whip);
  });

  it('OPTIONS answers 204 with the allowed methods and Accept-Post: application/sdp', async () => {
    const { whip } = await stage('whip-options');
    const res = await fetch(whip, { method: 'OPTIONS' });
    expect(res.status).toBe(204);
    expect(res.headers.get('allow')).toBe('OPTIONS, POST');
    expect(res.headers.get('accept-post')).toBe('application/sdp');
  });

  it('refuses a POST without a Bearer token (401 + WWW-Authenticate), with a bad token (401), of the wrong type (415), or not SDP (400)', async () => {
    const { whip, token } = await stage('whip-refusals');
    const missing = await post(whip, offer('H264'), { 'content-type': 'application/sdp' });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const [head, payload, signature] = token.split('.');
    const forged = `${head}.${payload}.${signature!.startsWith('A') ? 'B' : 'A'}${signature!.slice(1)}`;
    expect((await post(whip, offer('H264'), { 'content-type': 'application/sdp', authorization: `Bearer ${forged}` })).status).toBe(401);
    expect((await post(whip, offer('H264'), { 'content-type': 'application/json', authorization: `Bearer ${token}` })).status).toBe(415);
    const notSdp = await post(whip, 'hello', { 'content-type': 'application/sdp', authorization: `Bearer ${token}` });
    expect(notSdp.status).toBe(400);
    expect(await notSdp.text()).toMatch(/not an SDP offer/);
  });

  it('answers other methods with 405 and Allow, and an unknown session with 404', async () => {
    const { whip, token } = await stage('whip-methods');
    const get = await fetch(whip);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('OPTIONS, POST');
    const gone = await fetch(`${bed.emu.url}/whip/session/nope`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
    expect(gone.status).toBe(404);
  });

  it('the publish and subscribe routes take offers alike: preflight, POST only (405 naming the endpoint), and an offer with no audio or video section refused (400) before anyone joins', async () => {
    const { stageArn, whip, token, participantId } = await stage('whip-offer-routes');
    const dataOnly = offer('H264').replace('m=video 9 UDP/TLS/RTP/SAVPF 96', 'm=application 9 UDP/DTLS/SCTP webrtc-datachannel');
    for (const [url, endpoint] of [[whip, 'WHIP'], [`${whip}/publish/${participantId}`, 'WHIP'], [`${whip}/subscribe/someone`, 'subscribe']] as const) {
      const preflight = await fetch(url, { method: 'OPTIONS' });
      expect([preflight.status, preflight.headers.get('allow'), preflight.headers.get('accept-post')], url).toEqual([204, 'OPTIONS, POST', 'application/sdp']);
      const put = await fetch(url, { method: 'PUT', body: offer('H264'), headers: { 'content-type': 'application/sdp', authorization: `Bearer ${token}` } });
      expect([put.status, put.headers.get('allow')], url).toEqual([405, 'OPTIONS, POST']);
      expect(await put.text()).toContain(`the ${endpoint} endpoint takes POST, not PUT`);
      const refused = await post(url, dataOnly, { 'content-type': 'application/sdp', authorization: `Bearer ${token}` });
      expect(refused.status, url).toBe(400);
      expect(await refused.text()).toContain('the offer has no audio or video section');
    }
    expect(await participantEvents(bed.api, stageArn, participantId)).toEqual([]);
  });

  it('a token for another stage is refused at this stage\'s endpoint (403)', async () => {
    const a = await stage('whip-stage-a');
    const b = await stage('whip-stage-b');
    const res = await post(a.whip, offer('H264'), { 'content-type': 'application/sdp', authorization: `Bearer ${b.token}` });
    expect(res.status).toBe(403);
  });

  it('a video codec other than H.264 is refused (400) with PUBLISH_ERROR INVALID_VIDEO_CODEC', async () => {
    const { stageArn, whip, token, participantId } = await stage('whip-vp8');
    const res = await post(whip, offer('VP8'), { 'content-type': 'application/sdp', authorization: `Bearer ${token}` });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/H264 video only/);
    expect(await participantEvents(bed.api, stageArn, participantId)).toEqual(['JOINED', 'PUBLISH_ERROR:INVALID_VIDEO_CODEC', 'LEFT']);
  });
});
