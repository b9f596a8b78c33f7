# An independent client of the stage event channel, connecting the way AWS's MIT-0 sample does
# (aws-samples/sample-amazon-ivs-aiortc-demos, stages-publish/ivs-stage-publish-events.py): Python's
# websockets, `<events_url>/<topic>` with the token as the subprotocol, a {"type": "PING"} first, then
# STAGE_STATE read as the sample reads it (payload.stageId; participants' id, userId, attributes,
# isPublishing). The URL is the first argument; the token comes on stdin (never on a command line).
# Prints one JSON line: the stage id, the participants of the first STAGE_STATE, and whether a PONG came.
import asyncio
import json
import sys

import websockets


async def main(url: str, token: str) -> None:
    summary = {"protocol": None, "stageId": None, "participants": None, "pong": False}
    async with websockets.connect(url, subprotocols=[token]) as websocket:
        summary["protocol"] = websocket.subprotocol == token
        await websocket.send(json.dumps({"type": "PING"}))
        while summary["participants"] is None or not summary["pong"]:
            message = json.loads(await asyncio.wait_for(websocket.recv(), 20))
            if message.get("type") == "STAGE_STATE" and summary["participants"] is None:
                payload = message.get("payload", {})
                summary["stageId"] = payload.get("stageId", "unknown")
                summary["participants"] = [
                    {
                        "id": p.get("id", ""),
                        "userId": p.get("userId", ""),
                        "attributes": p.get("attributes", {}),
                        "isPublishing": p.get("isPublishing", False),
                    }
                    for p in payload.get("participants", [])
                ]
            elif message.get("type") == "PONG":
                summary["pong"] = True
    print(json.dumps(summary))


asyncio.run(main(sys.argv[1], sys.stdin.readline().strip()))
