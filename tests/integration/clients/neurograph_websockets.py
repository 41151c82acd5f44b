#!/usr/bin/python3
# The NeuroGraph seed's Python connection example (`websockets`,
# `async with websockets.connect(...) as ws:`), verbatim apart from the URL
# (host and port of the server under test). Where the seed writes
# "# подключено" the harness checks that connection.established arrives
# first and a heartbeat is answered; it exits non-zero otherwise.
import asyncio
import json
import os
import signal
import sys
import time

PORT = os.environ["NEUROGRAPH_PORT"]
TIMEOUT_S = 15

signal.alarm(TIMEOUT_S + 15)  # hard stop if even wait_for fails


async def exercise(ws):
    first = json.loads(await asyncio.wait_for(ws.recv(), TIMEOUT_S))
    assert first.get("type") == "connection.established", first
    assert first["payload"]["dialect"] == "neurograph", first
    assert first.get("sender_id") == "server", first
    await ws.send(json.dumps({"id": "msg_1", "type": "heartbeat",
                              "payload": {},
                              "timestamp": int(time.time() * 1000)}))
    for _ in range(1000):
        reply = json.loads(await asyncio.wait_for(ws.recv(), TIMEOUT_S))
        if reply.get("request_id") == "msg_1":
            break
    assert reply.get("type") == "heartbeat", reply
    assert isinstance(reply["payload"].get("server_time"), str), reply


async def main():
    # ---- seed code (verbatim apart from the URL) ----
    import websockets

    async with websockets.connect(f'ws://127.0.0.1:{PORT}/ws') as ws:
        # подключено
        await exercise(ws)  # harness
    # ---- end of seed code ----


try:
    asyncio.run(asyncio.wait_for(main(), TIMEOUT_S))
except Exception as e:  # report any failure, assertion or I/O
    print("FAIL:", type(e).__name__, e, file=sys.stderr)
    sys.exit(1)
print("PASS: connection.established first, heartbeat answered")
