// The WebRTC client end that `ivsrt publish` and `ivsrt subscribe` share (src/media/webrtc-client.ts):
// offers leave this side's candidates out, a real node-datachannel peer's offer has none once gathered,
// and the DELETE that ends a session carries the token and shrugs off an endpoint that is gone.
// The whole exchange against the emulator is test/whip/publish.test.ts's and test/subscribe/cli.test.ts's.
import { afterEach, describe, expect, it } from 'vitest';
import { deleteSession, openPeer, withoutCandidates, type ClientPeer } from '../../src/media/webrtc-client.js';
import { fakeEndpoint, type FakeEndpoint } from '../helpers/fake-endpoint.js';

const opened: (ClientPeer | FakeEndpoint)[] = [];
afterEach(async () => {
  for (const thing of opened.splice(0)) await thing.close();
});

describe('withoutCandidates', () => {
  it('drops the candidate and end-of-candidates lines, CRLF or LF, and keeps every other line', () => {
    const sdp = ['v=0', 'm=audio 9 UDP/TLS/RTP/SAVPF 111', 'a=mid:0', 'a=candidate:1 1 UDP 2122317823 192.168.1.2 50000 typ host', 'a=end-of-candidates', 'a=rtpmap:111 opus/48000/2', ''];
    expect(withoutCandidates(sdp.join('\r\n'))).toBe(['v=0', 'm=audio 9 UDP/TLS/RTP/SAVPF 111', 'a=mid:0', 'a=rtpmap:111 opus/48000/2', ''].join('\r\n'));
    expect(withoutCandidates(sdp.join('\n'))).toBe(['v=0', 'm=audio 9 UDP/TLS/RTP/SAVPF 111', 'a=mid:0', 'a=rtpmap:111 opus/48000/2', ''].join('\n'));
  });
});

describe('openPeer', () => {
  it('offers its tracks once gathering is done, with no candidates, and starts in state new', async () => {
    const peer = await openPeer('ivsrt-test');
    opened.push(peer);
    const video = new peer.ndc.Video('0', 'SendOnly');
    video.addH264Codec(96);
    peer.pc.addTrack(video);
    expect(peer.state()).toBe('new');
    const offer = await peer.offer();
    expect(offer).toMatch(/^m=video \d+ UDP\/TLS\/RTP\/SAVPF 96/m);
    expect(offer).toMatch(/^a=sendonly/m);
    expect(offer).not.toMatch(/^a=candidate:/m);
    expect(peer.pc.localDescription()!.sdp).toMatch(/^a=candidate:/m);
  });
});

describe('deleteSession', () => {
  it('sends DELETE to the resource with the token as Bearer', async () => {
    const endpoint = await fakeEndpoint((_req, res) => res.writeHead(200).end());
    opened.push(endpoint);
    await deleteSession(`${endpoint.url}/whip/session/abc`, 'the-token');
    expect(endpoint.requests).toMatchObject([{ method: 'DELETE', url: '/whip/session/abc', headers: { authorization: 'Bearer the-token' } }]);
  });

  it('resolves when nothing answers any more (the session, or the server, is gone)', async () => {
    const endpoint = await fakeEndpoint((_req, res) => res.writeHead(200).end());
    const gone = endpoint.url;
    await endpoint.close();
    await expect(deleteSession(`${gone}/whip/session/abc`, 'the-token')).resolves.toBeUndefined();
  });
});
