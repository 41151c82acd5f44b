// node_ws_server.js: the Node.js baseline for docs/benchmarks.md. The npm
// `ws` package answering the nexus-dialect heartbeat with the same reply
// shape as Nexus (JSON.parse the request, JSON.stringify the reply).
// Usage: node bench/baselines/node_ws_server.js [--port 0]
// Prints `listening port=P` once ready.
'use strict';

const path = require('path');
const { WebSocketServer } = require(
  path.join(__dirname, '..', '..', 'node_modules', 'ws'));

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1]
                                               : fallback;
}

const metadata = { protocol_version: '2.0.0', server_version: '0.1.0' };

function answer(text) {
  const now = Date.now();
  const secs = Math.floor(now / 1000);
  let req;
  try {
    req = JSON.parse(text);
  } catch (e) {
    req = null;
  }
  if (!req || typeof req !== 'object' || req.type !== 'heartbeat') {
    return JSON.stringify({
      type: 'error', request_id: null, success: false, metadata,
      error: { code: 'INVALID_JSON', type: 'PROTOCOL_ERROR',
               message: 'expected a heartbeat' },
      timestamp: secs });
  }
  const id = req.request_id !== undefined ? req.request_id : req.id;
  return JSON.stringify({
    type: 'heartbeat', request_id: id, success: true, metadata,
    payload: { timestamp: secs, server_time: new Date(now).toISOString() },
    timestamp: secs });
}

const wss = new WebSocketServer({
  host: arg('--bind', '127.0.0.1'),
  port: Number(arg('--port', '0')),
  path: '/ws',
  perMessageDeflate: false,
  maxPayload: 1 << 20,
  handleProtocols: (protocols) =>
    protocols.has('nexus-json') ? 'nexus-json' : false,
});

wss.on('listening', () => {
  process.stdout.write(`listening port=${wss.address().port}\n`);
});

wss.on('connection', (ws) => {
  ws.on('message', (data) => ws.send(answer(data.toString())));
  ws.on('error', () => {});
});

for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(0));
