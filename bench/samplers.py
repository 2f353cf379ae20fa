#!/usr/bin/env python3
"""Sampler throughput: FedLake's exact discrete Laplace and discrete Gaussian samplers against OpenDP's.

    BENCH_BIN=.build-release/release/privacy-bench python3 bench/samplers.py

Ours: `privacy-bench laplace|gaussian SCALE COUNT` (one thread, OpenSSL's DRBG), which prints
`draws=N seconds=S rate=R sum=X`; the rate is taken from its own timer around the sampling loop, and its
CPU time (user + system, from getrusage of the child) is recorded too. The peer: OpenDP (pip `opendp`),
`make_laplace` / `make_gaussian` on a vector of zeros of `int`s, so all draws happen in one call into its Rust
library (its samplers are exact too, over arbitrary-precision integers), timed with perf_counter and
process_time around that call. For the Gaussian the scale is σ in both.

Each round runs every (distribution, scale) for ours and then the peer; the first round is a warm-up and is
discarded; the table reports the median over BENCH_RUNS rounds (default 5). Environment:
BENCH_SAMPLER_DRAWS (ours, default 10^6), BENCH_PEER_DRAWS (OpenDP, default 10^5: it is much slower),
BENCH_SCALES (comma-separated, default 1,10,1000,1000000). Writes bench/out/samplers.json and prints a
Markdown table.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out" / "samplers.json"


def ours(binary: str, kind: str, scale: str, draws: int) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run([binary, kind, scale, str(draws)], capture_output=True, text=True, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    fields = dict(item.split("=", 1) for item in proc.stdout.split())
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"draws": int(fields["draws"]), "rate": float(fields["rate"]), "cpu_rate": int(fields["draws"]) / cpu}


def peer(kind: str, scale: str, draws: int) -> dict:
    import opendp.prelude as dp

    domain = dp.vector_domain(dp.atom_domain(T=int))
    if kind == "laplace":
        measurement = dp.m.make_laplace(domain, dp.l1_distance(T=int), scale=float(scale))
    else:
        measurement = dp.m.make_gaussian(domain, dp.l2_distance(T=int), scale=float(scale))
    data = [0] * draws
    wall = time.perf_counter()
    cpu = time.process_time()
    result = measurement(data)
    cpu = time.process_time() - cpu
    wall = time.perf_counter() - wall
    assert len(result) == draws
    return {"draws": draws, "rate": draws / wall, "cpu_rate": draws / cpu}


def main() -> None:
    import opendp.prelude as dp

    dp.enable_features("contrib")
    binary = os.environ.get("BENCH_BIN", ".build-release/release/privacy-bench")
    runs = int(os.environ.get("BENCH_RUNS", "5"))
    draws = int(os.environ.get("BENCH_SAMPLER_DRAWS", "1000000"))
    peer_draws = int(os.environ.get("BENCH_PEER_DRAWS", "100000"))
    scales = os.environ.get("BENCH_SCALES", "1,10,1000,1000000").split(",")
    cases = [(kind, scale) for kind in ("laplace", "gaussian") for scale in scales]
    results: dict[str, dict[str, list[dict]]] = {f"{k} {s}": {"ours": [], "opendp": []} for k, s in cases}
    for round_index in range(runs + 1):
        for kind, scale in cases:
            key = f"{kind} {scale}"
            a = ours(binary, kind, scale, draws)
            b = peer(kind, scale, peer_draws)
            if round_index > 0:
                results[key]["ours"].append(a)
                results[key]["opendp"].append(b)
            print(f"round {round_index} {key}: ours {a['rate']:.0f}/s, OpenDP {b['rate']:.0f}/s", file=sys.stderr)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    environment = {
        "cpu": next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if "model name" in line), "?"),
        "kernel": platform.release(),
        "opendp": importlib.metadata.version("opendp"),
        "python": platform.python_version(),
        "load_average": os.getloadavg(),
        "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip(),
    }
    OUT.write_text(json.dumps({"environment": environment, "runs": runs, "results": results}, indent=1) + "\n")
    print(f"OpenDP {environment['opendp']}, {environment['cpu']}, median of {runs} runs; "
          f"ours {draws} draws, OpenDP {peer_draws} draws per run\n")
    print("| sampler | scale | ours draws/s (wall) | ours draws/s (CPU) | OpenDP draws/s (wall) | OpenDP draws/s (CPU) "
          "| ours ÷ OpenDP (wall) |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for kind, scale in cases:
        entry = results[f"{kind} {scale}"]
        median = {side: {metric: statistics.median(r[metric] for r in entry[side]) for metric in ("rate", "cpu_rate")}
                  for side in ("ours", "opendp")}
        name = "discrete Laplace t" if kind == "laplace" else "discrete Gaussian σ"
        print(f"| {name} | {scale} | {median['ours']['rate']:,.0f} | {median['ours']['cpu_rate']:,.0f} "
              f"| {median['opendp']['rate']:,.0f} | {median['opendp']['cpu_rate']:,.0f} "
              f"| {median['ours']['rate'] / median['opendp']['rate']:,.1f} |")


if __name__ == "__main__":
    main()
