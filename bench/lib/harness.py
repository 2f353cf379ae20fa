#!/usr/bin/env python3
"""Run competing commands back to back and compare wall time and peak memory.

    harness.py --name headers-small --corpus bench/corpus/small \
        --tool 'ours=.build-release/release/fedlake-bench headers bench/corpus/small' \
        --tool 'pydicom=python3 bench/peers/pydicom_headers.py bench/corpus/small'

The first --tool is "ours"; every other tool is a peer. Each round runs every tool once, in
the order given, so the tools share the machine's state (page cache, CPU frequency, other
load) as closely as possible; one warm-up round is discarded. Each command runs under
`/usr/bin/time -f %M` (GNU time) for the peak resident set size, and the harness measures wall
time around it. A command's stdout is kept; if its last line has `key=value` pairs (for
example `files=10000 elements=2118450`), the harness checks that every tool printing the same
key reports the same value, so no tool is compared on less work than another.

Writes bench/out/<name>.json (all runs) and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GNU_TIME = "/usr/bin/time"
OUT_DIR = Path(__file__).resolve().parent.parent / "out"


def corpus_stats(dirs: list[str]) -> tuple[int, int]:
    """Number of regular files and their total size under the given folders (hidden files skipped)."""
    files = size = 0
    for d in dirs:
        for root, subdirs, names in os.walk(d):
            subdirs[:] = [s for s in subdirs if not s.startswith(".")]
            for name in names:
                if name.startswith("."):
                    continue
                files += 1
                size += os.stat(os.path.join(root, name)).st_size
    return files, size


def run_once(command: str) -> dict:
    """Runs one command under GNU time; returns wall seconds, peak RSS in KiB, exit code and last output line."""
    with tempfile.NamedTemporaryFile(prefix="bench-time-", suffix=".txt", delete=False) as tf:
        time_file = tf.name
    try:
        start = time.perf_counter()
        proc = subprocess.run([GNU_TIME, "-f", "%M", "-o", time_file, "bash", "-c", "exec " + command],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace")
        wall = time.perf_counter() - start
        rss_lines = [l for l in Path(time_file).read_text().splitlines() if l.strip().isdigit()]
    finally:
        os.unlink(time_file)
    lines = [l for l in proc.stdout.splitlines() if l.strip()]
    return {
        "wall_s": wall,
        "peak_rss_kib": int(rss_lines[-1]) if rss_lines else None,
        "exit_code": proc.returncode,
        "last_line": lines[-1] if lines else "",
        "stderr_tail": proc.stderr[-500:] if proc.returncode else "",
    }


def tool_version(argv0: str) -> str:
    for flag in ("--version",):
        try:
            out = subprocess.run([argv0, flag], capture_output=True, text=True, timeout=20)
            text = (out.stdout or out.stderr).strip().splitlines()
            return text[0] if text else ""
        except (OSError, subprocess.SubprocessError):
            return ""
    return ""


def environment() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    versions = {"python": platform.python_version()}
    try:
        import pydicom  # noqa: PLC0415 - optional, only for the record
        versions["pydicom"] = pydicom.__version__
    except ImportError:
        pass
    if shutil.which("dcmdump"):
        versions["dcmdump"] = tool_version("dcmdump")
    if shutil.which("swift"):
        versions["swift"] = tool_version("swift")
    return {"cpu": cpu, "cpus": os.cpu_count(), "kernel": platform.release(), "commit": commit,
            "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "versions": versions}


def parse_counts(line: str) -> dict[str, str]:
    return dict(re.findall(r"(\w+)=(\S+)", line))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--name", required=True, help="benchmark name; output goes to bench/out/<name>.json")
    ap.add_argument("--corpus", action="append", default=[], help="folder the tools read (for files/s and MB/s)")
    ap.add_argument("--tool", action="append", required=True, metavar="NAME=COMMAND",
                    help="a tool and its shell command; the first one is ours")
    ap.add_argument("--runs", type=int, default=int((os.environ.get("BENCH_RUNS") or "5")))
    ap.add_argument("--warmup", type=int, default=int((os.environ.get("BENCH_WARMUP") or "1")))
    ap.add_argument("--out", default=str(OUT_DIR))
    args = ap.parse_args()

    if not os.access(GNU_TIME, os.X_OK):
        sys.exit("harness: %s (GNU time) is missing; install the Debian package 'time'" % GNU_TIME)
    tools = []
    for spec in args.tool:
        name, sep, command = spec.partition("=")
        if not sep or not command:
            sys.exit("harness: --tool wants NAME=COMMAND, got %r" % spec)
        tools.append({"name": name, "command": command, "runs": []})

    files, size = corpus_stats(args.corpus)
    total_rounds = args.warmup + args.runs
    for rnd in range(total_rounds):
        warm = rnd < args.warmup
        for tool in tools:
            result = run_once(tool["command"])
            label = "warm-up" if warm else "run %d/%d" % (rnd - args.warmup + 1, args.runs)
            print("  %-8s %-10s %7.3f s  %8s KiB  rc=%d  %s" % (label, tool["name"], result["wall_s"],
                  result["peak_rss_kib"], result["exit_code"], result["last_line"][:60]), file=sys.stderr)
            if result["exit_code"] != 0:
                print("  %s failed:\n%s" % (tool["name"], result["stderr_tail"]), file=sys.stderr)
            if not warm:
                tool["runs"].append(result)

    # Medians and rates.
    for tool in tools:
        ok = [r for r in tool["runs"] if r["exit_code"] == 0]
        tool["failed_runs"] = len(tool["runs"]) - len(ok)
        walls = [r["wall_s"] for r in ok]
        rss = [r["peak_rss_kib"] for r in ok if r["peak_rss_kib"] is not None]
        tool["median_wall_s"] = statistics.median(walls) if walls else None
        tool["median_peak_rss_kib"] = statistics.median(rss) if rss else None
        tool["max_peak_rss_kib"] = max(rss) if rss else None
        med = tool["median_wall_s"]
        tool["files_per_s"] = files / med if med else None
        tool["mb_per_s"] = size / 1e6 / med if med else None
        tool["counts"] = parse_counts(ok[-1]["last_line"]) if ok else {}

    ours = tools[0]
    for peer in tools[1:]:
        if ours["median_wall_s"] and peer["median_wall_s"]:
            peer["ours_speedup"] = peer["median_wall_s"] / ours["median_wall_s"]
        if ours["median_peak_rss_kib"] and peer["median_peak_rss_kib"]:
            peer["ours_rss_ratio"] = ours["median_peak_rss_kib"] / peer["median_peak_rss_kib"]

    # Same work? Every key printed by more than one tool must agree.
    mismatches = []
    keys = {k for t in tools for k in t["counts"]}
    for key in sorted(keys):
        values = {t["name"]: t["counts"][key] for t in tools if key in t["counts"]}
        if len(set(values.values())) > 1:
            mismatches.append({"key": key, "values": values})

    report = {"name": args.name, "corpus": args.corpus, "files": files, "bytes": size, "runs": args.runs,
              "warmup": args.warmup, "environment": environment(), "tools": tools, "count_mismatches": mismatches}
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    out_file = out_dir / ("%s.json" % args.name)
    out_file.write_text(json.dumps(report, indent=2) + "\n")

    print("\n### %s — %d files, %.1f MB, median of %d runs (after %d warm-up)\n" % (
        args.name, files, size / 1e6, args.runs, args.warmup))
    print("| tool | median wall s | files/s | MB/s | peak RSS MiB | ours × faster | ours RSS ÷ peer | runs (s) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for t in tools:
        fmt = lambda v, f: (f % v) if v is not None else "—"  # noqa: E731
        print("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
            t["name"], fmt(t["median_wall_s"], "%.3f"), fmt(t["files_per_s"], "%.0f"), fmt(t["mb_per_s"], "%.1f"),
            fmt(t["median_peak_rss_kib"] and t["median_peak_rss_kib"] / 1024, "%.1f"),
            fmt(t.get("ours_speedup"), "%.2f×"), fmt(t.get("ours_rss_ratio"), "%.2f"),
            " ".join("%.2f" % r["wall_s"] for r in t["runs"])))
    for t in tools:
        if t["counts"]:
            print("\n%s printed: %s" % (t["name"], " ".join("%s=%s" % kv for kv in t["counts"].items())), end="")
    print()
    for m in mismatches:
        print("\n**count mismatch** %s: %s" % (m["key"], m["values"]))
    failed = [t["name"] for t in tools if t["failed_runs"]]
    if failed:
        print("\n**failed runs**: %s" % ", ".join(failed))
    print("\nraw runs: %s" % os.path.relpath(out_file))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
