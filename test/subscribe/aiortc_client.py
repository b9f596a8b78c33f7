#!/usr/bin/env python3
"""An independent WebRTC client for the subscribe tests: Debian's aiortc (the stack of AWS's IVS samples).

publish: sends a solid colour (H.264 chosen by the server) and a tone over WHIP to <whip_url>,
         until stdin closes; prints one JSON line {"event": "published"} once connected. A line
         "stop-video" on stdin stops the video (no more frames; still connected and publishing) and
         prints {"event": "video-stopped"}.
subscribe: subscribes as the samples do (recvonly audio + video, max-bundle, POST to
           <whip_url>/subscribe/<id>, redirects followed keeping Authorization, candidates copied from
           the audio section), decodes N video frames and prints one JSON line per frame with its size
           and mean colour, then {"event": "done"}.
"""
import argparse
import asyncio
import json
import os
import sys
import urllib.request
import urllib.error

import numpy
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription, VideoStreamTrack
from aiortc.mediastreams import AudioStreamTrack
from av import VideoFrame


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


async def publish(args):
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
    say(event="published", location=location)
    while True:
        line = await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        if line == "":
            break
        if line.strip() == "stop-video":
            video.running.clear()
            say(event="video-stopped")
    await pc.close()
    return 0


async def subscribe(args):
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
    status, body, location = await asyncio.get_running_loop().run_in_executor(None, post_offer, f"{args.url}/subscribe/{args.participant}", args.token, pc.localDescription.sdp)
    if status != 201:
        say(event="refused", status=status, body=body)
        return 1
    await pc.setRemoteDescription(RTCSessionDescription(sdp=candidates_everywhere(body), type="answer"))
    await asyncio.wait_for(done.wait(), args.timeout)
    say(event="done", audioFrames=audio_frames[0], location=location)
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
    args = parser.parse_args()
    if not args.token:
        parser.error("give the participant token in $PARTICIPANT_TOKEN (or --token)")
    sys.exit(asyncio.run(publish(args) if args.mode == "publish" else subscribe(args)))


if __name__ == "__main__":
    main()
