#!/usr/bin/env python3
"""pydicom-deid peer: `deid.dicom.replace_identifiers` with the package's default recipe.

    pydicom_deid.py INPUT_DIR OUTPUT_DIR [--limit N]

One process for all files. Each file is parsed and written with the default recipe (no `deid=`
argument, no `ids=` lookup, the library's defaults for everything else), under the same relative
path in OUTPUT_DIR. Files it cannot read or write are counted as refused. Prints
`files=N written=W refused=R`.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--limit")]
    limit = None
    for a in sys.argv[1:]:
        if a.startswith("--limit="):
            limit = int(a.split("=", 1)[1])
    src, dst = Path(args[0]), Path(args[1])
    os.environ.setdefault("MESSAGELEVEL", "0")  # deid's logger: errors only
    logging.disable(logging.WARNING)
    from deid.dicom import replace_identifiers  # noqa: PLC0415 - after the log level is set

    files = sorted(p for p in src.rglob("*") if p.is_file() and not p.name.startswith(".")
                   and p.name != "manifest.json")
    if limit is not None:
        files = files[:limit]
    written = refused = 0
    for path in files:
        out_dir = dst / path.parent.relative_to(src)
        out_dir.mkdir(parents=True, exist_ok=True)
        try:
            replace_identifiers(dicom_files=[str(path)], save=True, output_folder=str(out_dir), overwrite=True)
            written += 1
        except Exception:  # noqa: BLE001 - a file the tool cannot handle is refused
            refused += 1
    print("files=%d written=%d refused=%d" % (len(files), written, refused))
    return 0


if __name__ == "__main__":
    sys.exit(main())
