"""fastapi_server.py: the Python baseline for docs/benchmarks.md.

FastAPI + uvicorn (Debian's python3-fastapi, python3-uvicorn; the
websocket implementation is python3-websockets) answering the nexus-dialect
heartbeat with the same reply shape as Nexus (json.loads the request,
json.dumps the reply). Run with /usr/bin/python3 (PITFALLS: the python3 on
PATH lacks Debian's packages):

    /usr/bin/python3 bench/baselines/fastapi_server.py [--port 0]

Prints `listening port=P` once the socket is bound.
"""

import argparse
import datetime
import json
import socket
import sys
import time

import uvicorn
from fastapi import FastAPI, WebSocket, WebSocketDisconnect

app = FastAPI()
METADATA = {"protocol_version": "2.0.0", "server_version": "0.1.0"}


def answer(text):
    """The nexus-dialect reply to one inbound text frame."""
    now = time.time()
    secs = int(now)
    try:
        req = json.loads(text)
    except ValueError:
        req = None
    if not isinstance(req, dict) or req.get("type") != "heartbeat":
        reply = {"type": "error", "request_id": None, "success": False,
                 "metadata": METADATA,
                 "error": {"code": "INVALID_JSON", "type": "PROTOCOL_ERROR",
                           "message": "expected a heartbeat"},
                 "timestamp": secs}
    else:
        stamp = datetime.datetime.fromtimestamp(now, datetime.timezone.utc)
        reply = {"type": "heartbeat",
                 "request_id": req.get("request_id", req.get("id")),
                 "success": True, "metadata": METADATA,
                 "payload": {"timestamp": secs,
                             "server_time": stamp.isoformat(
                                 timespec="milliseconds").replace(
                                     "+00:00", "Z")},
                 "timestamp": secs}
    return json.dumps(reply, separators=(",", ":"))


@app.websocket("/ws")
async def ws_endpoint(websocket: WebSocket):
    offered = websocket.headers.get("sec-websocket-protocol", "")
    protocol = "nexus-json" if "nexus-json" in offered else None
    await websocket.accept(subprotocol=protocol)
    try:
        while True:
            await websocket.send_text(answer(await websocket.receive_text()))
    except WebSocketDisconnect:
        pass


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.bind, args.port))
    print(f"listening port={sock.getsockname()[1]}", flush=True)
    config = uvicorn.Config(app, ws="websockets", lifespan="off",
                            log_level="warning", access_log=False,
                            backlog=4096)
    uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    sys.exit(main())
