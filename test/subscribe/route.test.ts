// The emulator's subscribe route over the wire, as AWS's aiortc samples use the service's: POST
// <whip_url>/subscribe/<participantId> with a participant token, the answer, the subscriber as a
// participant (ListParticipants, its events), the Location that DELETE ends, the CORS preflight, the
// refusals with the service's error codes, and <whip_url>/publish/<participantId>. The publisher here is a
// simulated one (`ivsrt local join --publish`) and the offer never connects: media is media.test.ts's.
import { describe, expect, it } from 'vitest';
import { emulatorBed } from '../helpers/bed.js';
import { adminHeaders } from '../helpers/emulator.js';
import { BIN, testEnv } from '../helpers/cli.js';
import { hasTmux, Terminal } from '../helpers/terminal.js';
import { participantEvents } from '../whip/whip-api.js';
import { postOffer, recvonlyOffer, subscribersOf } from './clients.js';

const bed = emulatorBed();
const local = (args: string[]) => bed.cli(['local', ...args], { IVSRT_HOME: bed.emu.home });

interface Stage {
  stageArn: string;
  whip: string;
  publisherId: string;
}

/** A stage with a simulated publisher. */
async function stageWithPublisher(name: string): Promise<Stage> {
  const stage = (await bed.cli(['stage', 'create', '--name', name, '--json'])).json().stage;
  const joined = await local(['join', '--stage', name, '--user-id', `${name}-publisher`, '--publish', '--json']);
  expect(joined.code, joined.stderr).toBe(0);
  return { stageArn: stage.arn, whip: stage.endpoints.whip, publisherId: joined.json().participant.participantId };
}

async function token(stage: string, args: string[] = ['--capabilities', 'subscribe']): Promise<{ token: string; participantId: string }> {
  const created = await bed.cli(['token', 'create', stage, ...args, '--json']);
  expect(created.code, created.stderr).toBe(0);
  return created.json().participantToken;
}

describe('POST <whip_url>/subscribe/<participantId>', () => {
  it('answers 201 with a send-only answer naming its SSRCs and the offered codecs, a Location; the subscriber is a participant (published false, WHIP) with JOINED and SUBSCRIBE_STARTED; DELETE ends it (SUBSCRIBE_STOPPED, LEFT)', async () => {
    const { stageArn, whip, publisherId } = await stageWithPublisher('sub-basic');
    const viewer = await token('sub-basic');
    const res = await postOffer(`${whip}/subscribe/${publisherId}`, viewer.token, recvonlyOffer());
    const answer = await res.text();
    expect(res.status, answer).toBe(201);
    expect(res.headers.get('content-type')).toBe('application/sdp');
    const location = res.headers.get('location')!;
    expect(location).toMatch(new RegExp(`^${bed.emu.url}/whip/session/`));
    const sections = answer.split(/\r?\nm=/).slice(1);
    expect(sections.map((s) => s.split(' ')[0])).toEqual(['audio', 'video']);
    for (const s of sections) {
      expect(s).toMatch(/^a=sendonly/m);
      expect(s).toMatch(/^a=ssrc:\d+ cname:/m);
    }
    expect(sections[0]).toMatch(/^a=rtpmap:109 opus\/48000\/2/m);
    // H.264 with packetization mode 1 is the one codec the video section sends.
    expect(sections[1]!.split(/\r?\n/)[0]).toMatch(/^video \d+ UDP\/TLS\/RTP\/SAVPF 102$/);
    expect(sections[1]).toMatch(/^a=rtpmap:102 H264\/90000/m);

    const { participants } = await bed.api('ListParticipants', { stageArn, sessionId: (await bed.api('ListStageSessions', { stageArn })).stageSessions[0].sessionId });
    const me = participants.find((p: { participantId: string }) => p.participantId === viewer.participantId);
    expect(me).toMatchObject({ state: 'CONNECTED', published: false });
    const sessionId = (await bed.api('ListStageSessions', { stageArn })).stageSessions[0].sessionId;
    const { participant } = await bed.api('GetParticipant', { stageArn, sessionId, participantId: viewer.participantId });
    expect(participant.protocol).toBe('WHIP');
    expect(await participantEvents(bed.api, stageArn, viewer.participantId)).toEqual(['JOINED', 'SUBSCRIBE_STARTED']);
    expect((await subscribersOf(bed.emu.url)).filter((s) => s.participantId === viewer.participantId)).toMatchObject([{ publisherId, sessionUrl: location }]);

    const ended = await fetch(location, { method: 'DELETE', headers: { authorization: `Bearer ${viewer.token}` } });
    expect(ended.status).toBe(200);
    expect(await participantEvents(bed.api, stageArn, viewer.participantId)).toEqual(['JOINED', 'SUBSCRIBE_STARTED', 'SUBSCRIBE_STOPPED', 'LEFT']);
    const { events } = await bed.api('ListParticipantEvents', { stageArn, sessionId, participantId: viewer.participantId });
    expect(events.filter((e: { name: string }) => e.name.startsWith('SUBSCRIBE')).map((e: { remoteParticipantId: string }) => e.remoteParticipantId)).toEqual([publisherId, publisherId]);
    expect((await fetch(location, { method: 'DELETE', headers: { authorization: `Bearer ${viewer.token}` } })).status).toBe(404);
  });

  it('the watch shows a subscriber as a participant of the stage (connected, not published) beside its publisher', async () => {
    const { whip, publisherId } = await stageWithPublisher('sub-watch');
    const viewer = await token('sub-watch');
    expect((await postOffer(`${whip}/subscribe/${publisherId}`, viewer.token, recvonlyOffer())).status).toBe(201);
    const watched = await bed.cli(['watch', 'sub-watch', '--json', '--until', 'participant-count>=2']);
    expect(watched.code, watched.stderr).toBe(0);
    const participants = watched.stdout.trim().split('\n').map((l) => JSON.parse(l) as { kind: string; object: Record<string, unknown> }).filter((c) => c.kind === 'participant');
    expect(participants.map((c) => c.object)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ participantId: publisherId, published: true }),
        expect.objectContaining({ participantId: viewer.participantId, published: false, state: 'CONNECTED' }),
      ]),
    );
  });

  it.skipIf(!hasTmux)('the watch screen (tmux) lists the subscriber beside its publisher', async () => {
    const { whip, publisherId } = await stageWithPublisher('sub-watch-screen');
    const viewer = await token('sub-watch-screen');
    expect((await postOffer(`${whip}/subscribe/${publisherId}`, viewer.token, recvonlyOffer())).status).toBe(201);
    const terminal = new Terminal('sub-watch-screen', { columns: 160, rows: 30 });
    try {
      await terminal.start([process.execPath, BIN, 'watch', 'sub-watch-screen', '--endpoint-url', bed.emu.url], testEnv({ TERM: 'xterm' }));
      const screen = await terminal.waitFor(new RegExp(`${viewer.participantId}[^\n]*\n`), 'the subscriber on the screen');
      expect(screen).toMatch(new RegExp(`${viewer.participantId} +CONNECTED +no +WHIP`));
      expect(screen).toMatch(new RegExp(`${publisherId} +CONNECTED +yes`));
      expect(screen).toMatch(/Participants \(2 connected/);
      await terminal.send('q');
    } finally {
      await terminal.close();
    }
  });

  it('answers the CORS preflight of the subscribe and publish routes, so a page can use them', async () => {
    const { whip, publisherId } = await stageWithPublisher('sub-cors');
    for (const path of [`subscribe/${publisherId}`, `publish/${publisherId}`]) {
      const res = await fetch(`${whip}/${path}`, {
        method: 'OPTIONS',
        headers: { origin: 'http://page.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
      });
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.headers.get('access-control-allow-methods')).toContain('POST');
      expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
      expect(res.headers.get('access-control-expose-headers')).toContain('Location');
    }
  });

  it('ends the subscription when its publisher stops publishing: SUBSCRIBE_STOPPED, then LEFT, and its Location is gone', async () => {
    const { stageArn, whip, publisherId } = await stageWithPublisher('sub-publisher-stops');
    const viewer = await token('sub-publisher-stops');
    const res = await postOffer(`${whip}/subscribe/${publisherId}`, viewer.token, recvonlyOffer());
    expect(res.status).toBe(201);
    const unpublished = await local(['unpublish', '--stage', 'sub-publisher-stops', '--participant', publisherId]);
    expect(unpublished.code, unpublished.stderr).toBe(0);
    expect(await participantEvents(bed.api, stageArn, viewer.participantId)).toEqual(['JOINED', 'SUBSCRIBE_STARTED', 'SUBSCRIBE_STOPPED', 'LEFT']);
    expect((await fetch(res.headers.get('location')!, { method: 'DELETE', headers: { authorization: `Bearer ${viewer.token}` } })).status).toBe(404);
  });

  it.each([
    { refusal: 'a token without SUBSCRIBE', args: ['--capabilities', 'publish'], target: 'publisher', status: 403, code: 'INSUFFICIENT_CAPABILITIES', events: ['JOINED', 'SUBSCRIBE_ERROR:INSUFFICIENT_CAPABILITIES', 'LEFT'] },
    { refusal: 'a participant that is not publishing', args: ['--capabilities', 'subscribe'], target: 'nobody', status: 404, code: 'PUBLISHER_NOT_FOUND', events: ['JOINED', 'SUBSCRIBE_ERROR:PUBLISHER_NOT_FOUND', 'LEFT'] },
  ])('refuses $refusal: HTTP $status with {"code": "$code"}, and the participant events say so', async ({ args, target, status, code, events }) => {
    const name = `sub-refuse-${code.toLowerCase().replaceAll('_', '-')}`;
    const { stageArn, whip, publisherId } = await stageWithPublisher(name);
    const viewer = await token(name, args);
    const res = await postOffer(`${whip}/subscribe/${target === 'publisher' ? publisherId : 'AbCdEfGhIjKl'}`, viewer.token, recvonlyOffer());
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toMatchObject({ code });
    expect(await participantEvents(bed.api, stageArn, viewer.participantId)).toEqual(events);
  });

  it('refuses an expired token (403 TOKEN_EXPIRED), a revoked one (403 TOKEN_REVOKED), one for another stage (403) and a forged one (401), with no participant joining', async () => {
    const { stageArn, whip, publisherId } = await stageWithPublisher('sub-tokens');
    const url = `${whip}/subscribe/${publisherId}`;
    const expiring = await token('sub-tokens', ['--capabilities', 'subscribe', '--duration', '1']);
    const revoked = await token('sub-tokens');
    expect((await postOffer(url, revoked.token, recvonlyOffer())).status).toBe(201);
    const disconnected = await bed.cli(['participant', 'disconnect', 'sub-tokens', revoked.participantId, '--yes']);
    expect(disconnected.code, disconnected.stderr).toBe(0);
    const again = await postOffer(url, revoked.token, recvonlyOffer());
    expect(again.status).toBe(403);
    expect(await again.json()).toMatchObject({ code: 'TOKEN_REVOKED' });

    await bed.api('CreateStage', { name: 'sub-tokens-other' });
    const foreign = await token('sub-tokens-other');
    const other = await postOffer(url, foreign.token, recvonlyOffer());
    expect(other.status).toBe(403);
    expect((await other.json()).message).toMatch(/this token is for stage/);

    const [head, payload, signature] = expiring.token.split('.');
    const forged = await postOffer(url, `${head}.${payload}.${signature!.startsWith('A') ? 'B' : 'A'}${signature!.slice(1)}`, recvonlyOffer());
    expect(forged.status).toBe(401);
    expect(forged.headers.get('www-authenticate')).toMatch(/^Bearer/);

    expect((await local(['clock', '--advance', '120'])).code).toBe(0);
    const expired = await postOffer(url, expiring.token, recvonlyOffer());
    expect(expired.status).toBe(403);
    expect(await expired.json()).toMatchObject({ code: 'TOKEN_EXPIRED' });
    expect(await participantEvents(bed.api, stageArn, expiring.participantId)).toEqual([]);
  });

  it("holds the service's 10,000 subscribers a stage: a crowd of 10,000 subscribes, the next subscriber is refused (403 QUOTA_EXCEEDED, SUBSCRIBE_ERROR)", async () => {
    const { stageArn, whip, publisherId } = await stageWithPublisher('sub-ten-thousand');
    // 10,000 simulated participants join and subscribe to the publisher in one commit (local simulate's request).
    const crowd = await fetch(`${bed.emu.url}/_ivsrt/crowd`, {
      method: 'POST',
      headers: adminHeaders(bed.emu.url),
      body: JSON.stringify({ stageArn, join: Array.from({ length: 10_000 }, () => ({})), subscribe: true }),
    });
    expect(crowd.status, await crowd.clone().text()).toBe(200);
    const result = (await crowd.json()) as { joined: unknown[]; refused: string[] };
    expect({ joined: result.joined.length, refused: result.refused }).toEqual({ joined: 10_000, refused: [] });
    const viewer = await token('sub-ten-thousand');
    const res = await postOffer(`${whip}/subscribe/${publisherId}`, viewer.token, recvonlyOffer());
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: 'QUOTA_EXCEEDED', message: expect.stringMatching(/already has 10000 subscribers/) });
    expect(await participantEvents(bed.api, stageArn, viewer.participantId)).toEqual(['JOINED', 'SUBSCRIBE_ERROR:QUOTA_EXCEEDED', 'LEFT']);
  });

  it('refuses a second subscription of one participant to the same publisher (409), and bad requests (415, 400)', async () => {
    const { whip, publisherId } = await stageWithPublisher('sub-twice');
    const viewer = await token('sub-twice');
    const url = `${whip}/subscribe/${publisherId}`;
    expect((await postOffer(url, viewer.token, recvonlyOffer())).status).toBe(201);
    const twice = await postOffer(url, viewer.token, recvonlyOffer());
    expect(twice.status).toBe(409);
    expect(await twice.json()).toMatchObject({ code: 'CONFLICT' });
    const json = await fetch(url, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json', authorization: `Bearer ${viewer.token}` } });
    expect(json.status).toBe(415);
    const vp8Only = recvonlyOffer().replace(/^a=(rtpmap|fmtp):10[23] .*\r\n/gm, '').replace(/ 98 102 103/, ' 98');
    const noCodec = await postOffer(url, (await token('sub-twice')).token, vp8Only.replace(/^m=audio[\s\S]*?(?=^m=video)/m, '').replace('BUNDLE 0 1', 'BUNDLE 1'));
    expect(noCodec.status).toBe(400);
    expect((await noCodec.json()).message).toMatch(/neither H\.264 video/);
  });
});

describe('POST <whip_url>/publish/<participantId>', () => {
  it("publishes as the token's participant, and refuses another participant's id (403)", async () => {
    const stage = (await bed.cli(['stage', 'create', '--name', 'pub-path', '--json'])).json().stage;
    const publisher = await token('pub-path', ['--capabilities', 'publish']);
    const sendonly = recvonlyOffer().replaceAll('a=recvonly', 'a=sendonly');
    const wrong = await postOffer(`${stage.endpoints.whip}/publish/AbCdEfGhIjKl`, publisher.token, sendonly);
    expect(wrong.status).toBe(403);
    expect(await wrong.text()).toMatch(/cannot publish as AbCdEfGhIjKl/);
    const right = await postOffer(`${stage.endpoints.whip}/publish/${publisher.participantId}`, publisher.token, sendonly);
    expect(right.status, await right.clone().text()).toBe(201);
    expect(await right.text()).toMatch(/^a=recvonly/m);
    expect(await participantEvents(bed.api, stage.arn, publisher.participantId)).toEqual(['JOINED']);
  });
});
