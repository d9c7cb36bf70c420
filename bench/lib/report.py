#!/usr/bin/env python3
"""Turns a scenario's raw figures into the markdown table on stdout and a JSON file.

A machine shared with other work drifts by tens of percent from run to run, so what counts is
the ratio of two contenders measured in the same round, side by side: for each round the
subject's figure is divided by each other contender's, and the report gives the median of
those per-round ratios with their min-max. Absolute medians are printed for calibration only.

Subcommands:
  rounds     ROUND<TAB>CONTENDER<TAB>METRIC<TAB>VALUE lines (bench/lib/common.sh `record`)
  spillover  the spillover client's JSON plus the backends' own request counts
"""
import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys


def git(repo, *args):
    try:
        out = subprocess.run(["git", "-C", repo, *args], capture_output=True, text=True, timeout=10)
        return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def stamp(repo):
    now = datetime.datetime.now(datetime.timezone.utc)
    commit = git(repo, "rev-parse", "HEAD")
    dirty = bool(git(repo, "status", "--porcelain", "--untracked-files=no"))
    return now, {
        "date": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "commit": commit,
        "commitDirty": dirty,
        "cores": os.cpu_count(),
        "loadAverage": list(os.getloadavg()),
    }


def write_json(results_dir, scenario, now, document):
    os.makedirs(results_dir, exist_ok=True)
    path = os.path.join(results_dir, "%s-%s.json" % (scenario, now.strftime("%Y%m%dT%H%M%SZ")))
    with open(path, "w") as f:
        json.dump(document, f, indent=2, sort_keys=False)
        f.write("\n")
    return path


def shown_path(path, repo):
    rel = os.path.relpath(path, repo)
    return path if rel.startswith("..") else rel


def parse_params(items):
    params = {}
    for item in items or []:
        key, _, value = item.partition("=")
        params[key] = value
    return params


class Metric:
    """name:higher|lower:label:format, format one of int, f2, gb, bytes."""

    def __init__(self, spec):
        parts = spec.split(":")
        if len(parts) != 4 or parts[1] not in ("higher", "lower"):
            raise SystemExit("bad --metric %r: want name:higher|lower:label:format" % spec)
        self.name, self.better, self.label, self.format = parts

    def show(self, value):
        if value is None:
            return "-"
        if self.format == "int":
            return "{:,.0f}".format(value)
        if self.format == "gb":
            return "{:.2f}".format(value / 1e9)
        if self.format == "bytes":
            return "{:,.0f}".format(value)
        return "{:.2f}".format(value)


def spread(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


def rounds_report(args):
    rows = []
    with open(args.tsv) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            rnd, contender, metric, value = line.split("\t")
            rows.append({"round": int(rnd), "contender": contender, "metric": metric, "value": float(value)})
    metrics = [Metric(m) for m in args.metric]
    present = [c for c in args.contenders.split() if any(r["contender"] == c for r in rows)]
    if not present:
        raise SystemExit("no figures were recorded")
    subject = args.subject if args.subject in present else present[0]

    def values(contender, metric):
        return {r["round"]: r["value"] for r in rows if r["contender"] == contender and r["metric"] == metric}

    medians = {}
    for c in present:
        medians[c] = {}
        for m in metrics + [Metric("errors:lower:errors:int")]:
            v = values(c, m.name)
            if v:
                medians[c][m.name] = spread(list(v.values()))
    ratios = {}
    for other in present:
        if other == subject:
            continue
        key = "%s/%s" % (subject, other)
        ratios[key] = {}
        for m in metrics:
            a, b = values(subject, m.name), values(other, m.name)
            per_round = [a[r] / b[r] for r in sorted(a) if r in b and b[r] > 0]
            if per_round:
                entry = spread(per_round)
                entry["perRound"] = per_round
                entry["better"] = m.better
                ratios[key][m.name] = entry

    now, meta = stamp(args.repo)
    params = parse_params(args.param)
    document = {
        "scenario": args.scenario,
        "title": args.title,
        **meta,
        "params": params,
        "versions": json.loads(args.versions) if args.versions else {},
        "contenders": present,
        "subject": subject,
        "metrics": [{"name": m.name, "label": m.label, "better": m.better} for m in metrics],
        "rounds": rows,
        "medians": medians,
        "ratios": ratios,
        "notes": args.note or [],
    }
    path = write_json(args.results_dir, args.scenario, now, document)

    out = []
    out.append("### %s" % (args.title or args.scenario))
    out.append("")
    out.append("%s, commit %s%s, %s cores, load %.1f; %s" % (
        meta["date"], meta["commit"][:10] or "?", " (dirty)" if meta["commitDirty"] else "", meta["cores"],
        meta["loadAverage"][0], ", ".join("%s %s" % (k, v) for k, v in params.items())))
    out.append("")
    header = ["contender"] + ["%s median (min-max)" % m.label for m in metrics] + ["errors"]
    out.append("| " + " | ".join(header) + " |")
    out.append("|" + "---|" * len(header))
    for c in present:
        cells = [c]
        for m in metrics:
            s = medians[c].get(m.name)
            cells.append("%s (%s-%s)" % (m.show(s["median"]), m.show(s["min"]), m.show(s["max"])) if s else "-")
        err = values(c, "errors")
        cells.append("{:,.0f}".format(sum(err.values())) if err else "-")
        out.append("| " + " | ".join(cells) + " |")
    for key, by_metric in ratios.items():
        cells = ["**%s**" % key]
        for m in metrics:
            s = by_metric.get(m.name)
            cells.append("**%.2f** (%.2f-%.2f)" % (s["median"], s["min"], s["max"]) if s else "-")
        cells.append("")
        out.append("| " + " | ".join(cells) + " |")
    out.append("")
    for note in args.note or []:
        out.append("- " + note)
    lower = ", ".join(m.label for m in metrics if m.better == "lower")
    if ratios:
        out.append("Ratios: each round's %s figure divided by the other's, median (min-max) over %d rounds%s." % (
            subject, len(values(subject, metrics[0].name)), "; for %s lower is better" % lower if lower else ""))
    out.append("JSON: %s" % shown_path(path, args.repo))
    print("\n".join(out))


def spillover_report(args):
    with open(args.client) as f:
        client = json.load(f)
    now, meta = stamp(args.repo)
    params = parse_params(args.param)
    backends = {"primary": args.backend_primary, "backup": args.backend_backup}
    admin = [v for v in (client.get("adminFinal") or []) if "name" in v]
    delta = client.get("adminDelta") or []
    with_admin = client.get("adminFinal") is not None
    drained = client.get("drainedAfterWarmupSeconds")
    errors = client["errors"]
    served = client["requests"]
    consistent = (backends["primary"] == served["primary"] and backends["backup"] == served["backup"])
    drained_ok = not (with_admin and client.get("warmupSeconds") and drained is None)
    passed = errors["total"] == 0 and consistent and drained_ok
    document = {
        "scenario": args.scenario,
        "title": args.title,
        **meta,
        "params": params,
        "contender": args.contender,
        "client": client,
        "backendCounts": backends,
        "backendCountsMatchClient": consistent,
        "pass": passed,
        "notes": args.note or [],
    }
    path = write_json(args.results_dir, args.scenario, now, document)

    def admin_field(vserver, field, source=None):
        for v in (admin if source is None else source):
            if v.get("name") == vserver:
                return str(v.get(field, "-"))
        return "-"

    out = ["### %s" % args.title, ""]
    out.append("%s, commit %s%s, %s cores, load %.1f; contender %s; %s" % (
        meta["date"], meta["commit"][:10] or "?", " (dirty)" if meta["commitDirty"] else "", meta["cores"],
        meta["loadAverage"][0], args.contender, ", ".join("%s %s" % (k, v) for k, v in params.items())))
    out.append("")
    out.append("| figure | primary | backup | redirected | errors |")
    out.append("|---|---|---|---|---|")
    out.append("| requests seen by the client | {:,} | {:,} | {:,} | {:,} |".format(
        served["primary"], served["backup"], served["redirected"], errors["total"]))
    out.append("| requests counted by the backends | {:,} | {:,} | | |".format(backends["primary"], backends["backup"]))
    conns = client["connections"]
    out.append("| connections by first answer | {:,} | {:,} | {:,} | {:,} |".format(
        conns["primary"], conns["backup"], conns["redirected"], conns["failed"]))
    peak = client.get("adminPeakActive") or {}
    out.append("| peak activeConnections (admin API, sampled) | %s | %s | | |" % (
        peak.get("primary", "-"), peak.get("backup", "-")))
    out.append("| threshold (admin API) | %s | %s | | |" % (
        admin_field("primary", "threshold"), admin_field("backup", "threshold")))
    out.append("| spillovers / redirects / drops during the run (admin API, primary) | %s / %s / %s | | | |" % (
        admin_field("primary", "spillovers", delta), admin_field("primary", "redirects", delta),
        admin_field("primary", "drops", delta)))
    out.append("")
    if errors["total"]:
        out.append("- errors by kind: %s" % json.dumps(errors["byKind"]))
    out.append("- the client counts requests, the admin API counts connections at admission: %d connection(s)"
               " opened at the deadline and closed unused are in the admin API's counters only" % (
                   conns.get("unusedAtDeadline", 0)))
    for note in args.note or []:
        out.append("- " + note)
    if client.get("warmupSeconds"):
        w = client.get("warmup", {})
        out.append("- warm-up: %ss of the same load (%s errors), not counted; %s" % (
            client["warmupSeconds"], w.get("errors", {}).get("total", "?"),
            ("every slot given back %ss after it (admin API: 0 active connections)" % drained) if drained is not None
            else ("slots NOT all given back within 10 s after it" if with_admin else "no admin API to check slots")))
    out.append("- %s: %s" % ("PASS" if passed else "FAIL",
                             "0 errors and the backends' counts equal the client's" if passed else
                             "errors other than redirects, backend counts that differ from the client's, "
                             "or slots not given back after the warm-up"))
    out.append("JSON: %s" % shown_path(path, args.repo))
    print("\n".join(out))
    return 0 if passed else 1


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    for name in ("rounds", "spillover"):
        s = sub.add_parser(name)
        s.add_argument("--scenario", required=True)
        s.add_argument("--title", default="")
        s.add_argument("--results-dir", required=True)
        s.add_argument("--repo", required=True)
        s.add_argument("--contenders", default="")
        s.add_argument("--param", action="append", help="key=value shown with the table")
        s.add_argument("--note", action="append")
        s.add_argument("--tsv")
        s.add_argument("--versions")
    r = sub.choices["rounds"]
    r.add_argument("--metric", action="append", required=True)
    r.add_argument("--subject", default="spillway")
    s = sub.choices["spillover"]
    s.add_argument("--client", required=True)
    s.add_argument("--contender", required=True)
    s.add_argument("--backend-primary", type=int, required=True)
    s.add_argument("--backend-backup", type=int, required=True)
    args = p.parse_args()
    if args.command == "rounds":
        rounds_report(args)
        return 0
    return spillover_report(args)


if __name__ == "__main__":
    sys.exit(main())
