#!/usr/bin/env python3
"""dicognito peer that keeps the folder layout: `dicognito.anonymizer.Anonymizer` on each file.

    dicognito_tree.py INPUT_DIR OUTPUT_DIR

The dicognito command line names its outputs by the new SOP Instance UID in one flat folder, so a
leak check cannot tell which input a file came from (needed for the date rule). This does what the
command line does for each file (read with pydicom, `Anonymizer().anonymize(dataset)` with one
anonymizer for the run, write) and keeps the relative path. The command line's burned-in
annotation guard only warns by default, so it is left out. Prints `files=N written=W refused=R`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pydicom
from dicognito.anonymizer import Anonymizer


def main() -> int:
    src, dst = Path(sys.argv[1]), Path(sys.argv[2])
    anonymizer = Anonymizer()
    files = sorted(p for p in src.rglob("*") if p.is_file() and not p.name.startswith(".")
                   and p.name != "manifest.json")
    written = refused = 0
    for path in files:
        try:
            with pydicom.dcmread(path, force=False) as dataset:
                anonymizer.anonymize(dataset)
                out = dst / path.relative_to(src)
                out.parent.mkdir(parents=True, exist_ok=True)
                dataset.save_as(out)
            written += 1
        except Exception:  # noqa: BLE001 - not DICOM, or not writable: refused
            refused += 1
    print("files=%d written=%d refused=%d" % (len(files), written, refused))
    return 0


if __name__ == "__main__":
    sys.exit(main())
