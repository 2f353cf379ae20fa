#!/usr/bin/env python3
"""De-identification throughput: ours and the peers, each paired with `cp -r` of the same input.

    bench/deid_throughput.py CORPUS_DIR [--sets ct,small] [--media tmpfs,disk] [--tools ...]

For each corpus set (ct/, small/) and each medium (tmpfs: /dev/shm; disk: bench/out/), the set is
copied onto the medium first, so input and output live on the same file system. Then every tool
runs BENCH_RUNS times (default 3); each run is a pair: the tool and `cp -r` of the same input
folder, back to back, the order alternating from run to run (tool first, then cp first, ...).
Outputs are deleted between runs (not timed). The figure that matters is the tool ÷ cp ratio of
each pair (disk timings swing a lot within minutes; a pair sees the same state); the table gives
its median, and the medians of wall time, files/s, MB/s (input bytes) and peak RSS (GNU time %M).

Slow peers run on the first BENCH_SLOW_FILES files of a set (default: 200 small, 50 CT), paired
with cp of that same subset. Orthanc: the files are uploaded once per set and medium (not timed);
a run is the loop `POST /instances/{id}/anonymize` + writing the answer, timed in this process;
its peak RSS is the server's (VmHWM).

Writes bench/out/deid-throughput-<profile>.json and prints Markdown tables.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE / "lib"))
sys.path.insert(0, str(HERE / "peers"))
import harness  # noqa: E402
from orthanc_anon import OrthancServer, anonymize_tree, list_files  # noqa: E402

OUT = HERE / "out"
ALL_TOOLS = ["ours", "ours-j1", "gdcmanon-basic", "gdcmanon-dumb", "dicognito", "pydicom-deid", "orthanc"]
SLOW = {"dicognito", "pydicom-deid"}


def gdcm_tags() -> list[str]:
    return [l.strip() for l in (HERE / "peers/gdcm_2008_tags.txt").read_text().splitlines()
            if l.strip() and not l.startswith("#")]


def command(tool: str, binary: str, key: Path, cert: Path, src: Path, dst: Path) -> str:
    if tool == "ours":
        return "%s deid --out %s --key-file %s --option basic %s" % (binary, dst, key, src)
    if tool == "ours-j1":
        return "%s deid --jobs 1 --out %s --key-file %s --option basic %s" % (binary, dst, key, src)
    if tool == "gdcmanon-basic":
        return "gdcmanon -e -c %s -r --continue -i %s -o %s" % (cert, src, dst)
    if tool == "gdcmanon-dumb":
        return "gdcmanon --dumb -r --continue %s -i %s -o %s" % (
            " ".join("--remove " + t for t in gdcm_tags()), src, dst)
    if tool == "dicognito":
        return "%s -m dicognito --quiet --output-directory %s %s" % (sys.executable, dst, src)
    if tool == "pydicom-deid":
        return "%s %s %s %s" % (sys.executable, HERE / "peers/pydicom_deid.py", src, dst)
    if tool == "cp":
        return "cp -r %s %s" % (src, dst)
    raise SystemExit("unknown tool " + tool)


def make_subset(src: Path, dst: Path, count: int) -> Path:
    if dst.exists():
        shutil.rmtree(dst)
    for path in sorted(p for p in src.rglob("*") if p.is_file())[:count]:
        out = dst / path.relative_to(src)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, out)
    return dst


def clear(path: Path) -> None:
    if path.exists():
        shutil.rmtree(path)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--sets", default="ct,small")
    ap.add_argument("--media", default="tmpfs,disk")
    ap.add_argument("--tools", default=",".join(ALL_TOOLS))
    ap.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS") or 3))
    ap.add_argument("--bin", default=os.environ.get("BENCH_BIN") or str(REPO / ".build-release/release/fedlake"))
    args = ap.parse_args()
    slow_files = {"small": int(os.environ.get("BENCH_SLOW_SMALL") or 200),
                  "ct": int(os.environ.get("BENCH_SLOW_CT") or 50)}
    profile = args.corpus.resolve().name
    tools = args.tools.split(",")

    keydir = OUT / "deid-throughput"
    keydir.mkdir(parents=True, exist_ok=True)
    key = keydir / "node.key"
    key.write_bytes(bytes((i * 37 + 11) % 256 for i in range(48)))
    key.chmod(0o600)
    cert = keydir / "gdcmanon-cert.pem"
    if not cert.exists():
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                        str(keydir / "gdcmanon-key.pem"), "-out", str(cert), "-days", "30", "-subj", "/CN=fedlake-bench"],
                       check=True, capture_output=True)

    media = {"tmpfs": Path("/dev/shm") / ("fedlake-deid-bench-%d" % os.getpid()), "disk": keydir / "work"}
    results = []
    try:
        for set_name in args.sets.split(","):
            source = args.corpus / set_name
            if not source.is_dir():
                raise SystemExit("missing %s: run make bench-corpus" % source)
            for medium in args.media.split(","):
                root = media[medium]
                clear(root)
                root.mkdir(parents=True)
                full = root / "in"
                shutil.copytree(source, full)
                subset = make_subset(full, root / "in-subset", slow_files[set_name])
                for tool in tools:
                    src = subset if tool in SLOW else full
                    files, size = harness.corpus_stats([str(src)])
                    out_tool, out_cp = root / "out-tool", root / "out-cp"
                    entry = {"set": set_name, "medium": medium, "tool": tool, "files": files, "bytes": size,
                             "subset": tool in SLOW, "pairs": []}
                    server = None
                    uploaded = []
                    if tool == "orthanc":
                        server = OrthancServer()
                        for path in list_files(src):
                            instance = server.upload(path)
                            if instance is not None:
                                uploaded.append((path, instance))
                    try:
                        for run in range(args.runs):
                            order = ["tool", "cp"] if run % 2 == 0 else ["cp", "tool"]
                            pair = {}
                            for which in order:
                                clear(out_tool)
                                clear(out_cp)
                                subprocess.run(["sync"], check=False)
                                if which == "cp":
                                    pair["cp"] = harness.run_once(command("cp", "", key, cert, src, out_cp))
                                elif server is not None:
                                    start = time.perf_counter()
                                    written = anonymize_tree(server, uploaded, src, out_tool)
                                    pair["tool"] = {"wall_s": time.perf_counter() - start,
                                                    "peak_rss_kib": server.peak_rss_kib(), "exit_code": 0,
                                                    "last_line": "written=%d" % written, "written": written}
                                else:
                                    pair["tool"] = harness.run_once(command(tool, args.bin, key, cert, src, out_tool))
                                    pair["tool"]["written"] = sum(1 for p in out_tool.rglob("*") if p.is_file()
                                                                  and p.name != "deid-report.json") if out_tool.exists() else 0
                                    if tool.startswith("ours") and (out_tool / "deid-report.json").exists():
                                        report = json.loads((out_tool / "deid-report.json").read_text())
                                        pair["tool"]["quarantined"] = len(report.get("quarantined", []))
                            pair["order"] = order
                            pair["ratio"] = pair["tool"]["wall_s"] / pair["cp"]["wall_s"]
                            entry["pairs"].append(pair)
                            print("  %-5s %-6s %-15s run %d: %7.3f s, cp %6.3f s, ratio %6.2f, rc=%s %s" % (
                                set_name, medium, tool, run + 1, pair["tool"]["wall_s"], pair["cp"]["wall_s"],
                                pair["ratio"], pair["tool"]["exit_code"], pair["tool"].get("last_line", "")[:50]),
                                file=sys.stderr)
                    finally:
                        if server is not None:
                            server.stop()
                    ok = [p for p in entry["pairs"] if p["tool"]["exit_code"] == 0]
                    entry["failed_runs"] = len(entry["pairs"]) - len(ok)
                    entry["written"] = entry["pairs"][-1]["tool"].get("written", 0) if entry["pairs"] else 0
                    if ok:
                        wall = statistics.median(p["tool"]["wall_s"] for p in ok)
                        entry["median_wall_s"] = wall
                        entry["median_cp_s"] = statistics.median(p["cp"]["wall_s"] for p in ok)
                        entry["median_ratio"] = statistics.median(p["ratio"] for p in ok)
                        entry["files_per_s"] = files / wall
                        entry["mb_per_s"] = size / 1e6 / wall
                        rss = [p["tool"]["peak_rss_kib"] for p in ok if p["tool"]["peak_rss_kib"]]
                        entry["peak_rss_kib"] = max(rss) if rss else None
                        entry["quarantined"] = ok[-1]["tool"].get("quarantined")
                    results.append(entry)
                    clear(out_tool)
                    clear(out_cp)
                # Memory flat in corpus size: ours on a quarter of the set, once.
                if "ours" in tools:
                    quarter = make_subset(full, root / "in-quarter", max(1, harness.corpus_stats([str(full)])[0] // 4))
                    r = harness.run_once(command("ours", args.bin, key, cert, quarter, root / "out-quarter"))
                    results.append({"set": set_name, "medium": medium, "tool": "ours (¼ of the set, RSS check)",
                                    "files": harness.corpus_stats([str(quarter)])[0], "peak_rss_kib": r["peak_rss_kib"],
                                    "median_wall_s": r["wall_s"], "rss_only": True})
                clear(root)
    finally:
        for root in media.values():
            clear(root)

    report = {"name": "deid-throughput-%s" % profile, "corpus": str(args.corpus), "runs": args.runs,
              "slow_files": slow_files, "environment": harness.environment(), "results": results}
    OUT.mkdir(parents=True, exist_ok=True)
    out_file = OUT / ("deid-throughput-%s.json" % profile)
    out_file.write_text(json.dumps(report, indent=2) + "\n")

    fmt = lambda v, f: (f % v) if v is not None else "—"  # noqa: E731
    for set_name in args.sets.split(","):
        print("\n### deid throughput — %s/%s, median of %d pairs (tool, cp -r) in alternating order\n" % (
            profile, set_name, args.runs))
        print("| medium | tool | files | MB | median s | cp s | files/s | MB/s | tool ÷ cp (median of pairs) | peak RSS MiB | written | quarantined |")
        print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for e in results:
            if e["set"] != set_name:
                continue
            if e.get("rss_only"):
                print("| %s | %s | %d | | %.3f | | | | | %s | | |" % (
                    e["medium"], e["tool"], e["files"], e["median_wall_s"],
                    fmt(e["peak_rss_kib"] and e["peak_rss_kib"] / 1024, "%.1f")))
                continue
            name = e["tool"] + (" (subset)" if e["subset"] else "") + (" (%d failed)" % e["failed_runs"] if e["failed_runs"] else "")
            print("| %s | %s | %d | %.1f | %s | %s | %s | %s | %s | %s | %d | %s |" % (
                e["medium"], name, e["files"], e["bytes"] / 1e6, fmt(e.get("median_wall_s"), "%.3f"),
                fmt(e.get("median_cp_s"), "%.3f"), fmt(e.get("files_per_s"), "%.0f"), fmt(e.get("mb_per_s"), "%.1f"),
                fmt(e.get("median_ratio"), "%.2f×"), fmt(e.get("peak_rss_kib") and e["peak_rss_kib"] / 1024, "%.1f"),
                e["written"], fmt(e.get("quarantined"), "%d")))
    print("\nraw runs: %s" % os.path.relpath(out_file))
    return 0


if __name__ == "__main__":
    sys.exit(main())
