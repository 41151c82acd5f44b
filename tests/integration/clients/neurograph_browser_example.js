// The NeuroGraph seed's JavaScript connection example
// (`new WebSocket('ws://localhost:8000/ws?client_id=my_client')`) under Node
// with npm's `ws`, verbatim apart from host and port. The harness asserts
// connection.established first (neurograph dialect, client_id echoed) and a
// heartbeat reply, and exits non-zero otherwise.
'use strict';
globalThis.WebSocket = require('ws');

const HOST_PORT = `127.0.0.1:${process.env.NEUROGRAPH_PORT}`;
const TIMEOUT_MS = 15000;
const received = [];

function fail(why) {
  console.error('FAIL:', why);
  console.error('received:', JSON.stringify(received, null, 1));
  process.exit(1);
}
const timer = setTimeout(() => fail('timed out'), TIMEOUT_MS);

// ---- seed code (verbatim apart from host and port) ----
const ws = new WebSocket(`ws://${HOST_PORT}/ws?client_id=my_client`);
// ---- end of seed code ----

let stage = 'established';

function expect(cond, why) {
  if (!cond) fail(why);
}

ws.onmessage = (event) => {
  const message = JSON.parse(event.data);
  received.push(message);
  expect(received.length < 1000, 'too many messages');
  if (stage === 'established') {
    expect(message.type === 'connection.established',
           'first message is not connection.established');
    expect(message.payload.dialect === 'neurograph', 'dialect');
    expect(message.payload.client_id === 'my_client', 'client_id not echoed');
    expect(message.sender_id === 'server', 'sender_id');
    ws.send(JSON.stringify({id: 'msg_1', type: 'heartbeat', payload: {},
                            timestamp: Date.now()}));
    stage = 'heartbeat';
  } else if (stage === 'heartbeat' && message.request_id === 'msg_1') {
    expect(message.type === 'heartbeat', 'bad heartbeat reply');
    expect(typeof message.payload.server_time === 'string', 'server_time');
    stage = 'done';
    ws.close(1000);
  }
};

ws.onclose = (event) => {
  if (stage !== 'done') fail('closed early with code ' + event.code);
  clearTimeout(timer);
  console.log('PASS: connection.established, heartbeat');
  process.exit(0);
};
