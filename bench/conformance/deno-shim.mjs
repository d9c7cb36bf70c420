// Runs uNetworking/h1spec's http_test.ts (written for Deno) under Node: the few Deno calls it
// makes (args, exit, connect with read/write/close) over node:net.
import net from 'node:net';

const pending = new WeakMap();
globalThis.Deno = {
    args: process.argv.slice(2),
    exit: (code) => process.exit(code),
    connect: ({hostname, port}) => new Promise((resolve, reject) => {
        const socket = net.connect({host: hostname, port}, () => {
            const chunks = [];
            let waiter = null;
            let ended = false;
            socket.on('data', (d) => {
                if (waiter) { const w = waiter; waiter = null; w(d); } else { chunks.push(d); }
            });
            socket.on('end', () => { ended = true; if (waiter) { const w = waiter; waiter = null; w(null); } });
            socket.on('error', () => { ended = true; if (waiter) { const w = waiter; waiter = null; w(null); } });
            resolve({
                write: (bytes) => new Promise((ok) => socket.write(bytes, () => ok(bytes.length))),
                read: (buffer) => new Promise((ok) => {
                    const deliver = (d) => {
                        if (d === null) { ok(null); return; }
                        const n = Math.min(d.length, buffer.length);
                        buffer.set(d.subarray(0, n));
                        ok(n);
                    };
                    if (chunks.length) { deliver(chunks.shift()); } else if (ended) { ok(null); } else { waiter = deliver; }
                }),
                close: () => socket.destroy(),
            });
        });
        socket.on('error', reject);
    }),
};
