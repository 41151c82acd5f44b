// The Nexus seed's browser example ("Пример использования" in
// nexus-protocol-websocket-api.md) run under Node with npm's `ws` as the
// browser WebSocket. The seed code is verbatim apart from the URL (host and
// port of the server under test); the harness below it asserts what the
// client received and exits non-zero otherwise.
'use strict';
const crypto = require('crypto');
globalThis.WebSocket = require('ws');

const TOKEN = process.env.NEXUS_TEST_TOKEN || '<jwt_token>';
const SEED_URL = `ws://127.0.0.1:${process.env.NEXUS_PORT}/ws?token=${TOKEN}`;
const TIMEOUT_MS = 15000;
const received = [];

function fail(why) {
  console.error('FAIL:', why);
  console.error('received:', JSON.stringify(received, null, 1));
  process.exit(1);
}
const timer = setTimeout(() => fail('timed out'), TIMEOUT_MS);

// ---- seed code (verbatim apart from the URL) ----
const ws = new WebSocket(SEED_URL, ['nexus-json']);

ws.onopen = () => {
  ws.send(JSON.stringify({
    type: 'execute_template',
    request_id: 'req-123',
    metadata: {
      protocol_version: '2.0.0',
      client_version: '2.0.0'
    },
    payload: {
      query: 'хочу борщ',
      language: 'ru'
    },
    timestamp: Date.now() / 1000
  }));
};

ws.onmessage = (event) => {
  const message = JSON.parse(event.data);
  console.log('Received:', message);
};

ws.onerror = (error) => {
  console.error('WebSocket error:', error);
};

ws.onclose = () => {
  console.log('WebSocket closed');
};
// ---- end of seed code ----

// The seed's heartbeat ("Connection Management"), sent once.
const heartbeatId = crypto.randomUUID();
let stage = 'established';

function expect(cond, why) {
  if (!cond) fail(why);
}

function onExecuteReply(message) {
  // Executions are not served yet: UNKNOWN_MESSAGE_TYPE; later an accept.
  const ok = message.type === 'execute_template_response' ||
    (message.type === 'error' && message.success === false &&
     message.error && message.error.code === 'UNKNOWN_MESSAGE_TYPE');
  expect(ok, 'unexpected reply to req-123: ' + JSON.stringify(message));
  ws.send(JSON.stringify({
    type: 'heartbeat',
    request_id: heartbeatId,
    timestamp: Date.now()
  }));
  stage = 'heartbeat';
}

ws.addEventListener('open', () => {
  expect(ws.protocol === 'nexus-json', 'subprotocol not echoed: ' +
         JSON.stringify(ws.protocol));
});

ws.addEventListener('message', (event) => {
  const message = JSON.parse(event.data);
  received.push(message);
  expect(received.length < 1000, 'too many messages');
  if (stage === 'established') {
    expect(message.type === 'connection.established',
           'first message is not connection.established');
    expect(message.payload && message.payload.dialect === 'nexus',
           'dialect is not nexus');
    stage = 'execute';
  } else if (stage === 'execute' && message.request_id === 'req-123') {
    onExecuteReply(message);
  } else if (stage === 'heartbeat' && message.request_id === heartbeatId) {
    expect(message.type === 'heartbeat' && message.success === true &&
           typeof message.payload.server_time === 'string',
           'bad heartbeat reply');
    stage = 'done';
    ws.close(1000);
  }
});

ws.addEventListener('close', (event) => {
  if (stage !== 'done') fail('closed early with code ' + event.code);
  clearTimeout(timer);
  console.log('PASS: connection.established, reply to req-123, heartbeat');
  process.exit(0);
});
