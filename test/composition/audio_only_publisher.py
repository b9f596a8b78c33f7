# An independent WHIP publisher (Debian's python3-aiortc) that sends audio and no video: a participant
# whose video is stopped, for omitStoppedVideo. Usage: audio_only_publisher.py WHIP_URL TOKEN
# Prints "published <session URL>" once the answer is in; ends the session (DELETE) when stdin closes.
import asyncio
import sys
import urllib.request

from aiortc import RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import AudioStreamTrack


def request(method, url, token, body=None):
    req = urllib.request.Request(url, data=body, method=method, headers={"Authorization": f"Bearer {token}", "Content-Type": "application/sdp"})
    with urllib.request.urlopen(req) as res:
        return res.read().decode(), res.headers.get("Location")


async def main(url, token):
    pc = RTCPeerConnection()
    pc.addTransceiver(AudioStreamTrack(), direction="sendonly")
    await pc.setLocalDescription(await pc.createOffer())
    answer, location = await asyncio.get_running_loop().run_in_executor(None, request, "POST", url, token, pc.localDescription.sdp.encode())
    await pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
    print(f"published {location}", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await asyncio.get_running_loop().run_in_executor(None, request, "DELETE", location, token)
    await pc.close()


asyncio.run(main(sys.argv[1], sys.argv[2]))
