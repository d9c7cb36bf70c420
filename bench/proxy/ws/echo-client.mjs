// Load of bench/proxy/websocket.sh: CONNECTIONS WebSocket clients, each sending a message and
// waiting for its echo before the next (a ping-pong), for SECONDS; prints one BENCH line with
// the messages echoed, the duration and the p50/p99 round trip in microseconds.
import WebSocket from 'ws';
const [url, connections, seconds, size] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4]),
    Number(process.argv[5] || 64)];
const payload = Buffer.alloc(size, 'x');
const rtts = [];
let echoed = 0;
let failed = 0;
const started = process.hrtime.bigint();
const deadline = Date.now() + seconds * 1000;
const done = [];
for (let i = 0; i < connections; i++) {
    done.push(new Promise((resolve) => {
        const ws = new WebSocket(url, { perMessageDeflate: false });
        let sent = 0n;
        const send = () => { sent = process.hrtime.bigint(); ws.send(payload); };
        ws.on('open', send);
        ws.on('message', () => {
            echoed++;
            if (rtts.length < 2_000_000) rtts.push(Number(process.hrtime.bigint() - sent) / 1000);
            if (Date.now() < deadline) { send(); } else { ws.close(); }
        });
        ws.on('close', resolve);
        ws.on('error', () => { failed++; resolve(); });
    }));
}
await Promise.all(done);
const us = Number(process.hrtime.bigint() - started) / 1000;
rtts.sort((a, b) => a - b);
const q = (p) => rtts.length ? Math.round(rtts[Math.min(rtts.length - 1, Math.floor(p * rtts.length))]) : 0;
console.log(`BENCH messages=${echoed} duration_us=${Math.round(us)} p50_us=${q(0.5)} p99_us=${q(0.99)} errors=${failed}`);
process.exit(0);
