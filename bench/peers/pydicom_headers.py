#!/usr/bin/env python3
"""Peer for the header benchmark: pydicom reads every file under the given folders up to the
pixel data, in one process, and prints the same counts as `fedlake-bench headers`.

`elements` is the number of top-level data elements of each data set (File Meta Information
excluded) summed over all files. `len(ds)` counts pydicom's raw elements without decoding
their values, so pydicom is not charged for work our tool does not do either.
"""

import os
import sys

from pydicom import dcmread
from pydicom.errors import InvalidDicomError


def main() -> int:
    files = elements = failed = 0
    for top in sys.argv[1:]:
        for root, subdirs, names in os.walk(top):
            subdirs[:] = sorted(s for s in subdirs if not s.startswith("."))
            for name in sorted(names):
                if name.startswith("."):
                    continue
                try:
                    ds = dcmread(os.path.join(root, name), stop_before_pixels=True)
                except (InvalidDicomError, OSError, ValueError, EOFError):
                    failed += 1
                    continue
                files += 1
                elements += len(ds)
    print("files=%d elements=%d failed=%d" % (files, elements, failed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
