#!/usr/bin/env python3
"""An independent WebRTC client for the subscribe tests: Debian's aiortc (the stack of AWS's IVS samples).

publish: sends a solid colour (H.264 chosen by the server) and a tone over WHIP to <whip_url>,
         until stdin closes; prints one JSON line {"event": "published"} once connected, with each
         sender's SSRC and the payload types the answer gave. A line "stop-video" on stdin stops the
         video (no more frames; still connected and publishing) and prints {"event": "video-stopped"}.
         Each key frame request (RTCP PLI) the server sends prints {"event": "keyframe-request"} and
         is answered with a key frame (see answer_keyframe_requests); a line
         "stats" prints the RTCP feedback each sender got (PLIs, receiver reports, NACKs).
subscribe: subscribes as the samples do (recvonly audio + video, max-bundle, POST to
           <whip_url>/subscribe/<id>, redirects followed keeping Authorization, candidates copied from
           the audio section), decodes N video frames and prints one JSON line per frame with its size
           and mean colour, then {"event": "done"} with the SSRCs and payload types the answer named
           and those the packets carried. --shift-payload-types N offers every dynamic payload type N
           higher than aiortc's own; --no-pli keeps aiortc from asking for key frames; --hold stays
           connected after the frames and takes commands on stdin: "pli", "fir" (a key frame request)
           and "nack" (the next video packet is dropped before decryption and a NACK asks for it,
           printing {"event": "retransmitted"} when it arrives after all).
"""
import argparse
import asyncio
import json
import os
import re
import sys
import urllib.request
import urllib.error

import numpy
import pylibsrtp
from struct import pack

from aiortc import RTCConfiguration, RTCPeerConnection, RTCRtpReceiver, RTCRtpSender, RTCSessionDescription, VideoStreamTrack
from aiortc.mediastreams import AudioStreamTrack
from aiortc.rtp import RTCP_PSFB_PLI, RTCP_RTPFB_NACK, RtcpPsfbPacket, RtcpRrPacket, RtcpRtpfbPacket
from av import VideoFrame

RTCP_PSFB_FIR = 4  # RFC 5104 §4.3.1


def say(**fields):
    print(json.dumps(fields), flush=True)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def post_offer(url, token, sdp):
    """POSTs the offer, following redirects by hand so that Authorization is kept (as the samples do)."""
    opener = urllib.request.build_opener(_NoRedirect)
    for _ in range(5):
        req = urllib.request.Request(url, data=sdp.encode(), method="POST",
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/sdp"})
        try:
            with opener.open(req, timeout=10) as res:
                return res.status, res.read().decode(), res.headers.get("Location")
        except urllib.error.HTTPError as e:
            if e.code in (301, 302, 303, 307, 308) and e.headers.get("Location"):
                url = urllib.parse.urljoin(url, e.headers["Location"])
                continue
            return e.code, e.read().decode(), None
    raise RuntimeError("too many redirects")


def candidates_everywhere(sdp):
    """The samples' fix for answers whose ICE candidates are only in the audio section."""
    lines = sdp.replace("\r\n", "\n").split("\n")
    found, section = [], None
    for line in lines:
        if line.startswith("m="):
            section = line[2:].split(" ")[0]
        elif section == "audio" and line.startswith("a=candidate:"):
            found.append(line)
    out, section = [], None
    for line in lines:
        if line.startswith("m="):
            section = line[2:].split(" ")[0]
        out.append(line)
        if line.startswith("m=video") and not any(l.startswith("a=candidate:") for l in video_lines(lines)):
            out.extend(found)
    return "\r\n".join(l for l in out if l != "") + "\r\n"


def video_lines(lines):
    inside = False
    for line in lines:
        if line.startswith("m="):
            inside = line.startswith("m=video")
        elif inside:
            yield line


class SolidColour(VideoStreamTrack):
    def __init__(self, width, height, rgb):
        super().__init__()
        self.image = numpy.zeros((height, width, 3), numpy.uint8)
        self.image[:, :] = rgb
        self.running = asyncio.Event()
        self.running.set()

    async def recv(self):
        # A stopped video sends no frame at all (as a camera turned off), the track staying in place.
        await self.running.wait()
        pts, time_base = await self.next_timestamp()
        frame = VideoFrame.from_ndarray(self.image, format="rgb24")
        frame.pts = pts
        frame.time_base = time_base
        return frame


def sdp_sections(sdp):
    """{kind: (first payload type of its m= line, its first a=ssrc)} of an SDP."""
    out = {}
    for section in sdp.replace("\r\n", "\n").split("\nm=")[1:]:
        lines = section.split("\n")
        head = lines[0].split(" ")
        ssrc = next((int(l.split(":")[1].split(" ")[0]) for l in lines if l.startswith("a=ssrc:")), None)
        out[head[0]] = {"pt": int(head[3]), "ssrc": ssrc}
    return out


def count_sender_feedback():
    """Counts the RTCP feedback each sender receives (aiortc's own handling goes on as before)."""
    feedback = {}
    handle = RTCRtpSender._handle_rtcp_packet

    async def counting(self, packet):
        kind = self.kind
        mine = feedback.setdefault(kind, {"ssrc": self._ssrc, "plis": 0, "receiverReports": 0, "nacks": 0})
        if isinstance(packet, RtcpPsfbPacket) and packet.fmt == RTCP_PSFB_PLI:
            mine["plis"] += 1
            say(event="keyframe-request", kind=kind)
        elif isinstance(packet, RtcpRrPacket) and any(r.ssrc == self._ssrc for r in packet.reports):
            mine["receiverReports"] += 1
        elif isinstance(packet, RtcpRtpfbPacket) and packet.fmt == RTCP_RTPFB_NACK:
            mine["nacks"] += 1
        await handle(self, packet)

    RTCRtpSender._handle_rtcp_packet = counting
    return feedback


def answer_keyframe_requests():
    """A key frame when asked for one (RTCP PLI), as a browser sends. Debian 12's aiortc 1.4 sets every
    frame's picture type to NONE before encoding, forced or not, so a request went unanswered until
    libx264's own next key frame, 250 frames (over 8 s) apart: each new subscriber waited that long for a
    frame it could decode. Later aiortc marks the forced frame as I; here a fresh encoder does the same
    (its first frame is a key frame with the SPS and PPS), as aiortc itself does when the size changes."""
    from aiortc.codecs.h264 import H264Encoder

    encode = H264Encoder._encode_frame

    def encode_answering(self, frame, force_keyframe):
        if force_keyframe and self.codec is not None:
            self.codec = None
            self.buffer_data = b""
            self.buffer_pts = None
        return encode(self, frame, force_keyframe)

    H264Encoder._encode_frame = encode_answering


async def publish(args):
    feedback = count_sender_feedback()
    answer_keyframe_requests()
    pc = RTCPeerConnection(RTCConfiguration())
    pc.addTransceiver(AudioStreamTrack(), direction="sendonly")
    rgb = [int(args.colour[i:i + 2], 16) for i in (0, 2, 4)]
    video = SolidColour(args.width, args.height, rgb)
    pc.addTransceiver(video, direction="sendonly")
    connected = asyncio.Event()

    @pc.on("connectionstatechange")
    def changed():
        if pc.connectionState == "connected":
            connected.set()

    await pc.setLocalDescription(await pc.createOffer())
    status, body, location = await asyncio.get_running_loop().run_in_executor(None, post_offer, args.url, args.token, pc.localDescription.sdp)
    if status != 201:
        say(event="refused", status=status, body=body)
        return 1
    await pc.setRemoteDescription(RTCSessionDescription(sdp=candidates_everywhere(body), type="answer"))
    await asyncio.wait_for(connected.wait(), 30)
    answered = sdp_sections(body)
    senders = {s.kind: {"ssrc": s._ssrc, "pt": answered[s.kind]["pt"]} for s in pc.getSenders()}
    say(event="published", location=location, senders=senders)
    while True:
        line = await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        if line == "":
            break
        if line.strip() == "stop-video":
            video.running.clear()
            say(event="video-stopped")
        elif line.strip() == "stats":
            say(event="stats", feedback=feedback)
    await pc.close()
    return 0


def shift_payload_types(sdp, by):
    """The offer with every dynamic payload type (96-127) `by` higher, in m= lines, rtpmap, fmtp, rtcp-fb and apt."""
    def shifted(pt):
        n = int(pt)
        return str(n + by) if 96 <= n <= 127 - by else pt
    out = []
    for line in sdp.split("\r\n"):
        if line.startswith("m="):
            head = line.split(" ")
            line = " ".join(head[:3] + [shifted(p) for p in head[3:]])
        else:
            line = re.sub(r"^(a=(?:rtpmap|fmtp|rtcp-fb):)(\d+)", lambda m: m.group(1) + shifted(m.group(2)), line)
            line = re.sub(r"apt=(\d+)", lambda m: "apt=" + shifted(m.group(1)), line)
        out.append(line)
    return "\r\n".join(out)


def watch_received():
    """What each receiver's packets carry (SSRCs, payload types), and the packets awaited again after a NACK."""
    received = {}
    awaited = set()
    handle = RTCRtpReceiver._handle_rtp_packet

    async def watching(self, packet, arrival_time_ms):
        kind = self._RTCRtpReceiver__kind
        mine = received.setdefault(kind, {"ssrcs": set(), "pts": set(), "last": None, "receiver": self})
        mine["ssrcs"].add(packet.ssrc)
        mine["pts"].add(packet.payload_type)
        key = (packet.ssrc, packet.sequence_number)
        if key in awaited:
            awaited.discard(key)
            say(event="retransmitted", kind=kind, seq=packet.sequence_number)
        mine["last"] = key
        await handle(self, packet, arrival_time_ms)

    RTCRtpReceiver._handle_rtp_packet = watching
    return received, awaited


def losing_one_packet():
    """lose(ssrc) drops the next SRTP packet of that SSRC before it is decrypted (so its retransmission is
    not a replay to SRTP), and resolves with its sequence number (RTP headers are not encrypted)."""
    armed = {}
    unprotect = pylibsrtp.Session.unprotect

    def dropping(self, packet):
        lost = armed.get("future")
        if lost is not None and not is_rtcp_packet(packet) and int.from_bytes(packet[8:12], "big") == armed["ssrc"]:
            armed.clear()
            lost.get_loop().call_soon_threadsafe(lost.set_result, int.from_bytes(packet[2:4], "big"))
            raise pylibsrtp.Error("dropped on purpose")
        return unprotect(self, packet)

    pylibsrtp.Session.unprotect = dropping

    def lose(ssrc):
        armed.update(ssrc=ssrc, future=asyncio.get_running_loop().create_future())
        return armed["future"]

    return lose


def is_rtcp_packet(data):
    return len(data) >= 2 and 192 <= data[1] <= 223


async def feedback_commands(received, awaited, send_pli, lose):
    """Key frame requests and NACKs on command (stdin), from the video receiver, until stdin closes."""
    while True:
        line = (await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)).strip()
        if line == "":
            return
        video = received["video"]
        receiver = video["receiver"]
        ssrc, seq = video["last"]
        if line == "pli":
            await send_pli(receiver, ssrc)
        elif line == "fir":
            fci = pack("!LBxxx", ssrc, 1)
            await receiver._send_rtcp(RtcpPsfbPacket(fmt=RTCP_PSFB_FIR, ssrc=receiver._RTCRtpReceiver__rtcp_ssrc, media_ssrc=0, fci=fci))
        elif line == "nack":
            # A video packet lost on its way in, and asked for again.
            lost = await lose(ssrc)
            awaited.add((ssrc, lost))
            await receiver._send_rtcp_nack(ssrc, [lost])
            say(event="nack-sent", seq=lost)
        say(event="sent", what=line)


async def subscribe(args):
    received, awaited = watch_received()
    lose = losing_one_packet()
    send_pli = RTCRtpReceiver._send_rtcp_pli
    if args.no_pli:
        async def no_pli(self, media_ssrc):
            pass
        RTCRtpReceiver._send_rtcp_pli = no_pli
    config = RTCConfiguration()
    try:  # aiortc 1.5 and later; Debian 12's 1.4 always bundles
        from aiortc import RTCBundlePolicy
        config.bundlePolicy = RTCBundlePolicy.MAX_BUNDLE
    except ImportError:
        pass
    pc = RTCPeerConnection(config)
    pc.addTransceiver("audio", direction="recvonly")
    pc.addTransceiver("video", direction="recvonly")
    done = asyncio.Event()
    audio_frames = [0]

    async def read_video(track):
        for _ in range(args.frames):
            frame = await track.recv()
            image = frame.to_ndarray(format="rgb24")
            mean = image.reshape(-1, 3).mean(axis=0)
            say(event="frame", width=frame.width, height=frame.height, rgb=[round(float(c)) for c in mean])
        done.set()

    async def read_audio(track):
        while True:
            await track.recv()
            audio_frames[0] += 1

    @pc.on("track")
    def on_track(track):
        asyncio.ensure_future(read_video(track) if track.kind == "video" else read_audio(track))

    await pc.setLocalDescription(await pc.createOffer())
    offer = pc.localDescription.sdp
    if args.shift_payload_types:
        offer = shift_payload_types(offer, args.shift_payload_types)
    status, body, location = await asyncio.get_running_loop().run_in_executor(None, post_offer, f"{args.url}/subscribe/{args.participant}", args.token, offer)
    if status != 201:
        say(event="refused", status=status, body=body)
        return 1
    await pc.setRemoteDescription(RTCSessionDescription(sdp=candidates_everywhere(body), type="answer"))
    await asyncio.wait_for(done.wait(), args.timeout)
    carried = {kind: {"ssrcs": sorted(r["ssrcs"]), "pts": sorted(r["pts"])} for kind, r in received.items()}
    say(event="done", audioFrames=audio_frames[0], location=location, answer=sdp_sections(body), received=carried)
    if args.hold:
        await feedback_commands(received, awaited, send_pli, lose)
    await pc.close()
    return 0


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="mode", required=True)
    p = sub.add_parser("publish")
    p.add_argument("--url", required=True)
    p.add_argument("--token", default=os.environ.get("PARTICIPANT_TOKEN"), help="default: $PARTICIPANT_TOKEN (out of ps)")
    p.add_argument("--colour", default="ff0000")
    p.add_argument("--width", type=int, default=320)
    p.add_argument("--height", type=int, default=240)
    s = sub.add_parser("subscribe")
    s.add_argument("--url", required=True)
    s.add_argument("--token", default=os.environ.get("PARTICIPANT_TOKEN"), help="default: $PARTICIPANT_TOKEN (out of ps)")
    s.add_argument("--participant", required=True)
    s.add_argument("--frames", type=int, default=10)
    s.add_argument("--timeout", type=float, default=60)
    s.add_argument("--shift-payload-types", type=int, default=0)
    s.add_argument("--no-pli", action="store_true")
    s.add_argument("--hold", action="store_true")
    args = parser.parse_args()
    if not args.token:
        parser.error("give the participant token in $PARTICIPANT_TOKEN (or --token)")
    sys.exit(asyncio.run(publish(args) if args.mode == "publish" else subscribe(args)))


if __name__ == "__main__":
    main()
