#!/usr/bin/env python3
"""A keep-alive HTTP/1.1 test service for the drills: answers every request with its own name.

One process per service, so that a drill can SIGKILL or SIGSTOP exactly one of them.
Usage: backend.py PORT NAME
"""
import asyncio
import sys


async def serve(reader, writer, name):
    body = name.encode()
    try:
        while True:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 120)
            length = 0
            for line in head.split(b"\r\n")[1:]:
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            if length:
                await reader.readexactly(length)
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
            await writer.drain()
    except Exception:
        pass
    finally:
        writer.close()


async def main():
    port, name = int(sys.argv[1]), sys.argv[2]
    server = await asyncio.start_server(lambda r, w: serve(r, w, name), "127.0.0.1", port, reuse_address=True)
    async with server:
        await server.serve_forever()


asyncio.run(main())
