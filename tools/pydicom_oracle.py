#!/usr/bin/env python3
"""pydicom as an independent oracle for FedLake's DICOM reader.

Usage: pydicom_oracle.py list                 — print pydicom's bundled test files, one per line
       pydicom_oracle.py json FILE...         — print {"files": {path: result}} on stdout

Each result is {"transferSyntax": uid, "meta": {...}, "dataset": {...}} with the DICOM JSON model
(PS3.18 Annex F) that pydicom's `to_json_dict()` produces, binary values inline, or {"error": "..."} when
pydicom does not read the file. Files without a preamble and meta are read with force=True (as FedLake's
lenient mode reads them) and marked "forced": true.
"""
import json
import sys
import warnings


def list_files() -> int:
    # The bundled files only: pydicom.data's look-up functions also try to download an extra set,
    # which cannot be fetched here and costs a network time-out.
    import os
    import pydicom
    data = os.path.join(os.path.dirname(pydicom.__file__), "data")
    files = set()
    for folder in ("test_files", "charset_files"):
        for root, _, names in os.walk(os.path.join(data, folder)):
            files.update(os.path.join(root, name) for name in names)
    for path in sorted(files):
        if path.endswith((".dump", ".gz", ".icc", ".json", ".txt", ".py", ".pyc", ".bz2", ".zip")) or "__pycache__" in path or os.path.basename(path) == "README":
            continue
        print(path)
    return 0


def to_json(paths) -> int:
    import pydicom
    from pydicom.errors import InvalidDicomError
    results = {}
    for path in paths:
        forced = False
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    ds = pydicom.dcmread(path)
                except InvalidDicomError:
                    ds = pydicom.dcmread(path, force=True)
                    forced = True
                if len(ds) == 0:
                    raise ValueError("no elements")
                meta = ds.file_meta.to_json_dict() if ds.file_meta is not None else {}
                dataset = ds.to_json_dict(bulk_data_threshold=1 << 40)
            tsuid = str(ds.file_meta.get("TransferSyntaxUID", "")) if ds.file_meta is not None else ""
            results[path] = {"transferSyntax": tsuid, "meta": meta, "dataset": dataset, "forced": forced}
        except Exception as error:  # every failure is an answer: the test lists such files with the reason
            results[path] = {"error": f"{type(error).__name__}: {error}"}
    json.dump({"pydicom": pydicom.__version__, "files": results}, sys.stdout)
    return 0


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "list":
        sys.exit(list_files())
    if len(sys.argv) >= 2 and sys.argv[1] == "json":
        sys.exit(to_json(sys.argv[2:]))
    print(__doc__, file=sys.stderr)
    sys.exit(2)
