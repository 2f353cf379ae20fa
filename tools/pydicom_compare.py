#!/usr/bin/env python3
"""pydicom as an independent check of FedLake's DICOM writer.

Usage: pydicom_compare.py INPUT OUTPUT [INPUT OUTPUT ...]

For each pair, reads INPUT as pydicom_oracle.py does (force=True for files without meta) and OUTPUT — a file
FedLake wrote from INPUT — with every warning turned into an error, and compares their DICOM JSON
(`to_json_dict`) element by element. Prints {"pairs": [{"input", "output", "differences": [...]}]} on stdout;
an OUTPUT pydicom cannot read, or reads only with a warning, gives a difference saying so.

Intended differences, not reported:
- File Meta Information: group length (0002,0000), File Meta Information Version (0002,0001, always 00 01),
  Implementation Class UID (0002,0012) and Version Name (0002,0013) are the writer's own (PS3.10 §7.1), and the
  Transfer Syntax UID (0002,0010) is the one written.
- A binary value of odd length in the input comes back with one NUL byte of padding: values have even length
  (PS3.5 §7.1.1, §6.2).
- pydicom warnings about the input's own values (an invalid UI, a VR it cannot look up) come back when it reads
  the output; only warnings the input did not raise count.
- pydicom keeps OW/OF/OL/OD/OV bytes of explicit VR big endian files in file byte order; the writer converts
  them to the output's order, so they are compared as values (swapped per value size).
- An input without File Meta Information gets one from the writer; then only the data sets are compared.
"""
import base64
import json
import sys
import warnings

META_IGNORED = {"00020000", "00020001", "00020010", "00020012", "00020013"}
SWAP_UNIT = {"OW": 2, "OF": 4, "OL": 4, "OD": 8, "OV": 8}


def read_input(path):
    import pydicom
    from pydicom.errors import InvalidDicomError
    try:
        return pydicom.dcmread(path)
    except InvalidDicomError:
        return pydicom.dcmread(path, force=True)


def is_big_endian(ds):
    meta = ds.file_meta
    uid = str(meta.get("TransferSyntaxUID", "")) if meta is not None else ""
    if uid:
        return uid == "1.2.840.10008.1.2.2"
    return not getattr(ds, "is_little_endian", True)


def little_endian(value_b64, vr, big):
    data = base64.b64decode(value_b64)
    unit = SWAP_UNIT.get(vr, 1)
    if not big or unit == 1 or len(data) % unit:
        return data
    return b"".join(data[i:i + unit][::-1] for i in range(0, len(data), unit))


def compare(a, b, big_a, big_b, path, out, ignored=frozenset()):
    for key in sorted(set(a) | set(b)):
        if key in ignored:
            continue
        where = f"{path}/{key}"
        if key not in b:
            out.append(f"{where}: missing from our output")
            continue
        if key not in a:
            out.append(f"{where}: only in our output")
            continue
        x, y = a[key], b[key]
        if x.get("vr") != y.get("vr"):
            out.append(f"{where}: VR {x.get('vr')} became {y.get('vr')}")
            continue
        if "InlineBinary" in x or "InlineBinary" in y:
            if "InlineBinary" not in x or "InlineBinary" not in y:
                out.append(f"{where}: binary value present on one side only")
            else:
                before = little_endian(x["InlineBinary"], x["vr"], big_a)
                after = little_endian(y["InlineBinary"], y["vr"], big_b)
                if len(before) % 2 == 1 and after == before + b"\0":
                    continue  # padded to even length
                if before != after:
                    out.append(f"{where}: binary value differs")
            continue
        if x.get("vr") == "SQ":
            xs, ys = x.get("Value", []), y.get("Value", [])
            if len(xs) != len(ys):
                out.append(f"{where}: {len(xs)} items became {len(ys)}")
                continue
            for index, (p, q) in enumerate(zip(xs, ys)):
                compare(p, q, big_a, big_b, f"{where}/Value/{index}", out)
            continue
        if x.get("Value") != y.get("Value"):
            out.append(f"{where}: value differs")


def main(args):
    import pydicom
    pairs = []
    for input_path, output_path in zip(args[0::2], args[1::2]):
        differences = []
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                original = read_input(input_path)
                original_meta = original.file_meta.to_json_dict() if original.file_meta is not None else {}
                original_json = original.to_json_dict(bulk_data_threshold=1 << 40)
            known = {str(w.message) for w in caught}
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                written = pydicom.dcmread(output_path)
                written_meta = written.file_meta.to_json_dict()
                written_json = written.to_json_dict(bulk_data_threshold=1 << 40)
            for warning in caught:  # a warning on our output that the input did not cause is a failure
                if str(warning.message) not in known:
                    differences.append(f"{warning.category.__name__}: {warning.message}")
            big_a, big_b = is_big_endian(original), is_big_endian(written)
            if original_meta:  # a file read without meta gets one from the writer: nothing to compare it with
                compare(original_meta, written_meta, big_a, big_b, "meta", differences, META_IGNORED)
            compare(original_json, written_json, big_a, big_b, "", differences)
        except Exception as error:  # every failure is an answer
            differences.append(f"{type(error).__name__}: {error}")
        pairs.append({"input": input_path, "output": output_path, "differences": differences})
    json.dump({"pydicom": pydicom.__version__, "pairs": pairs}, sys.stdout)
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 3 or len(sys.argv) % 2 == 0:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1:]))
