// The WebSocket service of bench/proxy/websocket.sh: echoes every message (the `ws` package).
import { WebSocketServer } from 'ws';
const wss = new WebSocketServer({ host: '127.0.0.1', port: Number(process.argv[2]) });
wss.on('connection', (ws) => ws.on('message', (data, binary) => ws.send(data, { binary })));
