#!/usr/bin/env python3
"""Leak comparison: which planted values survive each de-identifier (bench/README.md, "deid-leaks").

    bench/deid_leaks.py [--patients 5] [--seed 7] [--bin .build-release/release/fedlake] [--tools a,b,...]

1. `fedlake synth` writes a corpus with a canary in every PS3.15 Table E.1-1 attribute and its
   manifest; the manifest is moved out of the input folder (no tool gets to copy it).
2. Each tool de-identifies the same input folder into its own output folder.
3. bench/lib/leaks.py searches every output byte for every planted value (the rules of
   Tests/CLITests/ZeroLeakTests.swift).

Writes bench/out/deid-leaks.json and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE / "lib"))
import leaks  # noqa: E402

OUT = HERE / "out"
WORK = OUT / "deid-leaks"
GROUPS = ["name", "id", "date", "uid", "text", "private", "file-meta"]


def sh(argv: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(argv, capture_output=True, text=True, errors="replace", **kw)


def last_counts(text: str) -> dict[str, str]:
    lines = [l for l in text.splitlines() if "=" in l]
    return dict(re.findall(r"(\w+)=(\S+)", lines[-1])) if lines else {}


def count_files(folder: Path, ignore: tuple[str, ...] = ("deid-report.json",)) -> int:
    return sum(1 for p in folder.rglob("*") if p.is_file() and p.name not in ignore)


def gdcm_tags() -> list[str]:
    return [l.strip() for l in (HERE / "peers/gdcm_2008_tags.txt").read_text().splitlines()
            if l.strip() and not l.startswith("#")]


def ensure_certificate(folder: Path) -> Path:
    """A throwaway self-signed certificate: gdcmanon's basic profile (-e) encrypts the original values into
    the Encrypted Attributes Sequence for this certificate and will not run without one."""
    cert = folder / "gdcmanon-cert.pem"
    if not cert.exists():
        folder.mkdir(parents=True, exist_ok=True)
        r = sh(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(folder / "gdcmanon-key.pem"),
                "-out", str(cert), "-days", "30", "-subj", "/CN=fedlake-bench"])
        if r.returncode != 0:
            sys.exit("openssl could not make a certificate for gdcmanon: " + r.stderr[-300:])
    return cert


def run_tool(name: str, binary: str, key: Path, src: Path, dst: Path) -> dict:
    """Runs one tool; returns written/refused counts, exit code, seconds and how outputs map to inputs."""
    if dst.exists():
        shutil.rmtree(dst)
    dst.mkdir(parents=True)
    inputs = sum(1 for p in src.rglob("*") if p.is_file())
    start = time.perf_counter()
    result: dict = {"tool": name}
    if name.startswith("ours"):
        options = ["--option", "basic"] if name == "ours-basic" else []
        r = sh([binary, "deid", "--out", str(dst), "--key-file", str(key), *options, "--json", str(src)])
        report = json.loads((dst / "deid-report.json").read_text()) if (dst / "deid-report.json").exists() else {}
        quarantined = report.get("quarantined", [])
        result["quarantined_dicom"] = sum(1 for q in quarantined if q.get("path", "").endswith(".dcm"))
        result["quarantined_documents"] = len(quarantined) - result["quarantined_dicom"]
        result["refused"] = len(quarantined)
    elif name == "dicognito":
        r = sh([sys.executable, str(HERE / "peers/dicognito_tree.py"), str(src), str(dst)])
        result["refused"] = int(last_counts(r.stdout).get("refused", -1))
    elif name == "pydicom-deid":
        r = sh([sys.executable, str(HERE / "peers/pydicom_deid.py"), str(src), str(dst)])
        result["refused"] = int(last_counts(r.stdout).get("refused", -1))
    elif name == "gdcmanon-basic":
        cert = ensure_certificate(WORK)
        r = sh(["gdcmanon", "-e", "-c", str(cert), "-r", "--continue", "-i", str(src), "-o", str(dst)])
    elif name == "gdcmanon-dumb":
        argv = ["gdcmanon", "--dumb", "-r", "--continue"]
        for tag in gdcm_tags():
            argv += ["--remove", tag]
        r = sh(argv + ["-i", str(src), "-o", str(dst)])
    elif name == "orthanc":
        r = sh([sys.executable, str(HERE / "peers/orthanc_anon.py"), str(src), str(dst)])
        result["refused"] = int(last_counts(r.stdout).get("refused", -1))
        result["version"] = last_counts(r.stdout).get("version", "")
    else:
        sys.exit("unknown tool " + name)
    result["seconds"] = time.perf_counter() - start
    result["exit_code"] = r.returncode
    if r.returncode != 0:
        result["stderr_tail"] = r.stderr[-400:]
    result["written"] = count_files(dst)
    if "refused" not in result:
        result["refused"] = inputs - result["written"]
    result["inputs"] = inputs
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--patients", type=int, default=int(os.environ.get("BENCH_DEID_PATIENTS") or 5))
    ap.add_argument("--seed", type=int, default=int(os.environ.get("BENCH_DEID_SEED") or 7))
    ap.add_argument("--bin", default=os.environ.get("BENCH_BIN") or str(REPO / ".build-release/release/fedlake"))
    ap.add_argument("--tools", default="ours-basic,ours-node,gdcmanon-basic,gdcmanon-dumb,dicognito,pydicom-deid,orthanc")
    args = ap.parse_args()

    corpus = WORK / "corpus"
    src = WORK / "input"
    for d in (corpus, src):
        if d.exists():
            shutil.rmtree(d)
    r = sh([args.bin, "synth", "--out", str(corpus), "--patients", str(args.patients), "--seed", str(args.seed)])
    if r.returncode != 0:
        sys.exit("fedlake synth failed: " + r.stderr[-400:])
    shutil.copytree(corpus, src, ignore=shutil.ignore_patterns("manifest.json"))
    key = WORK / "node.key"
    key.write_bytes(bytes((i * 37 + 11) % 256 for i in range(48)))
    key.chmod(0o600)

    results = []
    for name in args.tools.split(","):
        print("  running %s ..." % name, file=sys.stderr)
        result = run_tool(name, args.bin, key, src, WORK / ("out-" + name))
        options = {"ours-basic": "basic", "ours-node": "node-default"}.get(name, "none")
        result["leaks"] = leaks.count(corpus, WORK / ("out-" + name), options)
        print("    written=%d refused=%d leaked=%d (%.1f s)" % (result["written"], result["refused"],
              result["leaks"]["leaked"], result["seconds"]), file=sys.stderr)
        results.append(result)

    dicom_inputs = sum(1 for p in src.rglob("*.dcm"))
    report = {"name": "deid-leaks", "patients": args.patients, "seed": args.seed, "inputs": results[0]["inputs"],
              "dicom_inputs": dicom_inputs, "tools": results,
              "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
              "commit": sh(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"]).stdout.strip()}
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "deid-leaks.json").write_text(json.dumps(report, indent=2) + "\n")

    checked = {r["tool"]: r["leaks"]["checked"] for r in results}
    print("\n### deid-leaks — `fedlake synth --patients %d --seed %d`: %d inputs (%d DICOM, %d documents)\n" % (
        args.patients, args.seed, report["inputs"], dicom_inputs, report["inputs"] - dicom_inputs))
    print("| tool | values checked | files written | refused / quarantined | leaked values | "
          + " | ".join(GROUPS) + " | of which planted in documents | occurrences |")
    print("| --- | ---: | ---: | ---: | ---: | " + " | ".join("---:" for _ in GROUPS) + " | ---: | ---: |")
    for r in results:
        lk = r["leaks"]
        refused = str(r["refused"])
        if "quarantined_dicom" in r:
            refused += " (%d DICOM, %d documents)" % (r["quarantined_dicom"], r["quarantined_documents"])
        flag = "" if r["exit_code"] == 0 else " (exit %d)" % r["exit_code"]
        print("| %s%s | %d | %d | %s | %d | %s | %d | %d |" % (
            r["tool"], flag, checked[r["tool"]], r["written"], refused, lk["leaked"],
            " | ".join(str(lk["leaked_by_group"].get(g, 0)) for g in GROUPS), lk["leaked_from_documents"],
            lk["occurrences"]))
    print("\nraw results: %s" % os.path.relpath(OUT / "deid-leaks.json"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
