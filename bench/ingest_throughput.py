#!/usr/bin/env python3
"""Ingest from Orthanc: the node's `fedlake node ingest --once` against plain `curl` downloading the same
instances from the same Orthanc, in the same run.

    BENCH_BIN=.build-release/release/fedlake ingest_throughput.py CORPUS_DIR [--instances N] [--runs R]

Starts one Orthanc on loopback (bench/peers/orthanc_anon.py's OrthancServer), uploads N DICOM files of
CORPUS_DIR (sorted, the first N), then alternates, R times:
- curl: one `curl` process fetching every `/instances/{id}/file` (ids listed beforehand, connection reused,
  one transfer at a time: the plain download a script would do) into a fresh folder;
- ours: a fresh lake (`fedlake node init`), then `fedlake node ingest --once`: list /changes, fetch every
  instance, de-identify it, store it in the lake, committed in groups (one transaction per group).
Each run is timed (wall) under GNU time for peak RSS. Prints a Markdown table and writes
bench/out/ingest.json: instances/s and MB/s (source bytes) of both, the ratio ours/curl (target ≥ 0.8),
the lake's bytes per source byte, and the peak RSS of the ingest.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "peers"))
from orthanc_anon import OrthancServer  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
GNU_TIME = "/usr/bin/time"


def timed(command: list[str], env: dict[str, str] | None = None) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of a command; raises if it fails."""
    with tempfile.NamedTemporaryFile(prefix="bench-time-", delete=False) as tf:
        time_file = tf.name
    try:
        start = time.perf_counter()
        proc = subprocess.run([GNU_TIME, "-f", "%M", "-o", time_file, *command], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace")
        wall = time.perf_counter() - start
        if proc.returncode != 0:
            raise RuntimeError(f"{command[0]} failed ({proc.returncode}): {proc.stderr[-2000:]}")
        rss = int(Path(time_file).read_text().strip().splitlines()[-1])
        return wall, rss
    finally:
        os.unlink(time_file)


def dir_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus")
    parser.add_argument("--instances", type=int, default=int(os.environ.get("BENCH_INGEST_INSTANCES", "2000")))
    parser.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", "3")))
    args = parser.parse_args()
    fedlake = os.environ.get("BENCH_BIN", ".build-release/release/fedlake")
    files = sorted(p for p in Path(args.corpus).rglob("*.dcm"))[: args.instances]
    if len(files) < args.instances:
        files = sorted(p for p in Path(args.corpus).rglob("*") if p.is_file())[: args.instances]
    work = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    server = OrthancServer()
    try:
        ids = [i for i in (server.upload(f) for f in files) if i]
        source_bytes = sum(f.stat().st_size for f in files)
        print(f"Orthanc holds {len(ids)} instances ({source_bytes / 1e6:.1f} MB) of {len(files)} files", flush=True)
        user, secret = server.user, server.password
        secrets_dir = work / "secrets"
        secrets_dir.mkdir(mode=0o700)
        (secrets_dir / "orthanc").write_text(secret)
        os.chmod(secrets_dir / "orthanc", 0o600)
        (secrets_dir / "node.key").write_bytes(os.urandom(32))
        os.chmod(secrets_dir / "node.key", 0o600)
        curl_config = work / "curl.cfg"
        base = f"http://127.0.0.1:{server.port}"
        with curl_config.open("w") as cfg:
            cfg.write(f'user = "{user}:{secret}"\nsilent\nfail\n')
            for n, instance in enumerate(ids):
                cfg.write(f'url = "{base}/instances/{instance}/file"\noutput = "out/{n}.dcm"\n')
        os.chmod(curl_config, 0o600)
        results: dict[str, list[dict]] = {"curl": [], "ours": []}
        lake_bytes = 0
        for run in range(args.runs):
            order = ["curl", "ours"] if run % 2 == 0 else ["ours", "curl"]
            for tool in order:
                run_dir = work / f"{tool}-{run}"
                run_dir.mkdir()
                if tool == "curl":
                    (run_dir / "out").mkdir()
                    wall, rss = timed(["bash", "-c", f"cd {run_dir} && exec curl --config {curl_config}"])
                    fetched = len(list((run_dir / "out").iterdir()))
                else:
                    config = run_dir / "node.json"
                    config.write_text(json.dumps({
                        "institution": "Bench", "lake": str(run_dir / "lake"),
                        "secretKeyFile": str(secrets_dir / "node.key"),
                        "sources": [{"type": "orthanc", "name": "pacs", "url": base, "username": user,
                                     "passwordFile": str(secrets_dir / "orthanc")}],
                    }))
                    subprocess.run([fedlake, "node", "init", "--config", str(config)], check=True,
                                   stdout=subprocess.DEVNULL)
                    wall, rss = timed([fedlake, "node", "ingest", "--config", str(config), "--once"])
                    status = json.loads(subprocess.run(
                        [fedlake, "node", "status", "--config", str(config), "--json"], check=True,
                        stdout=subprocess.PIPE, text=True).stdout)
                    fetched = status["instances"] + status["quarantined"]
                    lake_bytes = dir_bytes(run_dir / "lake")
                if fetched != len(ids):
                    raise RuntimeError(f"{tool} handled {fetched} of {len(ids)} instances")
                results[tool].append({"seconds": wall, "peak_rss_kib": rss})
                print(f"run {run + 1} {tool}: {wall:.2f} s, peak RSS {rss / 1024:.1f} MiB", flush=True)
                # Run folders stay until the end: deleting thousands of files just before the next run makes
                # the next run's file creations slower (ext4 without a journal skips inodes deleted in the
                # last minute when it allocates one), which would charge one tool for the harness's cleanup.
        med = {t: statistics.median(r["seconds"] for r in rs) for t, rs in results.items()}
        summary = {
            "instances": len(ids), "source_bytes": source_bytes, "runs": args.runs, "results": results,
            "median_seconds": med,
            "instances_per_second": {t: len(ids) / s for t, s in med.items()},
            "ratio_ours_to_curl_rate": med["curl"] / med["ours"],
            "lake_bytes_per_source_byte": lake_bytes / source_bytes if source_bytes else None,
            "ours_peak_rss_mib": max(r["peak_rss_kib"] for r in results["ours"]) / 1024,
        }
        OUT.mkdir(exist_ok=True)
        (OUT / "ingest.json").write_text(json.dumps(summary, indent=2))
        print()
        print("| tool | median s | instances/s | MB/s | peak RSS MiB |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for tool in ("curl", "ours"):
            print(f"| {tool} | {med[tool]:.2f} | {len(ids) / med[tool]:.0f} | {source_bytes / 1e6 / med[tool]:.1f} "
                  f"| {max(r['peak_rss_kib'] for r in results[tool]) / 1024:.1f} |")
        print(f"\nours / curl (rate): {summary['ratio_ours_to_curl_rate']:.2f}  (target ≥ 0.80)")
        print(f"lake bytes per source byte: {summary['lake_bytes_per_source_byte']:.2f}")
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
