#!/usr/bin/env python3
"""Generate the PS3.15 Annex E tables of the Deidentify module from the standard as data.

Writes, under Sources/Deidentify/Profile/:
  ConfidentialityProfile+Generated.swift   PS3.15 Table E.1-1: basic profile column and the ten option columns
  SafePrivateAttributes+Generated.swift    PS3.15 Table E.3.10-1: the Safe Private Attributes
  DeidentificationMethodCode+Generated.swift  PS3.16 CID 7050: the De-identification Method codes

Inputs:
  confidentiality_profile_attributes.json  Table E.1-1, DICOM 2024b, every column (innolitics/dicom-standard)
  basic_profile_2026c.json                 Table E.1-1, DICOM 2026c, basic profile column only (restated from
                                           KitwareMedical dicom-anonymizer 2.1.0, dicomfields_2026c.py)
  attributes.json                          PS3.6, only to name rows the 2026c source leaves unnamed
read from ../shared/standards/dicom/ beside the checkout, or from the folder given as the first argument; and
  tools/data/safe_private_e3_10.tsv        Table E.3.10-1, transcribed from the standard
  tools/data/cid_7050.tsv                  CID 7050, transcribed from the standard

Merging Table E.1-1. Rows are keyed by tag and mask. The basic column of a row comes from 2026c when 2026c has
the row (it is the newer edition), otherwise from 2024b; the option columns come from 2024b. For the attributes
that only 2026c lists, the option columns are unknown (the 2026c source carries the basic column only). They are
derived conservatively: left empty, so that the basic profile action applies under every option. An option can
then never keep, clean or retain one of these attributes: Retain options do not retain them (the basic action
removes or replaces more) and Clean options do not downgrade an X to a C (removal is at least as protective as
cleaning). The cost is utility, never privacy; the generated table marks each such row with edition 2026c.

Tag patterns. A row's TAG and MASK are eight hex digits; a tag matches when tag & MASK == TAG. (50xx,xxxx) gives
50000000/FF000000, (60xx,3000) gives 60003000/FF00FFFF, and "(gggg,eeee) where gggg is odd" (private attributes)
gives 00010000/00010000. The 2026c source writes patterns as "(5000,0000)+(65280, 0)", i.e. tag + (group mask,
element mask); both spellings are parsed and must agree.

Table E.1-1 rows (tab-separated, one per line):
  TAG MASK STDCOMP BASIC SAFEPRIV UIDS DEVID INSTID PATCHARS LONGFULL LONGMODIF CLEANDESC CLEANSTRUCT CLEANGRAPH
  EDITION NAME
STDCOMP is Y/N (in a standard composite IOD) or ? when unknown (2026c-only rows); option columns hold K, C or -.
The literal is parsed once at run time: a literal of 650 struct values would cost the type checker too much.
"""
import json
import os
import re
import sys

SOURCE_2024B = "innolitics/dicom-standard standard/confidentiality_profile_attributes.json, commit 7f4749d (2025-01-28)"
EDITION_2024B = "2024b"
SOURCE_2026C = "KitwareMedical dicom-anonymizer 2.1.0, dicomanonymizer/dicom_anonymization_databases/dicomfields_2026c.py"
EDITION_2026C = "2026c"
SAFE_PRIVATE_SOURCE = ("PS3.15 Table E.3.10-1 as published in 2020, transcribed in tools/data/safe_private_e3_10.tsv; "
                       "rows added by later editions are not included")
CID_SOURCE = "PS3.16 CID 7050, transcribed in tools/data/cid_7050.tsv"

# innolitics column key, in the order of the generated table; the Swift side (ProfileOption) uses this order.
OPTION_COLUMNS = [
    "rtnSafePrivOpt", "rtnUIDsOpt", "rtnDevIdOpt", "rtnInstIdOpt", "rtnPatCharsOpt", "rtnLongFullDatesOpt",
    "rtnLongModifDatesOpt", "cleanDescOpt", "cleanStructContOpt", "cleanGraphOpt",
]
BASIC_ACTIONS = {"D", "Z", "X", "K", "C", "U", "Z/D", "X/Z", "X/D", "X/Z/D", "X/Z/U*"}
OPTION_ACTIONS = {"K", "C"}
PRIVATE = (0x0001_0000, 0x0001_0000)


def fail(message: str) -> None:
    raise SystemExit(f"generate_deid_table.py: {message}")


def parse_tag(text: str, where: str) -> tuple[int, int]:
    """(value, mask) of a Table E.1-1 tag, pattern or 2026c tag+mask spelling."""
    t = text.strip().upper()
    if "WHERE GGGG IS ODD" in t:
        return PRIVATE
    m = re.fullmatch(r"\(([0-9A-F]{4}),([0-9A-F]{4})\)\+\((\d+), *(\d+)\)", t)
    if m:
        value = int(m.group(1) + m.group(2), 16)
        mask = int(m.group(3)) << 16 | int(m.group(4))
        if value & ~mask & 0xFFFF_FFFF:
            fail(f"{where}: tag {text!r} has bits outside its mask")
        return value, mask
    m = re.fullmatch(r"\(([0-9A-FX]{4}),([0-9A-FX]{4})\)", t)
    if not m:
        fail(f"{where}: cannot parse tag {text!r}")
    digits = m.group(1) + m.group(2)
    return int(digits.replace("X", "0"), 16), int("".join("0" if c == "X" else "F" for c in digits), 16)


def clean_name(text: str) -> str:
    """The attribute name without the table's cross-references ("Icon Image Sequence (see Note 11)")."""
    return re.sub(r"\s*\(see Note \d+\)", "", " ".join(text.split())).strip()


def check_field(field: str, where: str) -> str:
    if "\t" in field or "\n" in field or '"""' in field or "\\" in field:
        fail(f"{where}: field {field!r} cannot be embedded in a Swift literal")
    return field


def swift_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def read_tsv(path: str, columns: int) -> list[list[str]]:
    rows = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            fields = line.split("\t")
            if len(fields) != columns:
                fail(f"{os.path.basename(path)} line {number}: {len(fields)} fields, expected {columns}")
            rows.append(fields)
    return rows


def profile_rows(folder: str) -> tuple[list[str], dict[str, int]]:
    with open(os.path.join(folder, "confidentiality_profile_attributes.json"), encoding="utf-8") as f:
        old = json.load(f)
    with open(os.path.join(folder, "basic_profile_2026c.json"), encoding="utf-8") as f:
        new = json.load(f)["rows"]
    with open(os.path.join(folder, "attributes.json"), encoding="utf-8") as f:
        dictionary = {parse_tag(r["tag"], "attributes.json"): r["name"].strip() for r in json.load(f)}

    rows: dict[tuple[int, int], dict] = {}
    for r in old:
        key = parse_tag(r["tag"], "confidentiality_profile_attributes.json")
        if key in rows:
            fail(f"confidentiality_profile_attributes.json: duplicate tag {r['tag']}")
        basic = r["basicProfile"].strip()
        if basic not in BASIC_ACTIONS:
            fail(f"confidentiality_profile_attributes.json: {r['tag']} has basic action {basic!r}")
        options = []
        for column in OPTION_COLUMNS:
            value = (r.get(column) or "").strip()
            if value and value not in OPTION_ACTIONS:
                fail(f"confidentiality_profile_attributes.json: {r['tag']} has {column} {value!r}")
            options.append(value or "-")
        std = r.get("stdCompIOD", "").strip()
        if std not in ("Y", "N"):
            fail(f"confidentiality_profile_attributes.json: {r['tag']} has stdCompIOD {std!r}")
        rows[key] = {"basic": basic, "options": options, "std": std, "edition": EDITION_2024B,
                     "name": clean_name(r["name"])}
    count_2024b = len(rows)

    seen_new = set()
    added = 0
    changed = []
    for r in new:
        key = parse_tag(r["tag"], "basic_profile_2026c.json")
        if key in seen_new:
            fail(f"basic_profile_2026c.json: duplicate tag {r['tag']}")
        seen_new.add(key)
        basic = r["basicProfile"].strip()
        if basic not in BASIC_ACTIONS:
            fail(f"basic_profile_2026c.json: {r['tag']} has basic action {basic!r}")
        if key in rows:
            if rows[key]["basic"] != basic:
                changed.append(f"{r['tag']} {rows[key]['basic']} -> {basic}")
                rows[key]["basic"] = basic
            continue
        name = r.get("name", "").strip() or dictionary.get(key, "")
        if not name:
            fail(f"basic_profile_2026c.json: {r['tag']} has no name and is not in attributes.json")
        # Option columns unknown for this edition: conservatively empty (see the module docstring).
        rows[key] = {"basic": basic, "options": ["-"] * len(OPTION_COLUMNS), "std": "?",
                     "edition": EDITION_2026C, "name": name}
        added += 1
    only_2024b = [k for k in rows if rows[k]["edition"] == EDITION_2024B and k not in seen_new]
    for note in changed:
        print(f"note: basic action changed in 2026c: {note}")

    lines = []
    for (value, mask) in sorted(rows):
        row = rows[(value, mask)]
        where = f"row {value:08X}"
        fields = [f"{value:08X}", f"{mask:08X}", row["std"], row["basic"], *row["options"], row["edition"],
                  check_field(row["name"], where)]
        lines.append("\t".join(fields))
    counts = {"total": len(lines), "2024b": count_2024b, "2026c": len(seen_new), "added2026c": added,
              "only2024b": len(only_2024b), "changed2026c": len(changed)}
    return lines, counts


def write_profile(out: str, lines: list[str], counts: dict[str, int]) -> None:
    with open(out, "w", encoding="utf-8") as f:
        f.write("// generated by tools/generate_deid_table.py; do not edit.\n")
        f.write(f"// PS3.15 Table E.1-1, {counts['total']} rows: {counts['2024b']} from DICOM {EDITION_2024B} (all columns),\n")
        f.write(f"// {counts['added2026c']} more from DICOM {EDITION_2026C} (basic column; option columns left empty, the\n")
        f.write("// conservative choice: see tools/generate_deid_table.py).\n")
        f.write(f"// Sources: {SOURCE_2024B};\n// {SOURCE_2026C}.\n\n")
        f.write("extension ConfidentialityProfile {\n")
        f.write("    /// The editions of PS3.15 Table E.1-1 the table was generated from: every column of 2024b, and the\n")
        f.write("    /// basic profile column of 2026c (which adds attributes newer than 2024b).\n")
        f.write(f"    public static let edition = \"{EDITION_2024B}+{EDITION_2026C}\"\n\n")
        f.write("    /// Where the table came from.\n")
        f.write(f"    public static let sources = [\n        {swift_string(SOURCE_2024B + ' (DICOM ' + EDITION_2024B + ')')},\n"
                f"        {swift_string(SOURCE_2026C + ' (DICOM ' + EDITION_2026C + ', basic profile column)')},\n    ]\n\n")
        f.write("    /// The number of rows the generator wrote; the parsed table must hold exactly this many.\n")
        f.write(f"    static let generatedRowCount = {counts['total']}\n\n")
        f.write(f"    /// Rows taken from the {EDITION_2024B} source, and rows only the {EDITION_2026C} source lists.\n")
        f.write(f"    static let generatedRowCountByEdition = [\"{EDITION_2024B}\": {counts['2024b']}, "
                f"\"{EDITION_2026C}\": {counts['added2026c']}]\n\n")
        f.write("    /// TAG MASK STDCOMP BASIC, ten option columns (Retain Safe Private, Retain UIDs, Retain Device Identity,\n")
        f.write("    /// Retain Institution Identity, Retain Patient Characteristics, Retain Longitudinal Full Dates, Retain\n")
        f.write("    /// Longitudinal Modified Dates, Clean Descriptors, Clean Structured Content, Clean Graphics), EDITION, NAME.\n")
        f.write('    static let generatedTable = """\n')
        for line in lines:
            f.write(line + "\n")
        f.write('"""\n}\n')


def write_safe_private(out: str, rows: list[list[str]]) -> int:
    lines = []
    seen = set()
    for group, offset, creator, vr, vm, meaning in rows:
        where = f"safe_private_e3_10.tsv ({group},xx{offset}) {creator}"
        if not re.fullmatch(r"[0-9A-F]{4}", group) or int(group, 16) % 2 == 0:
            fail(f"{where}: group must be four hex digits and odd")
        if not re.fullmatch(r"[0-9A-F]{2}", offset):
            fail(f"{where}: element offset must be two hex digits")
        if vr and not re.fullmatch(r"[A-Z]{2}", vr):
            fail(f"{where}: VR {vr!r}")
        if not creator or creator != creator.strip():
            fail(f"{where}: private creator must be non-empty without padding")
        key = (group, creator, offset)
        if key in seen:
            fail(f"{where}: duplicate row")
        seen.add(key)
        lines.append("\t".join(check_field(x, where) for x in (group, offset, creator, vr, vm, meaning)))
    with open(out, "w", encoding="utf-8") as f:
        f.write("// generated by tools/generate_deid_table.py; do not edit.\n")
        f.write(f"// Source: {SAFE_PRIVATE_SOURCE}; {len(lines)} rows.\n\n")
        f.write("extension SafePrivateAttributes {\n")
        f.write("    /// Where the table came from.\n")
        f.write(f"    public static let source = {swift_string(SAFE_PRIVATE_SOURCE)}\n\n")
        f.write("    /// The number of rows the generator wrote; the parsed table must hold exactly this many.\n")
        f.write(f"    static let generatedRowCount = {len(lines)}\n\n")
        f.write("    /// GROUP ELEMENT-OFFSET PRIVATE-CREATOR VR VM MEANING, one attribute per line, tab-separated.\n")
        f.write('    static let generatedTable = """\n')
        for line in lines:
            f.write(line + "\n")
        f.write('"""\n}\n')
    return len(lines)


def write_codes(out: str, rows: list[list[str]]) -> int:
    with open(out, "w", encoding="utf-8") as f:
        f.write("// generated by tools/generate_deid_table.py; do not edit.\n")
        f.write(f"// Source: {CID_SOURCE}.\n\n")
        f.write("extension DeidentificationMethodCode {\n")
        for value, option, meaning in rows:
            if not re.fullmatch(r"1131\d\d", value):
                fail(f"cid_7050.tsv: code value {value!r}")
            name = "basicProfile" if option == "basic" else option
            f.write(f"    /// ({value}, DCM, \"{meaning}\"), PS3.16 CID 7050.\n")
            f.write(f"    public static let {name} = DeidentificationMethodCode(\n"
                    f"        codeValue: \"{value}\", codeMeaning: {swift_string(meaning)})\n")
        f.write("\n    /// Every code of CID 7050, in code-value order.\n")
        f.write("    public static let all: [DeidentificationMethodCode] = [\n")
        for value, option, meaning in rows:
            f.write(f"        .{'basicProfile' if option == 'basic' else option},\n")
        f.write("    ]\n}\n")
    return len(rows)


def main() -> int:
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(here)
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join(repo, "..", "shared", "standards", "dicom")
    out_dir = os.path.join(repo, "Sources", "Deidentify", "Profile")
    os.makedirs(out_dir, exist_ok=True)

    lines, counts = profile_rows(folder)
    write_profile(os.path.join(out_dir, "ConfidentialityProfile+Generated.swift"), lines, counts)
    safe = write_safe_private(os.path.join(out_dir, "SafePrivateAttributes+Generated.swift"),
                              read_tsv(os.path.join(here, "data", "safe_private_e3_10.tsv"), 6))
    codes = write_codes(os.path.join(out_dir, "DeidentificationMethodCode+Generated.swift"),
                        read_tsv(os.path.join(here, "data", "cid_7050.tsv"), 3))
    print(f"Table E.1-1: {counts['total']} rows ({counts['2024b']} from {EDITION_2024B}, {counts['added2026c']} added by "
          f"{EDITION_2026C}; {counts['only2024b']} 2024b rows not in the 2026c source; "
          f"{counts['changed2026c']} basic actions changed)")
    print(f"Table E.3.10-1: {safe} rows; CID 7050: {codes} codes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
