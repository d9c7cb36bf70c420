#!/usr/bin/env python3
"""Writes the hand-made seed inputs of the fuzz tests' regression corpora.

Jazzer's FuzzedDataProvider takes its primitives from the END of an input and
consumeRemainingAsBytes() from the start, so each seed is the payload followed by the
parameter bytes in the reverse order of their consumption. Run from the repository root;
it only adds or overwrites the seed-* files (inputs found by fuzzing are kept beside them).
"""
import os
import struct

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def put(module, package, test, method, name, data):
    d = os.path.join(ROOT, module, "src/test/resources", package.replace(".", "/"), test + "Inputs", method)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data)


REQUESTS = {
    "get": b"GET /a HTTP/1.1\r\nHost: a\r\nAccept: */*\r\n\r\n",
    "post-length": b"POST /b HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello",
    "chunked": b"POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
               b"5;ext=\"a b\"\r\nhello\r\n000A\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n",
    "pipelined": b"GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\nGET /3 HTTP/1.1\r\n\r\n",
    "absolute": b"GET http://example.com:8080?q=1 HTTP/1.1\r\nHost: other\r\nVia: 1.0 x\r\nX-Forwarded-For: 1.2.3.4\r\n\r\n",
    "upgrade": b"GET /ws HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, Upgrade\r\nUpgrade: websocket\r\n\r\n\x81\x05hello",
    "connect": b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n\x16\x03\x01",
    "http10": b"GET / HTTP/1.0\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\nX-Drop: 1\r\nConnection: X-Drop\r\n\r\n",
    "repeated-length": b"PUT /p HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 3\r\nContent-Length: 3\r\n\r\nabc",
    "smuggle": b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /x HTTP/1.1\r\n\r\n",
    "options-asterisk": b"OPTIONS * HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n\r\n",
    "obs-fold": b"GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n b\r\n\r\n",
}

RESPONSES = {
    "ok-length": b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
    "chunked": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-T: 1\r\n\r\n",
    "until-close": b"HTTP/1.0 200 OK\r\n\r\nbody until close",
    "interim": b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n",
    "switching": b"HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n\x81\x02hi",
    "not-modified": b"HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\nVia: 1.1 a\r\nConnection: X-A\r\nX-A: 1\r\n\r\n",
    "close": b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n\r\n",
}

LONG0 = b"\x00" * 8

for name, payload in REQUESTS.items():
    # requestDecoder: passThroughChunks (bool), upgradeAnswers (long), cut count then cuts (ints)
    for cut in (None, 7):
        cuts = b"\x00" if cut is None else struct.pack(">H", cut) + b"\x01"
        suffix = "" if cut is None else "-cut"
        for accept, lng in (("", LONG0), ("-accepted", b"\xff" * 8)):
            if accept and b"Upgrade" not in payload and b"CONNECT" not in payload:
                continue
            put("spillway-proxy", "io.spillway.proxy.internal.http1", "Http1DecoderFuzzTest", "requestDecoder",
                name + suffix + accept, payload + cuts + lng + b"\x01")
    # requestHeadRoundTrip: maxLine (int 16..2048: 2 bytes)
    put("spillway-proxy", "io.spillway.proxy.internal.http1", "HeadWritersFuzzTest", "requestHeadRoundTrip",
        name, payload + struct.pack(">H", 1000))

METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", "OTHER"]
for name, payload in RESPONSES.items():
    for m in ("GET", "HEAD", "CONNECT"):
        mi = METHODS.index(m)
        # responseDecoder: count (int 0..4), per request: method (int 0..9), decodeChunked (bool); cuts
        params = [b"\x03", bytes([mi]), b"\x00", bytes([0]), b"\x01", bytes([0]), b"\x00"]
        put("spillway-proxy", "io.spillway.proxy.internal.http1", "Http1DecoderFuzzTest", "responseDecoder",
            name + "-" + m.lower(), payload + b"\x00" + b"".join(reversed(params)))
        # responseHeadRoundTrip: method, clientVersion (bool: 1.1), clientKeepAlive (bool)
        for v in (b"\x01", b"\x00"):
            put("spillway-proxy", "io.spillway.proxy.internal.http1", "HeadWritersFuzzTest", "responseHeadRoundTrip",
                name + "-" + m.lower() + ("-http11" if v == b"\x01" else "-http10"),
                payload + b"\x01" + v + bytes([mi]))


# --- DNS: respond(udp bool, family bool, address bytes, wire) -------------------------------
def qname(name):
    out = b""
    for label in name.split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\x00"


def query(name, qtype, qid=0x1234, flags=0x0100, qclass=1, opt=None, qd=1):
    header = struct.pack(">HHHHHH", qid, flags, qd, 0, 0, 1 if opt is not None else 0)
    body = qname(name) + struct.pack(">HH", qtype, qclass)
    if opt is not None:
        body += opt
    return header + body


def opt_record(payload=1232, do=False, version=0, options=b"", owner=b"\x00"):
    ttl = (version << 16) | (0x8000 if do else 0)
    return owner + struct.pack(">HHIH", 41, payload, ttl, len(options)) + options


def ecs(address, source, scope=0, family=1):
    addr = bytes(address)[: (source + 7) // 8]
    data = struct.pack(">HBB", family, source, scope) + addr
    return struct.pack(">HH", 8, len(data)) + data


A, NS, CNAME, SOA, AAAA, ANY, AXFR, TXT = 1, 2, 5, 6, 28, 255, 252, 16
DNS = {
    "a": query("app.example.com", A),
    "aaaa": query("v6.example.com", AAAA),
    "mixed-case": query("APP.Example.Com", A),
    "named": query("named.example.com", A),
    "empty": query("empty.example.com", A),
    "nxdomain": query("nothing.example.com", A),
    "apex-soa": query("example.com", SOA),
    "apex-any": query("example.com", ANY),
    "ns": query("ns.example.com", A),
    "gslb-any": query("app.example.com", ANY),
    "gslb-txt": query("app.example.com", TXT),
    "cname": query("app.example.com", CNAME),
    "axfr": query("example.com", AXFR),
    "outside": query("example.org", A),
    "class-any": query("app.example.com", A, qclass=255),
    "notimp": query("app.example.com", A, flags=0x2900),
    "two-questions": query("app.example.com", A, qd=2),
    "edns": query("app.example.com", A, opt=opt_record(4096)),
    "edns-do": query("app.example.com", AAAA, opt=opt_record(512, do=True)),
    "edns-version": query("app.example.com", A, opt=opt_record(version=1)),
    "edns-owner": query("app.example.com", A, opt=opt_record(owner=qname("x"))),
    "ecs": query("hash.example.com", A, opt=opt_record(options=ecs([10, 9, 8, 0], 24))),
    "ecs-scope": query("hash.example.com", A, opt=opt_record(options=ecs([10, 9, 8, 0], 24, scope=8))),
    "ecs-v6": query("hash.example.com", AAAA, opt=opt_record(options=ecs([0x20, 1, 0xd, 0xb8], 32, family=2))),
    "compressed": query("app.example.com", A)[:12] + b"\xc0\x0c" + struct.pack(">HH", 1, 1),
    "short": b"\x12\x34\x01",
    "response": query("app.example.com", A, flags=0x8100),
}
for name, wire in DNS.items():
    for udp in (b"\x01", b"\x00"):
        # consumed from the end: udp, family (false: 4 octets), the 4 address octets
        put("spillway-gslb", "io.spillway.gslb.dns", "DnsResponderFuzzTest", "respond",
            name + ("-udp" if udp == b"\x01" else "-tcp"), wire + bytes([1, 0, 0, 127]) + b"\x00" + udp)


# --- exchange: cuts (int count, ints), frames -------------------------------------------------
def frame(obj):
    return struct.pack(">I", len(obj)) + obj


EXCHANGE_BEFORE = {
    "hello": frame(b'{"v":1,"type":"hello","site":"br","role":"branch","version":1,"nonce":"AAAAAAAAAAAAAAAAAAAAAA=="}'),
    "hello-tree": frame(b'{"type":"hello","v":1,"site":"br","role":"branch","version":1,"nonce":"AAAAAAAAAAAAAAAAAAAAAA==","listen":"127.0.0.1:9"}'),
    "hello-bad-role": frame(b'{"v":1,"type":"hello","site":"br","role":"king","version":1,"nonce":"AAAAAAAAAAAAAAAAAAAAAA=="}'),
    "hello-own-site": frame(b'{"v":1,"type":"hello","site":"agg","role":"branch","version":1,"nonce":"AAAAAAAAAAAAAAAAAAAAAA=="}'),
    "hello-then-bad-auth": frame(b'{"v":1,"type":"hello","site":"br","role":"branch","version":1,"nonce":"AAAAAAAAAAAAAAAAAAAAAA=="}')
                           + frame(b'{"v":1,"type":"auth","proof":"nope"}'),
    "version-2": frame(b'{"v":2,"type":"hello"}'),
    "not-json": frame(b"GET / HTTP/1.1\r\n\r\n"),
    "too-long": struct.pack(">I", 1 << 30) + b"{",
    "error": frame(b'{"v":1,"type":"error","code":"x","message":"y"}'),
    "report-first": frame(b'{"v":1,"type":"poll"}'),
}
EXCHANGE_AFTER = {
    "heartbeat": frame(b'{"v":1,"type":"heartbeat"}'),
    "poll": frame(b'{"v":1,"type":"poll"}'),
    "report": frame(b'{"v":1,"type":"report","report":{"site":"br","aggregator":"agg","epoch":1,"seq":1,"sentAtMillis":0,'
                    b'"domains":[{"domain":"app.example.com","vserver":"vs","address":"127.0.0.1:80","up":true}]}}'),
    "snapshot": frame(b'{"v":1,"type":"snapshot","entries":[],"complete":true}'),
    "delta-null": frame(b'{"v":1,"type":"delta","entries":null}'),
    "peers": frame(b'{"v":1,"type":"peers","peers":[{"site":"x","address":"127.0.0.1:1"}]}'),
    "resolve": frame(b'{"v":1,"type":"resolve","id":7,"domain":"app.example.com","client":"127.0.0.1"}'),
    "resolved": frame(b'{"v":1,"type":"resolved","id":7,"domain":"app.example.com","site":null,"ttlMillis":0}'),
    "sites": frame(b'{"v":1,"type":"sites","id":1,"sites":["a","b"]}'),
    "sites-answer": frame(b'{"v":1,"type":"sites-answer","id":1,"entries":[]}'),
    "hello-again": frame(b'{"v":1,"type":"hello","site":"br","role":"branch","version":1,"nonce":"AAAAAAAAAAAAAAAAAAAAAA=="}'),
    "error": frame(b'{"v":1,"type":"error","code":"x","message":"y"}'),
    "unknown-type": frame(b'{"v":1,"type":"gossip"}'),
}
for method, seeds in (("beforeAuthentication", EXCHANGE_BEFORE), ("afterAuthentication", EXCHANGE_AFTER)):
    for name, payload in seeds.items():
        put("spillway-gslb", "io.spillway.gslb.internal.exchange", "ExchangeFrameFuzzTest", method, name, payload + b"\x00")
        put("spillway-gslb", "io.spillway.gslb.internal.exchange", "ExchangeFrameFuzzTest", method, name + "-cut",
            payload + struct.pack(">H", 3) + b"\x01")


# --- admin: cuts (int count, ints), the octets of a connection ---------------------------------
AUTH = b"Authorization: Bearer fuzz-token\r\n"
ADMIN = {
    "healthz": b"GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n",
    "dashboard-head": b"HEAD / HTTP/1.1\r\nHost: a\r\n\r\n",
    "vservers": b"GET /api/v1/vservers HTTP/1.1\r\nHost: a\r\n\r\nGET /api/v1/vservers/shop HTTP/1.1\r\nHost: a\r\n\r\n",
    "services": b"GET /api/v1/services/web-1 HTTP/1.1\r\nHost: a\r\n\r\nGET /api/v1/services/web-1/disable HTTP/1.1\r\n\r\n",
    "disable": b"POST /api/v1/services/web-1/disable HTTP/1.1\r\n" + AUTH + b"Content-Length: 0\r\n\r\n"
               b"POST /api/v1/services/web-1/enable HTTP/1.1\r\n" + AUTH + b"\r\n",
    "no-token": b"POST /api/v1/services/web-1/disable HTTP/1.1\r\nAuthorization: Bearer wrong\r\n\r\n",
    "events": b"GET /api/v1/events?limit=3 HTTP/1.1\r\n\r\nGET /api/v1/events?limit=x HTTP/1.1\r\n\r\n",
    "method-not-allowed": b"DELETE /api/v1/vservers HTTP/1.1\r\n\r\n",
    "bad-escape": b"GET /api/v1/services/%zz?a=%G1 HTTP/1.1\r\n\r\n",
    "absolute": b"GET http://a/healthz HTTP/1.1\r\n\r\n",
    "extension": b"PUT /api/v1/ext/x?y=1 HTTP/1.1\r\n" + AUTH + b"Content-Length: 4\r\n\r\nbody"
                 b"GET /healthz HTTP/1.1\r\n\r\n",
    "chunked": b"PUT /api/v1/ext HTTP/1.1\r\n" + AUTH + b"Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
    "expect": b"PUT /api/v1/ext HTTP/1.1\r\n" + AUTH + b"Expect: 100-continue\r\nContent-Length: 2\r\n\r\nok",
    "close": b"GET /healthz HTTP/1.0\r\n\r\nGET /healthz HTTP/1.1\r\n\r\n",
    "garbage": b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
    "long-line": b"GET /" + b"a" * 5000 + b" HTTP/1.1\r\n\r\n",
}
for name, payload in ADMIN.items():
    put("spillway-admin", "io.spillway.admin", "AdminRouterFuzzTest", "serve", name, payload + b"\x00")
    put("spillway-admin", "io.spillway.admin", "AdminRouterFuzzTest", "serve", name + "-cut",
        payload + struct.pack(">H", 9) + b"\x01")


# Http2ClientConnectionFuzzTest#clientConnection: the frames after the connection preface, then the
# cut count and cuts (ints, from the end).
def h2(ftype, flags, stream, payload=b""):
    return struct.pack(">I", len(payload))[1:] + bytes([ftype, flags]) + struct.pack(">I", stream) + payload


SETTINGS = h2(4, 0, 0, struct.pack(">HI", 3, 100) + struct.pack(">HI", 4, 65535))
SETTINGS_ACK = h2(4, 1, 0)
GET_HEADERS = b"\x82\x86\x84\x41\x01a"            # :method GET, :scheme http, :path /, :authority a
POST_HEADERS = b"\x83\x86\x84\x41\x01a\x0f\x0d\x015"  # :method POST ... content-length: 5
FRAMES = {
    "get": SETTINGS + h2(1, 0x5, 1, GET_HEADERS),
    "post": SETTINGS + h2(1, 0x4, 1, POST_HEADERS) + h2(0, 0x1, 1, b"hello"),
    "continuation": SETTINGS + h2(1, 0x1, 1, GET_HEADERS[:3]) + h2(9, 0x4, 1, GET_HEADERS[3:]),
    "reset": SETTINGS + h2(1, 0x4, 1, POST_HEADERS) + h2(3, 0, 1, struct.pack(">I", 8)),
    "rapid-reset": SETTINGS + b"".join(h2(1, 0x4, s, POST_HEADERS) + h2(3, 0, s, struct.pack(">I", 8))
                                       for s in range(1, 20, 2)),
    "control": SETTINGS + SETTINGS_ACK + h2(6, 0, 0, b"12345678") + h2(8, 0, 0, struct.pack(">I", 1000))
               + h2(2, 0, 1, struct.pack(">IB", 0, 16)) + h2(7, 0, 0, struct.pack(">II", 0, 0)),
    "padded-trailers": SETTINGS + h2(1, 0xC, 1, b"\x02" + POST_HEADERS + b"\x00\x00")
                       + h2(0, 0x8, 1, b"\x01hello\x00") + h2(1, 0x5, 1, b"\x40\x01x\x01y"),
    "many-streams": SETTINGS + b"".join(h2(1, 0x5, s, GET_HEADERS) for s in range(1, 24, 2)),
}
for name, frames in FRAMES.items():
    put("spillway-proxy", "io.spillway.proxy", "Http2ClientConnectionFuzzTest", "clientConnection", name,
        frames + b"\x00")
    put("spillway-proxy", "io.spillway.proxy", "Http2ClientConnectionFuzzTest", "clientConnection", name + "-cut",
        frames + struct.pack(">H", 30) + b"\x01")
