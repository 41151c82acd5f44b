#!/usr/bin/python3
"""A wss:// client for the TLS integration test (tls_test.cpp).

Usage: /usr/bin/python3 wss_client.py PORT CAFILE

Connects to wss://127.0.0.1:PORT/ws with Debian's websocket-client,
trusting only CAFILE (the test's self-signed certificate; hostname checking
stays on, so the certificate must name IP 127.0.0.1), offers the nexus-json
subprotocol, expects connection.established first, sends a heartbeat,
expects its reply, closes with 1000 and exits 0. Any deviation prints why
on stderr and exits 1.
"""

import json
import signal
import ssl
import sys
import time

import websocket

TIMEOUT_S = 10


def fail(why):
    sys.stderr.write("wss_client.py: %s\n" % why)
    sys.exit(1)


def main():
    if len(sys.argv) != 3:
        fail("usage: wss_client.py PORT CAFILE")
    port, cafile = sys.argv[1], sys.argv[2]
    signal.alarm(TIMEOUT_S * 3)  # hard stop if a timeout below fails
    url = "wss://127.0.0.1:%s/ws" % port
    try:
        ws = websocket.create_connection(
            url, timeout=TIMEOUT_S, subprotocols=["nexus-json"],
            sslopt={"ca_certs": cafile, "cert_reqs": ssl.CERT_REQUIRED})
    except Exception as e:  # noqa: BLE001 - any failure is the answer
        fail("connect to %s failed: %r" % (url, e))
    if ws.getsubprotocol() != "nexus-json":
        fail("subprotocol not echoed: %r" % ws.getsubprotocol())
    first = json.loads(ws.recv())
    if first.get("type") != "connection.established":
        fail("first message is not connection.established: %r" % first)
    if first.get("payload", {}).get("dialect") != "nexus":
        fail("dialect is not nexus: %r" % first)
    ws.send(json.dumps({"type": "heartbeat", "request_id": "wss-hb-1",
                        "metadata": {"protocol_version": "2.0.0",
                                     "client_version": "2.0.0"},
                        "payload": {}, "timestamp": int(time.time())}))
    for _ in range(100):
        msg = json.loads(ws.recv())
        if msg.get("request_id") != "wss-hb-1":
            continue
        if msg.get("type") != "heartbeat" or msg.get("success") is not True:
            fail("bad heartbeat reply: %r" % msg)
        if not isinstance(msg.get("payload", {}).get("server_time"), str):
            fail("heartbeat reply without server_time: %r" % msg)
        break
    else:
        fail("no heartbeat reply among 100 messages")
    ws.close(status=websocket.STATUS_NORMAL)
    print("wss_client.py: ok")
    sys.exit(0)


if __name__ == "__main__":
    main()
