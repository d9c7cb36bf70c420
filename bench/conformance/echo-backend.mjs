// The service h1spec expects behind the proxy: echoes the body of every request, any method.
import http from 'node:http';
const port = Number(process.argv[2]);
http.createServer((req, res) => {
    const body = [];
    req.on('data', (d) => body.push(d));
    req.on('end', () => {
        const b = Buffer.concat(body);
        res.writeHead(200, {'Content-Length': b.length});
        res.end(b);
    });
}).listen(port, '127.0.0.1');
