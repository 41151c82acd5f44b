#!/usr/bin/python3
# The Nexus seed's Python example (websocket-client `WebSocketApp` with the
# `nexus-json` subprotocol and `run_forever()`), verbatim apart from the URL
# (host and port of the server under test). The seed leaves
# `handle_message` to the reader; the harness defines it to check what
# arrives, then exits non-zero unless connection.established came first and
# a heartbeat was answered.
import os
import signal
import sys
import time
import uuid

PORT = os.environ["NEXUS_PORT"]
TOKEN = os.environ.get("NEXUS_TEST_TOKEN", "<jwt_token>")
TIMEOUT_S = 15
HEARTBEAT_ID = str(uuid.uuid4())
state = {"stage": "established", "error": None, "received": []}

signal.alarm(TIMEOUT_S + 15)  # hard stop if even the timer below fails


def harness_fail(why):
    if state["error"] is None:
        state["error"] = why
    ws.close()


def handle_message(data):
    state["received"].append(data)
    stage = state["stage"]
    if len(state["received"]) > 1000:
        return harness_fail("too many messages")
    if stage == "established":
        if data.get("type") != "connection.established":
            return harness_fail("first message is not connection.established")
        if data.get("payload", {}).get("dialect") != "nexus":
            return harness_fail("dialect is not nexus")
        if ws.sock.getsubprotocol() != "nexus-json":
            return harness_fail("subprotocol not echoed")
        state["stage"] = "heartbeat"
        ws.send(json.dumps({"type": "heartbeat", "request_id": HEARTBEAT_ID,
                            "timestamp": int(time.time())}))
    elif stage == "heartbeat" and data.get("request_id") == HEARTBEAT_ID:
        if data.get("type") != "heartbeat" or data.get("success") is not True:
            return harness_fail("bad heartbeat reply")
        if not isinstance(data.get("payload", {}).get("server_time"), str):
            return harness_fail("heartbeat reply without server_time")
        state["stage"] = "done"
        ws.close()


def on_timeout():
    harness_fail("timed out in stage " + state["stage"])


# ---- seed code (verbatim apart from the URL) ----
import websocket
import json
import threading

def on_message(ws, message):
    data = json.loads(message)
    handle_message(data)

def on_error(ws, error):
    print(f"Error: {error}")

def on_close(ws, close_status_code, close_msg):
    print(f"Closed: {close_status_code}, {close_msg}")

def on_open(ws):
    print("Connected")

ws = websocket.WebSocketApp(
    f"ws://127.0.0.1:{PORT}/ws?token={TOKEN}",
    subprotocols=["nexus-json"],
    on_open=on_open,
    on_message=on_message,
    on_error=on_error,
    on_close=on_close
)

timer = threading.Timer(TIMEOUT_S, on_timeout)  # harness
timer.start()  # harness
ws.run_forever()
# ---- end of seed code ----

timer.cancel()
if state["stage"] != "done" or state["error"]:
    print("FAIL:", state["error"] or "connection ended in stage "
          + state["stage"], file=sys.stderr)
    print("received:", json.dumps(state["received"], ensure_ascii=False),
          file=sys.stderr)
    sys.exit(1)
print("PASS: connection.established first, heartbeat answered")
