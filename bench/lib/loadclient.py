#!/usr/bin/env python3
"""Bounded HTTP/1.1 clients for the scenarios wrk cannot do, on asyncio streams.

  idle   opens N keep-alive connections, makes one request on each, prints
         "READY open=N failed=F" and holds them open, idle, until SIGTERM or --hold seconds,
         whichever comes first. --protocol h2: HTTP/2 over cleartext with prior knowledge
         (the connection preface, then one GET on stream 1), held the same way.
  spill  after --warmup seconds of the same load (not counted; then, with --admin, a
         bounded wait until every vServer is back to 0 active connections),
         C concurrent clients loop for --duration seconds: connect, request, classify the
         answer (200 from the primary or the backup backend, by its body; 302 redirect;
         anything else an error), keep the connection for up to --per-connection requests,
         and reconnect after a redirect or a close. Samples the admin API's vServers while
         loading and prints one JSON document.

Every wait has a timeout; every loop ends at its deadline.
"""
import argparse
import asyncio
import json
import signal
import sys
import time
import urllib.request

REQUEST = b"GET / HTTP/1.1\r\nHost: bench\r\nUser-Agent: spillway-bench\r\n\r\n"
WARMUP_REQUEST = b"GET /?warmup HTTP/1.1\r\nHost: bench\r\nUser-Agent: spillway-bench\r\n\r\n"


class BadResponse(Exception):
    pass


async def read_response(reader, timeout):
    """One response: (status, headers dict with lower-case names, body bytes)."""
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout)
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/1."):
        raise BadResponse("bad status line %r" % lines[0])
    status = int(parts[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = bytearray()
        while True:
            size_line = await asyncio.wait_for(reader.readuntil(b"\r\n"), timeout)
            size = int(size_line.split(b";")[0], 16)
            chunk = await asyncio.wait_for(reader.readexactly(size + 2), timeout)
            body += chunk[:-2]
            if size == 0:
                break
        return status, headers, bytes(body)
    length = int(headers.get("content-length", "0"))
    body = await asyncio.wait_for(reader.readexactly(length), timeout) if length else b""
    return status, headers, body


def close_quietly(writer):
    try:
        writer.close()
    except Exception:
        pass


class IdleConnection(asyncio.Protocol):
    """One keep-alive connection: sends one request, waits for the whole response, then idles.

    A bare protocol rather than asyncio streams: opening thousands of these is then cheap
    enough for the client not to be what the scenario waits on.
    """

    def __init__(self, done):
        self.done = done
        self.buffer = bytearray()
        self.transport = None
        self.closed = False

    def connection_made(self, transport):
        self.transport = transport
        transport.write(REQUEST)

    def data_received(self, data):
        if self.done.done():
            return
        self.buffer += data
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return
        head = self.buffer[:end].decode("latin-1").lower()
        length = 0
        for line in head.split("\r\n")[1:]:
            if line.startswith("content-length:"):
                length = int(line.split(":", 1)[1])
        if len(self.buffer) >= end + 4 + length:
            ok = head.startswith("http/1.1 200") and "connection: close" not in head
            self.done.set_result(ok)
            self.buffer = bytearray()

    def connection_lost(self, exc):
        self.closed = True
        if not self.done.done():
            self.done.set_result(False)


H2_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
# HPACK (RFC 7541 appendix A): :method GET, :scheme http, :path / from the static table, and
# :authority "bench" as a literal with the static name 1, without indexing.
H2_GET = bytes([0x82, 0x86, 0x84, 0x01, 0x05]) + b"bench"
H2_HEADERS, H2_SETTINGS, H2_PING, H2_GOAWAY = 0x1, 0x4, 0x6, 0x7
H2_END_STREAM, H2_ACK, H2_END_HEADERS, H2_PADDED, H2_PRIORITY = 0x1, 0x1, 0x4, 0x8, 0x20


def h2_frame(kind, flags, stream, payload=b""):
    return len(payload).to_bytes(3, "big") + bytes([kind, flags]) + stream.to_bytes(4, "big") + payload


class IdleH2Connection(IdleConnection):
    """One HTTP/2 connection (h2c, prior knowledge): preface and SETTINGS, one GET on stream 1,
    SETTINGS acknowledged; done when stream 1 ends, a success when its first HEADERS frame
    carries :status 200 (static table index 8, as every HPACK encoder writes it). Then idles.
    """

    def __init__(self, done):
        super().__init__(done)
        self.status_ok = False

    def connection_made(self, transport):
        self.transport = transport
        transport.write(H2_PREFACE + h2_frame(H2_SETTINGS, 0, 0)
                        + h2_frame(H2_HEADERS, H2_END_HEADERS | H2_END_STREAM, 1, H2_GET))

    def data_received(self, data):
        self.buffer += data
        while len(self.buffer) >= 9:
            length = int.from_bytes(self.buffer[0:3], "big")
            if len(self.buffer) < 9 + length:
                return
            kind, flags = self.buffer[3], self.buffer[4]
            stream = int.from_bytes(self.buffer[5:9], "big") & 0x7FFFFFFF
            payload = bytes(self.buffer[9:9 + length])
            del self.buffer[:9 + length]
            if kind == H2_SETTINGS and not flags & H2_ACK:
                self.transport.write(h2_frame(H2_SETTINGS, H2_ACK, 0))
            elif kind == H2_PING and not flags & H2_ACK:
                self.transport.write(h2_frame(H2_PING, H2_ACK, 0, payload))
            elif kind == H2_GOAWAY and not self.done.done():
                self.done.set_result(False)
            elif stream == 1 and not self.done.done():
                if kind == H2_HEADERS and not self.status_ok:
                    start = (1 if flags & H2_PADDED else 0) + (5 if flags & H2_PRIORITY else 0)
                    self.status_ok = payload[start:start + 1] == b"\x88"
                if flags & H2_END_STREAM:
                    self.done.set_result(self.status_ok)


async def idle(args):
    loop = asyncio.get_running_loop()
    conns = []
    failed = 0
    gate = asyncio.Semaphore(args.parallel)
    connection_class = IdleH2Connection if args.protocol == "h2" else IdleConnection

    async def open_one():
        nonlocal failed
        async with gate:
            done = loop.create_future()
            try:
                _, proto = await asyncio.wait_for(
                    loop.create_connection(lambda: connection_class(done), args.host, args.port), args.timeout)
                if not await asyncio.wait_for(done, args.timeout):
                    raise BadResponse("not a 200 keep-alive response")
                conns.append(proto)
            except Exception as e:
                failed += 1
                if failed <= 5:
                    print("connection failed: %r" % e, file=sys.stderr)

    await asyncio.gather(*(open_one() for _ in range(args.connections)))
    print("READY open=%d failed=%d" % (len(conns), failed), flush=True)
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    try:
        await asyncio.wait_for(stop.wait(), args.hold)
    except asyncio.TimeoutError:
        pass
    # A proxy that closed idle connections early shows here.
    still = sum(1 for c in conns if not c.closed)
    for c in conns:
        c.transport.close()
    print("CLOSED stillOpen=%d" % still, flush=True)
    return 0 if failed == 0 else 1


def admin_vservers(url, timeout=2.0):
    """The admin API's vServer list; tolerates the list being wrapped in an object."""
    with urllib.request.urlopen(url + "/api/v1/vservers", timeout=timeout) as resp:
        doc = json.loads(resp.read().decode())
    if isinstance(doc, dict):
        doc = next((v for v in doc.values() if isinstance(v, list)), [])
    return [v for v in doc if isinstance(v, dict)]


class SpillPhase:
    """One timed phase of the spill load: its own deadline, request and counters."""

    def __init__(self, args, duration, request):
        self.args = args
        self.deadline = time.monotonic() + duration
        self.request = request
        self.requests = {"primary": 0, "backup": 0, "redirected": 0}
        self.connections = {"primary": 0, "backup": 0, "redirected": 0, "failed": 0, "unusedAtDeadline": 0}
        self.errors = {}
        self.total_errors = 0

    def error(self, kind):
        self.errors[kind] = self.errors.get(kind, 0) + 1
        self.total_errors += 1

    async def client(self):
        args = self.args
        while time.monotonic() < self.deadline:
            try:
                r, w = await asyncio.wait_for(asyncio.open_connection(args.host, args.port), args.timeout)
            except Exception as e:
                self.error("connect:" + type(e).__name__)
                self.connections["failed"] += 1
                await asyncio.sleep(0.01)
                continue
            served = 0
            first = True
            if time.monotonic() >= self.deadline:
                # Accepted (and admitted or refused by the proxy) but never asked anything.
                self.connections["unusedAtDeadline"] += 1
            try:
                while time.monotonic() < self.deadline:
                    w.write(self.request)
                    await w.drain()
                    status, headers, body = await read_response(r, args.timeout)
                    if status == 302:
                        self.requests["redirected"] += 1
                        if first:
                            self.connections["redirected"] += 1
                        break
                    if status != 200:
                        self.error("status:%d" % status)
                        break
                    which = body.strip().decode("latin-1", "replace")
                    if which not in ("primary", "backup"):
                        self.error("body:" + which[:20])
                        break
                    self.requests[which] += 1
                    if first:
                        self.connections[which] += 1
                    first = False
                    served += 1
                    if headers.get("connection", "").lower() == "close":
                        break
                    if args.per_connection and served >= args.per_connection:
                        break
            except (asyncio.IncompleteReadError, ConnectionError) as e:
                self.error("io:" + type(e).__name__)
                if first:
                    self.connections["failed"] += 1
            except asyncio.TimeoutError:
                self.error("timeout")
                if first:
                    self.connections["failed"] += 1
            except BadResponse as e:
                self.error("bad:" + str(e)[:40])
            finally:
                close_quietly(w)

    async def run(self, extra=()):
        await asyncio.wait_for(
            asyncio.gather(*[self.client() for _ in range(self.args.concurrency)], *extra),
            self.deadline - time.monotonic() + self.args.timeout + 10)

    def summary(self):
        return {"requests": self.requests, "connections": self.connections,
                "errors": {"total": self.total_errors, "byKind": self.errors}}


async def admin_or_error(url):
    loop = asyncio.get_running_loop()
    try:
        return await loop.run_in_executor(None, admin_vservers, url)
    except Exception as e:
        return [{"error": repr(e)[:100]}]


async def drained(url, limit):
    """Waits (bounded) until every vServer reports 0 active connections: slots given back."""
    start = time.monotonic()
    while time.monotonic() - start < limit:
        listing = await admin_or_error(url)
        if listing and all(v.get("activeConnections") == 0 for v in listing if "name" in v) \
                and any("name" in v for v in listing):
            return round(time.monotonic() - start, 2)
        await asyncio.sleep(0.1)
    return None


def counter_delta(before, after):
    """Per vServer, after - before for the admin API's cumulative counters."""
    if not before or not after:
        return None
    old = {v.get("name"): v for v in before if "name" in v}
    delta = []
    for v in after:
        if "name" not in v:
            continue
        o = old.get(v["name"], {})
        entry = {"name": v["name"]}
        for k in ("spillovers", "redirects", "drops"):
            if isinstance(v.get(k), int) and isinstance(o.get(k), int):
                entry[k] = v[k] - o[k]
        delta.append(entry)
    return delta


async def spill(args):
    result = {"concurrency": args.concurrency, "durationSeconds": args.duration,
              "warmupSeconds": args.warmup, "perConnection": args.per_connection}
    if args.warmup > 0:
        # Same load, told apart at the backends by its path; then every slot must come back.
        warm = SpillPhase(args, args.warmup, WARMUP_REQUEST)
        await warm.run()
        result["warmup"] = warm.summary()
        if args.admin:
            result["drainedAfterWarmupSeconds"] = await drained(args.admin, 10)
    before = await admin_or_error(args.admin) if args.admin else None
    phase = SpillPhase(args, args.duration, REQUEST)
    peak = {}
    samples = []

    async def sampler():
        while time.monotonic() < phase.deadline:
            listing = await admin_or_error(args.admin)
            t = round(args.duration - (phase.deadline - time.monotonic()), 2)
            if any("name" in v for v in listing):
                samples.append({"t": t, "active": {v.get("name"): v.get("activeConnections") for v in listing}})
                for v in listing:
                    if "name" in v:
                        peak[v["name"]] = max(peak.get(v["name"], 0), v.get("activeConnections") or 0)
            else:
                samples.append({"t": t, "error": listing[0].get("error") if listing else "empty"})
            await asyncio.sleep(args.sample_every)

    await phase.run([sampler()] if args.admin else [])
    final = await admin_or_error(args.admin) if args.admin else None
    result.update(phase.summary())
    result.update({
        "adminPeakActive": peak if args.admin else None,
        "adminSamples": samples,
        "adminBefore": before,
        "adminFinal": final,
        "adminDelta": counter_delta(before, final),
    })
    print(json.dumps(result))
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    i = sub.add_parser("idle")
    i.add_argument("--port", type=int, required=True)
    i.add_argument("--connections", type=int, default=5000)
    i.add_argument("--parallel", type=int, default=200, help="connections being opened at once")
    i.add_argument("--hold", type=float, default=120, help="seconds at most to hold them")
    i.add_argument("--protocol", choices=["http1", "h2"], default="http1",
                   help="h2: HTTP/2 over cleartext with prior knowledge")
    s = sub.add_parser("spill")
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--concurrency", type=int, default=300)
    s.add_argument("--duration", type=float, default=10)
    s.add_argument("--warmup", type=float, default=0, help="seconds of the same load first, not counted")
    s.add_argument("--per-connection", type=int, default=0, help="requests per connection (0: unlimited)")
    s.add_argument("--admin", default="", help="admin base URL, e.g. http://127.0.0.1:9900")
    s.add_argument("--sample-every", type=float, default=0.5)
    for x in (i, s):
        x.add_argument("--host", default="127.0.0.1")
        x.add_argument("--timeout", type=float, default=5.0)
    args = p.parse_args()
    if args.command == "idle":
        return asyncio.run(idle(args))
    return asyncio.run(spill(args))


if __name__ == "__main__":
    sys.exit(main())
