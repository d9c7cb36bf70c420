#!/usr/bin/env python3
"""Fault drills against real appliance processes on loopback (issue 11, item 9).

Data plane: three keep-alive services (bench/drills/backend.py, one process each) behind an http
vServer of `bin/spillway run`, under steady load from keep-alive clients for the whole run. In turn:
  kill     SIGKILL one service (restarted a few seconds later);
  hang     SIGSTOP one service for longer than timeouts.server, then SIGCONT;
  reload   three reloads (SIGHUP) with a changed file.
For each drill: client requests that failed, requests that waited longer than timeouts.server
plus one retry, and afterwards the slots still held once every client has gone (leaked).

GSLB: a master, two peered aggregators and two branches (one behind each aggregator), each a
`bin/spillway run` process. Drills: kill the aggregator of branch-1 (time until the other
aggregator's answers no longer name branch-1), start it again (time until they do again), and
restart the master (time until it knows both branches again; answers at the aggregators must not
change meanwhile). Times after a restart count from the moment the new process listens (the JVM's
start-up is reported apart).

Every wait has a timeout, every loop a deadline; every process started here is stopped by pid.
Usage: run.py [--out DIR] [--clients N] [--server-timeout S]
"""
import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
LAUNCHER = os.path.join(ROOT, "bin", "spillway")
SECRET = "drills-exchange-secret-0123456789"
REQUEST = b"GET /drill HTTP/1.1\r\nHost: drills\r\n\r\n"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            return True
        except OSError:
            time.sleep(0.1)
    return False


def get_json(url, timeout=2.0):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return json.loads(r.read())


class Processes:
    """Every process the drills start, stopped by pid at the end whatever happens."""

    def __init__(self, out):
        self.out = out
        self.running = {}

    def start(self, name, argv):
        log = open(os.path.join(self.out, name + ".log"), "ab")
        p = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.running[name] = p
        return p

    def appliance(self, name, config_text):
        path = os.path.join(self.out, name + ".yaml")
        with open(path, "w") as f:
            f.write(config_text)
        return self.start(name, [LAUNCHER, "run", "--config", path])

    def signal(self, name, sig):
        os.kill(self.running[name].pid, sig)

    def kill(self, name):
        p = self.running.pop(name, None)
        if p and p.poll() is None:
            os.kill(p.pid, signal.SIGCONT)
            os.kill(p.pid, signal.SIGKILL)
            p.wait(10)

    def stop(self, name, timeout=15):
        p = self.running.pop(name, None)
        if p and p.poll() is None:
            p.terminate()
            try:
                p.wait(timeout)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(10)

    def stop_all(self):
        for name in list(self.running):
            self.stop(name, 5)


class Load:
    """Keep-alive clients looping until told to stop; every request recorded with its times."""

    def __init__(self, port, clients, timeout):
        self.port, self.clients, self.timeout = port, clients, timeout
        self.records = []  # (start, end, ok, detail)
        self.running = True

    async def client(self):
        reader = writer = None
        while self.running:
            start = time.monotonic()
            try:
                if writer is None:
                    reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", self.port), 5)
                writer.write(REQUEST)
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), self.timeout)
                status = int(head.split(b" ", 2)[1])
                length = 0
                close = False
                for line in head.split(b"\r\n")[1:]:
                    low = line.lower()
                    if low.startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                    elif low.startswith(b"connection:") and b"close" in low:
                        close = True
                await asyncio.wait_for(reader.readexactly(length), self.timeout)
                self.records.append((start, time.monotonic(), status == 200, status))
                if close:
                    writer.close()
                    writer = None
            except Exception as e:  # a failed request: reconnect and go on
                self.records.append((start, time.monotonic(), False, type(e).__name__))
                if writer is not None:
                    writer.close()
                writer = None
                await asyncio.sleep(0.05)
        if writer is not None:
            writer.close()

    async def run(self, seconds):
        tasks = [asyncio.create_task(self.client()) for _ in range(self.clients)]
        await asyncio.sleep(seconds)
        self.running = False
        await asyncio.wait(tasks, timeout=self.timeout + 5)

    def window(self, start, end, slow_after):
        inside = [r for r in self.records if start <= r[0] < end]
        failed = [r for r in inside if not r[2]]
        slow = [r for r in inside if r[1] - r[0] > slow_after]
        details = {}
        for r in failed:
            details[str(r[3])] = details.get(str(r[3]), 0) + 1
        return {"requests": len(inside), "failed": len(failed), "failedBy": details,
                "slowerThanServerTimeoutPlusRetry": len(slow)}


def data_plane(procs, clients, server_timeout):
    ports = {s: free_port() for s in ("s1", "s2", "s3")}
    front, admin = free_port(), free_port()

    def start_backend(name):
        procs.start(name, [sys.executable, os.path.join(HERE, "backend.py"), str(ports[name]), name])
        assert wait_port(ports[name], 10), name + " did not start"

    def config(capacity):
        services = "".join(
            f"  - {{name: {s}, address: 127.0.0.1:{p}, protocol: http, capacity: {capacity}, monitors: [alive]}}\n"
            for s, p in ports.items())
        return (f"admin: {{listen: 127.0.0.1:{admin}}}\n"
                "monitors:\n  - {name: alive, type: tcp, interval: 500ms, timeout: 500ms, failures: 2}\n"
                f"services:\n{services}"
                "vservers:\n"
                f"  - name: front\n    listen: 127.0.0.1:{front}\n    protocol: http\n"
                "    services: [s1, s2, s3]\n"
                f"    timeouts: {{server: {server_timeout}s}}\n")

    for s in ports:
        start_backend(s)
    appliance = procs.appliance("appliance", config(100))
    assert wait_port(front, 300) and wait_port(admin, 30), "the appliance did not start"

    load = Load(front, clients, timeout=server_timeout * 4 + 10)
    t0 = time.monotonic()
    marks = {}

    async def drills():
        await asyncio.sleep(5)
        marks["kill"] = time.monotonic()
        procs.kill("s1")
        await asyncio.sleep(6)
        start_backend("s1")
        await asyncio.sleep(5)
        marks["hang"] = time.monotonic()
        procs.signal("s2", signal.SIGSTOP)
        await asyncio.sleep(server_timeout + 3)
        procs.signal("s2", signal.SIGCONT)
        await asyncio.sleep(5)
        marks["reload"] = time.monotonic()
        for capacity in (90, 100, 90):
            with open(os.path.join(procs.out, "appliance.yaml"), "w") as f:
                f.write(config(capacity))
            os.kill(appliance.pid, signal.SIGHUP)
            await asyncio.sleep(3)
        marks["end"] = time.monotonic()

    async def both():
        await asyncio.gather(load.run(5 + 6 + 5 + server_timeout + 3 + 5 + 9 + 2), drills())

    asyncio.run(both())
    slow_after = server_timeout + 1.0
    report = {"clients": clients, "serverTimeoutSeconds": server_timeout,
              "baseline": load.window(t0, marks["kill"], slow_after),
              "kill": load.window(marks["kill"], marks["hang"], slow_after),
              "hang": load.window(marks["hang"], marks["reload"], slow_after),
              "reload": load.window(marks["reload"], marks["end"] + 60, slow_after)}
    # every client has gone: every slot must come back
    deadline = time.monotonic() + 15
    held = None
    while time.monotonic() < deadline:
        vs = get_json(f"http://127.0.0.1:{admin}/api/v1/vservers/front")
        svcs = get_json(f"http://127.0.0.1:{admin}/api/v1/services")
        held = {"front": vs["activeConnections"], **{s["name"]: s["activeConnections"] for s in svcs}}
        if not any(held.values()):
            break
        time.sleep(0.2)
    report["slotsHeldAfter"] = held
    report["leaked"] = sum(held.values()) if held else None
    for name in ("appliance", "s1", "s2", "s3"):
        procs.stop(name)
    return report


def gslb(procs):
    ex = {n: free_port() for n in ("master", "agg-a", "agg-b")}
    admin = {n: free_port() for n in ("master", "agg-a", "agg-b")}
    resolve_b = free_port()
    backend = free_port()
    vs = {"branch-1": free_port(), "branch-2": free_port()}
    common = f"    interval: 200ms\n    staleAfter: 1s\n    secret: {SECRET}\n"
    domains = "  domains:\n    - {name: app.example.test, method: roundrobin, ttl: 1s}\n"
    procs.start("gslb-backend", [sys.executable, os.path.join(HERE, "backend.py"), str(backend), "web"])
    configs = {
        "master": f"admin: {{listen: 127.0.0.1:{admin['master']}}}\ngslb:\n  site: master\n  role: master\n"
                  f"  exchange:\n    listen: 127.0.0.1:{ex['master']}\n"
                  f"    snapshotFile: {procs.out}/master.snapshot.json\n{common}{domains}",
        "agg-a": f"admin: {{listen: 127.0.0.1:{admin['agg-a']}}}\ngslb:\n  site: agg-a\n  role: aggregator\n"
                 f"  exchange:\n    listen: 127.0.0.1:{ex['agg-a']}\n    peers: [127.0.0.1:{ex['agg-b']}]\n"
                 f"    master: 127.0.0.1:{ex['master']}\n{common}{domains}",
        "agg-b": f"admin: {{listen: 127.0.0.1:{admin['agg-b']}}}\ngslb:\n  site: agg-b\n  role: aggregator\n"
                 f"  exchange:\n    listen: 127.0.0.1:{ex['agg-b']}\n    peers: [127.0.0.1:{ex['agg-a']}]\n"
                 f"    master: 127.0.0.1:{ex['master']}\n{common}{domains}"
                 f"  resolve: {{listen: 127.0.0.1:{resolve_b}}}\n",
    }
    for b, agg in (("branch-1", "agg-a"), ("branch-2", "agg-b")):
        configs[b] = (f"services:\n  - {{name: web, address: 127.0.0.1:{backend}, protocol: http, capacity: 10}}\n"
                      f"vservers:\n  - name: app\n    listen: 127.0.0.1:{vs[b]}\n    protocol: http\n"
                      "    services: [web]\n    spillover: {method: dynamicconnection}\n"
                      f"gslb:\n  site: {b}\n  role: branch\n  exchange:\n    aggregator: 127.0.0.1:{ex[agg]}\n"
                      f"{common}  publish:\n    - {{domain: app.example.test, vserver: app, address: 127.0.0.1:{vs[b]}}}\n")
    for name in ("master", "agg-a", "agg-b", "branch-1", "branch-2"):
        procs.appliance(name, configs[name])
    assert wait_port(resolve_b, 300), "agg-b did not start"

    def sites(node):
        try:
            return {s["site"] for s in get_json(f"http://127.0.0.1:{admin[node]}/api/v1/gslb/sites")
                    if s.get("state") == "UP"}
        except Exception:
            return None

    def answers_b(n=8):
        names = set()
        for _ in range(n):
            try:
                names.add(get_json(f"http://127.0.0.1:{resolve_b}/resolve?domain=app.example.test")["site"])
            except Exception:
                names.add("error")
        return names

    def until(predicate, seconds):
        start = time.monotonic()
        while time.monotonic() - start < seconds:
            if predicate():
                return round(time.monotonic() - start, 2)
            time.sleep(0.05)
        return None

    report = {"intervalMs": 200, "staleAfterMs": 1000}
    report["initialConvergenceSeconds"] = until(lambda: answers_b() == {"branch-1", "branch-2"}, 60)
    procs.kill("agg-a")
    report["aggregatorKilled_answersWithoutBranch1Seconds"] = until(lambda: answers_b() == {"branch-2"}, 30)
    procs.appliance("agg-a", configs["agg-a"])
    report["aggregatorRestarted_processUpSeconds"] = until(lambda: wait_port(ex["agg-a"], 0.2), 300)
    report["aggregatorRestarted_answersWithBranch1Seconds"] = until(
        lambda: answers_b() == {"branch-1", "branch-2"}, 120)
    before = answers_b(16)
    procs.stop("master")
    procs.appliance("master", configs["master"])
    changed = []
    report["masterRestarted_processUpSeconds"] = until(
        lambda: (changed.append(answers_b(2) - before) or True) and wait_port(ex["master"], 0.2), 300)
    report["masterRestarted_knowsBothBranchesSeconds"] = until(
        lambda: (changed.append(answers_b(2) - before) or True) and sites("master") is not None
        and {"branch-1", "branch-2"} <= sites("master"), 120)
    report["answersChangedDuringMasterRestart"] = sum(1 for c in changed if c)
    for name in ("branch-1", "branch-2", "agg-a", "agg-b", "master", "gslb-backend"):
        procs.stop(name)
    return report


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=None)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--server-timeout", type=int, default=2)
    args = ap.parse_args()
    out = args.out or tempfile.mkdtemp(prefix="spillway-drills-")
    os.makedirs(out, exist_ok=True)
    # the jar of this checkout, built once before any process starts (the launcher runs a stale one as it is)
    subprocess.run([LAUNCHER, "--version"], env={**os.environ, "SPILLWAY_REBUILD": "1"}, check=True,
                   stdout=subprocess.DEVNULL, timeout=900)
    procs = Processes(out)
    result = {"loadAverage": os.getloadavg()[0]}
    try:
        result["dataPlane"] = data_plane(procs, args.clients, args.server_timeout)
        result["gslb"] = gslb(procs)
    finally:
        procs.stop_all()
    result["logs"] = out
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
