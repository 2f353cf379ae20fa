#!/usr/bin/env python3
"""Count planted values that survive de-identification: the rules of Tests/CLITests/ZeroLeakTests.swift.

    leaks.py --corpus CORPUS --output OUT [--options basic | --options node-default | --options none]

CORPUS holds `manifest.json` written by `fedlake synth`; OUT is what a de-identifier wrote (any layout,
any file names). Every byte of every output file is searched for every planted value:

- only values the manifest marks `detectable` (short numbers occur by chance and are not);
- times (`kind == time`) are skipped: whole-day date shifting keeps them by design (PS3.15 §E.3.6);
- with `--options basic` or `--options node-default`, attributes whose PS3.15 Table E.1-1 action is K under
  those options are skipped (retained on purpose); the table is read from the Swift sources
  (ConfidentialityProfile+Generated.swift) so both sides use the same rows. `--options none` (the peers,
  whose profiles do not map onto the table's options) skips nothing but times;
- matching is ASCII case-insensitive, on the value encoded in its planted Specific Character Set (as LO
  and as PN, PS3.5 §6.1) and in UTF-8; patterns shorter than 3 bytes are dropped;
- a DICOM output is searched twice: as bytes, and as its text values decoded by pydicom into UTF-8 (a value
  in an ISO 2022 character set that runs on from the text around it shows only when decoded);
- dates and date-times count only in their own file (outputs are matched to corpus files by SOP Instance
  UID or by relative path) and only between non-digits: an 8-digit date can occur by chance inside the
  digits of a new UID, and a shifted date can equal another patient's original one.

Prints a JSON object: planted values checked, leaked values (distinct planted records found at least once)
in total and by kind group, occurrences, and the first leaks.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PROFILE_SWIFT = REPO / "Sources/Deidentify/Profile/ConfidentialityProfile+Generated.swift"

# Column order of the generated table after TAG MASK STDCOMP BASIC (ProfileOption.tableColumns).
OPTION_COLUMNS = [
    "retainSafePrivate", "retainUIDs", "retainDeviceIdentity", "retainInstitutionIdentity",
    "retainPatientCharacteristics", "retainLongitudinalTemporalInformationFullDates",
    "retainLongitudinalTemporalInformationModifiedDates", "cleanDescriptors", "cleanStructuredContent",
    "cleanGraphics",
]
# `fedlake deid` without --option (Sources/fedlake/Commands/DeidCommand.swift).
NODE_DEFAULT = ["retainLongitudinalTemporalInformationModifiedDates", "retainPatientCharacteristics",
                "cleanDescriptors", "cleanStructuredContent"]
OPTION_SETS = {"basic": [], "node-default": NODE_DEFAULT, "none": None}

# The kinds of Manifest.Kind, grouped for the report's columns.
KIND_GROUPS = {
    "name": "name",
    "id": "id", "mrn": "id", "ssn": "id", "accession": "id",
    "date": "date", "datetime": "date", "age": "date",
    "uid": "uid",
}


def kind_group(planted: dict) -> str:
    """name, id, date, uid, private, file-meta or text (everything else: free text, addresses, devices, ...)."""
    path = planted.get("path", "")
    last = re.findall(r"\(([0-9A-Fa-f]{4}),[0-9A-Fa-f]{4}\)", path)
    if last and last[-1].upper().startswith("0002"):
        return "file-meta"
    attribute = planted.get("attribute", "")
    m = re.match(r"\(([0-9A-Fa-f]{4}),", attribute)
    if m and int(m.group(1), 16) % 2 == 1:
        return "private"
    return KIND_GROUPS.get(planted["kind"], "text")


class Profile:
    """PS3.15 Table E.1-1 as generated for the Swift sources; only "is the action K under these options"."""

    def __init__(self, source: Path = PROFILE_SWIFT) -> None:
        text = source.read_text()
        body = text.split('static let generatedTable = """', 1)[1].split('"""', 1)[0]
        self.exact: dict[int, list[str]] = {}
        self.patterns: list[tuple[int, int, list[str]]] = []
        self.private: list[str] | None = None
        for line in body.splitlines():
            fields = line.split("\t")
            if len(fields) != 6 + len(OPTION_COLUMNS):
                continue
            value, mask = int(fields[0], 16), int(fields[1], 16)
            actions = fields[3:4 + len(OPTION_COLUMNS)]  # basic, then one per option column
            if mask == 0xFFFFFFFF:
                self.exact[value] = actions
            elif mask == 0x00010000:
                self.private = actions
            else:
                self.patterns.append((value, mask, actions))
        self.patterns.sort(key=lambda p: -bin(p[1]).count("1"))

    def row(self, tag: int) -> list[str] | None:
        if (tag >> 16) % 2 == 1:
            return self.private
        if tag in self.exact:
            return self.exact[tag]
        for value, mask, actions in self.patterns:
            if tag & mask == value:
                return actions
        return None

    def keeps(self, tag: int, options: list[str]) -> bool:
        """Whether the resolved action is K: an option column with an entry overrides the basic column, and of
        several the most protective wins (X > Z > D > U > C > K), so the result is K only if every selected
        option entry is K, or there is none and the basic column is K."""
        actions = self.row(tag)
        if actions is None:
            return False
        entries = [actions[1 + OPTION_COLUMNS.index(o)] for o in options]
        entries = [e for e in entries if e != "-"]
        if entries:
            return all(e == "K" for e in entries)
        return actions[0] == "K"


def parse_tag(attribute: str) -> int | None:
    m = re.fullmatch(r"\(([0-9A-Fa-f]{4}),([0-9A-Fa-f]{4})\)", attribute)
    return int(m.group(1) + m.group(2), 16) if m else None


def fold(data: bytes) -> bytes:
    return data.translate(_FOLD)


_FOLD = bytes((b | 0x20) if 0x41 <= b <= 0x5A else b for b in range(256))


def encodings_of(value: str, character_set: str | None) -> set[bytes]:
    """The value in UTF-8 and in its planted character set, as LO (one string) and as PN (components)."""
    result = {value.encode("utf-8")}
    if character_set is not None:
        from pydicom.charset import convert_encodings, encode_string  # noqa: PLC0415
        from pydicom.valuerep import PersonName  # noqa: PLC0415
        terms = character_set.split("\\")
        try:
            encodings = convert_encodings(terms)
        except Exception:  # noqa: BLE001 - an unknown term: UTF-8 only
            encodings = None
        if encodings:
            for encode in (lambda: encode_string(value, encodings),
                           lambda: PersonName(value).encode(encodings)):
                try:
                    result.add(bytes(encode()))
                except Exception:  # noqa: BLE001, S112 - not encodable in that VR's way
                    continue
    return result


def output_files(output: Path) -> dict[str, Path]:
    files = {}
    for root, _, names in os.walk(output):
        for name in names:
            p = Path(root) / name
            files[str(p.relative_to(output))] = p
    return files


def sop_instance_uid(path: Path) -> str | None:
    try:
        import pydicom  # noqa: PLC0415
        ds = pydicom.dcmread(path, stop_before_pixels=True, specific_tags=["SOPInstanceUID"], force=True)
        return str(ds.get("SOPInstanceUID", "")) or None
    except Exception:  # noqa: BLE001 - not DICOM
        return None


TEXT_VRS = {"AE", "AS", "CS", "DA", "DS", "DT", "IS", "LO", "LT", "PN", "SH", "ST", "TM", "UC", "UI", "UR", "UT"}


def decoded_text(path: Path) -> bytes | None:
    """The text values of a DICOM file (file meta and every nested data set) as pydicom decodes them from their
    Specific Character Set, in UTF-8, one per line; None for other files. A value in a code-switching
    character set (ISO 2022) that runs on from the text around it shares no escape sequence with its own
    encoding, so only the decoded text shows it."""
    with open(path, "rb") as handle:
        head = handle.read(132)
    if head[128:132] != b"DICM" and path.suffix.lower() != ".dcm":
        return None
    try:
        import pydicom  # noqa: PLC0415
        ds = pydicom.dcmread(path, stop_before_pixels=True, force=True)
    except Exception:  # noqa: BLE001 - unreadable: the byte search alone
        return None
    lines: list[str] = []

    def collect(dataset) -> None:
        for elem in dataset.iterall():
            if elem.VR in TEXT_VRS and elem.value is not None:
                value = elem.value
                values = value if isinstance(value, (list, pydicom.multival.MultiValue)) else [value]
                lines.append("\\".join(str(v) for v in values))

    try:
        collect(getattr(ds, "file_meta", None) or pydicom.Dataset())
        collect(ds)
    except Exception:  # noqa: BLE001 - a value pydicom cannot decode: what was collected so far
        pass
    return "\n".join(lines).encode("utf-8", "replace")


def count(corpus: Path, output: Path, options_name: str, origin_of: dict[str, str] | None = None,
          ignore: tuple[str, ...] = ("deid-report.json",)) -> dict:
    """Searches every file under `output` for the planted values of `corpus/manifest.json`.

    `origin_of` maps an output file (relative path) to the corpus file it came from, for the date rule;
    without it, outputs are matched by relative path."""
    manifest = json.loads((corpus / "manifest.json").read_text())
    options = OPTION_SETS[options_name]
    profile = Profile() if options is not None else None
    searched: list[dict] = []
    patterns: dict[str, list[int]] = {}
    for planted in manifest["planted"]:
        if not planted["detectable"] or planted["kind"] == "time":
            continue
        if profile is not None:
            tag = parse_tag(planted["attribute"])
            if tag is not None and profile.keeps(tag, options):
                continue
        index = len(searched)
        searched.append(planted)
        for raw in encodings_of(planted["value"], planted.get("characterSet")):
            pattern = fold(raw)
            if len(pattern) >= 3:
                patterns.setdefault(pattern.decode("latin-1"), []).append(index)

    import ahocorasick  # noqa: PLC0415 - pip install pyahocorasick
    automaton = ahocorasick.Automaton()
    for key, indices in patterns.items():
        automaton.add_word(key, (key, indices))
    automaton.make_automaton()

    leaked: dict[int, list[str]] = {}
    occurrences = 0
    outputs = {k: v for k, v in output_files(output).items() if Path(k).name not in ignore}
    for name, path in sorted(outputs.items()):
        origin = (origin_of or {}).get(name, name)
        decoded = decoded_text(path)
        views = [(name, fold(path.read_bytes()))]
        if decoded is not None:
            views.append((name + " (decoded)", fold(decoded)))
        found_here: set[int] = set()
        for label, data in views:
            text = data.decode("latin-1")
            for end, (key, indices) in automaton.iter(text):
                start = end - len(key) + 1
                for index in indices:
                    planted = searched[index]
                    if planted["kind"] in ("date", "datetime"):
                        if origin != planted["file"]:
                            continue
                        before = data[start - 1] if start > 0 else 0x20
                        after = data[end + 1] if end + 1 < len(data) else 0x20
                        if 0x30 <= before <= 0x39 or 0x30 <= after <= 0x39:
                            continue
                    if label != name and index in found_here:
                        continue
                    found_here.add(index)
                    occurrences += 1
                    leaked.setdefault(index, []).append("%s@%d" % (label, start))

    by_group = Counter(kind_group(searched[i]) for i in leaked)
    checked_by_group = Counter(kind_group(p) for p in searched)
    examples = []
    for i in sorted(leaked)[:15]:
        p = searched[i]
        examples.append({"kind": p["kind"], "attribute": p["attribute"], "path": p["path"], "file": p["file"],
                         "found": leaked[i][:3]})
    return {
        "options": options_name,
        "checked": len(searched),
        "checked_by_group": dict(sorted(checked_by_group.items())),
        "output_files": len(outputs),
        "leaked": len(leaked),
        "leaked_by_group": dict(sorted(by_group.items())),
        "leaked_from_documents": sum(1 for i in leaked if not searched[i]["file"].endswith(".dcm")),
        "occurrences": occurrences,
        "examples": examples,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", required=True, type=Path)
    ap.add_argument("--output", required=True, type=Path)
    ap.add_argument("--options", default="none", choices=sorted(OPTION_SETS))
    args = ap.parse_args()
    json.dump(count(args.corpus, args.output, args.options), sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
