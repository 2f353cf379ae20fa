#!/usr/bin/env python3
"""Extract (Specific Character Set terms, VR, raw value bytes, decoded text) vectors for the
SpecificCharacterSet tests, using pydicom as the reference decoder.

Sources:
  * every string element of pydicom's bundled charset files and test files (walked recursively,
    with the character set inherited into sequence items as PS3.5 §7.5.3 says);
  * the PS3.5 Annex H, I, J and K examples, with their bytes as printed in the standard;
  * small synthetic values for each single-byte set, replacement and misspelled-term behaviour,
    decoded with pydicom.charset.decode_bytes.

Usage: python3 tools/extract_charset_vectors.py > Tests/Fixtures/vectors/charsets.json
"""

import json
import os
import sys
import warnings

import pydicom
from pydicom import charset, config
from pydicom.data import get_charset_files, get_testdata_files
from pydicom.valuerep import TEXT_VR_DELIMS

warnings.simplefilter("ignore")
config.settings.reading_validation_mode = config.WARN

SCS_VRS = {"LO", "LT", "PN", "SH", "ST", "UC", "UT"}
DEFAULT_VRS = {"AE", "AS", "CS", "DA", "DT", "TM", "UI"}
MAX_BYTES = 512


def terms_of(ds, inherited):
    raw = ds.get_item(0x00080005)
    if raw is None or raw.value is None:
        return inherited
    value = raw.value
    if isinstance(value, bytes):
        text = value.decode("latin_1")
        return [t.strip(" \0") for t in text.split("\\")]
    if isinstance(value, str):
        return [value.strip(" \0")]
    return [str(v).strip(" \0") for v in value]


def pydicom_text(vr, value):
    """pydicom's decoded value as one string, values joined by backslash."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)) or type(value).__name__ == "MultiValue":
        return "\\".join(str(v) for v in value)
    return str(value)


def walk(ds, inherited, source, out):
    terms = terms_of(ds, inherited)
    for tag in list(ds.keys()):
        raw = ds.get_item(tag)
        vr = getattr(raw, "VR", None)
        if vr == "SQ":
            try:
                for item in ds[tag].value:
                    walk(item, terms, source, out)
            except Exception:
                pass
            continue
        if vr not in SCS_VRS and vr not in DEFAULT_VRS:
            continue
        if not isinstance(raw.value, bytes) or not raw.value or len(raw.value) > MAX_BYTES:
            continue
        try:
            elem = ds[tag]
        except Exception:
            continue
        stripped = raw.value.rstrip(b" \0")
        out.append({
            "source": source,
            "tag": f"({tag.group:04X},{tag.element:04X})",
            "terms": terms,
            "vr": vr,
            "hex": stripped.hex(),
            "text": pydicom_text(vr, elem.value),
        })


def decode_like_pydicom(terms, data):
    return charset.decode_bytes(data, charset.convert_encodings(list(terms)), TEXT_VR_DELIMS)


STANDARD = [
    # PS3.5 Annex H.3.1, Japanese with JIS X 0208 code extension.
    ("PS3.5 H.3.1", ["", "ISO 2022 IR 87"],
     b"Yamada^Tarou=\x1b$B;3ED\x1b(B^\x1b$BB@O:\x1b(B=\x1b$B$d$^$@\x1b(B^\x1b$B$?$m$&\x1b(B",
     "Yamada^Tarou=山田^太郎=やまだ^たろう"),
    # PS3.5 Annex H.3.2, JIS X 0201 Katakana initially, JIS X 0208 by escape.
    ("PS3.5 H.3.2", ["ISO 2022 IR 13", "ISO 2022 IR 87"],
     b"\xd4\xcf\xc0\xde^\xc0\xdb\xb3=\x1b$B;3ED\x1b(J^\x1b$BB@O:\x1b(J=\x1b$B$d$^$@\x1b(J^\x1b$B$?$m$&\x1b(J",
     "ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう"),
    # PS3.5 Annex I.2, Korean with KS X 1001 in G1.
    ("PS3.5 I.2", ["", "ISO 2022 IR 149"],
     b"Hong^Gildong=\x1b$)C\xfb\xf3^\x1b$)C\xd1\xce\xd4\xd7=\x1b$)C\xc8\xab^\x1b$)C\xb1\xe6\xb5\xbf",
     "Hong^Gildong=洪^吉洞=홍^길동"),
    # PS3.5 Annex J.3.1, UTF-8.
    ("PS3.5 J.3.1", ["ISO_IR 192"],
     b"Wang^XiaoDong=\xe7\x8e\x8b^\xe5\xb0\x8f\xe6\x9d\xb1=",
     "Wang^XiaoDong=王^小東="),
    # PS3.5 Annex J.3.2, GB18030.
    ("PS3.5 J.3.2", ["GB18030"],
     b"Wang^XiaoDong=\xcd\xf5^\xd0\xa1\xb6\xab=",
     "Wang^XiaoDong=王^小东="),
    # PS3.5 Annex K.2, GB 2312 in G1 (pydicom leaves the escape sequences in the text; see pydicomText).
    ("PS3.5 K.2", ["", "ISO 2022 IR 58"],
     b"Zhang^XiaoDong=\x1b$)A\xd5\xc5^\x1b$)A\xd0\xa1\xb6\xab=",
     "Zhang^XiaoDong=张^小东="),
]

SYNTHETIC = [
    ("default repertoire keeps bytes above 0x7F as Latin-1", [""], "LO", b"Caf\xe9"),
    ("ISO_IR 101", ["ISO_IR 101"], "LO", b"\xa3\xf3d\xbc"),
    ("ISO_IR 109", ["ISO_IR 109"], "LO", b"\xa1\xa6\xbb"),
    ("ISO_IR 110", ["ISO_IR 110"], "LO", b"\xa3\xb5\xe7"),
    ("ISO_IR 126", ["ISO_IR 126"], "LO", b"\xc4\xe9\xef\xed\xf5\xf3\xe9\xef\xf2"),
    ("ISO_IR 127", ["ISO_IR 127"], "LO", b"\xe2\xc8\xc7\xe6\xea"),
    ("ISO_IR 138", ["ISO_IR 138"], "LO", b"\xf9\xf8\xe5\xef"),
    ("ISO_IR 144", ["ISO_IR 144"], "LO", b"\xbb\xee\xdace\xdc\xd1yp\xd3"),
    ("ISO_IR 148", ["ISO_IR 148"], "LO", b"\xdd\xfd\xde\xfe\xd0\xf0"),
    ("ISO_IR 166", ["ISO_IR 166"], "LO", b"\xb9\xd2\xc2"),
    ("ISO_IR 13", ["ISO_IR 13"], "PN", b"\xd4\xcf\xc0\xde^\xc0\xdb\xb3"),
    ("GBK", ["GBK"], "PN", b"Wang^XiaoDong=\xcd\xf5^\xd0\xa1\xb6\xab="),
    ("undefined Arabic byte is replaced", ["ISO_IR 127"], "LO", b"\xa1\xc8"),
    ("invalid UTF-8 is replaced", ["ISO_IR 192"], "LO", b"a\xffb\xe9"),
    ("truncated UTF-8 is replaced", ["ISO_IR 192"], "LO", b"ab\xe2\x82"),
    ("misspelled ISO IR 100", ["ISO IR 100"], "LO", b"J\xe9r\xf4me"),
    ("misspelled ISO-IR 144", ["ISO-IR 144"], "LO", b"\xbb\xee"),
    ("misspelled ISO_IR_100", ["ISO_IR_100"], "LO", b"J\xe9r\xf4me"),
    ("misspelled ISO 2022-IR 87", ["", "ISO 2022-IR 87"], "PN", b"\x1b$B;3ED\x1b(B"),
    ("unknown term falls back to default", ["ISO_IR 999"], "LO", b"J\xe9r\xf4me"),
    ("stand-alone value 1 ignores extensions", ["ISO_IR 192", "ISO 2022 IR 87"], "LO", b"\xe7\x8e\x8b"),
    ("escape to a set the terms do not list", ["ISO_IR 100", "ISO 2022 IR 144"], "LO", b"a\x1b-B\xa3b"),
    ("G1 escape resets at CR LF", ["ISO 2022 IR 100", "ISO 2022 IR 144"], "LT", b"\x1b-L\xbb\xee\r\n\xe9"),
    ("latin-1 and cyrillic by escapes", ["ISO 2022 IR 100", "ISO 2022 IR 144"], "LO", b"\xe9\x1b-L\xbb\x1b-A\xe9"),
    ("Korean escape without a delimiter", ["", "ISO 2022 IR 149"], "LO", b"\x1b$)C\xc8\xab\xb1\xe6"),
    ("JIS X 0212", ["", "ISO 2022 IR 159"], "LO", b"\x1b$(D\x30\x21\x1b(B"),
    ("invalid JIS X 0208 pair falls back to value 1", ["", "ISO 2022 IR 87"], "LO", b"\x1b$B\x80\x81\x1b(B"),
    ("multi-valued Latin-1", ["ISO_IR 100"], "LO", b"J\xe9r\xf4me\\Buc"),
    ("default VR ignores the character set", ["ISO_IR 192"], "CS", b"ABC\xe9"),
]


def main():
    vectors = []
    files = [f for f in get_charset_files("*.dcm")] + [f for f in get_testdata_files("*") if f.endswith(".dcm")]
    for path in sorted(set(files)):
        try:
            ds = pydicom.dcmread(path, force=True)
        except Exception:
            continue
        found = []
        try:
            walk(ds, [""], os.path.basename(path), found)
        except Exception:
            continue
        vectors.extend(found)

    seen = set()
    unique = []
    for v in vectors:
        key = (tuple(v["terms"]), v["vr"], v["hex"])
        if key in seen:
            continue
        seen.add(key)
        unique.append(v)

    standard = []
    for source, terms, data, text in STANDARD:
        entry = {"source": source, "terms": terms, "vr": "PN", "hex": data.hex(), "text": text}
        pyd = decode_like_pydicom(terms, data)
        if pyd != text:
            entry["pydicomText"] = pyd
        standard.append(entry)

    synthetic = []
    for note, terms, vr, data in SYNTHETIC:
        if vr in SCS_VRS:
            text = decode_like_pydicom(terms, data)
        else:
            text = data.decode(charset.default_encoding)
        synthetic.append({"source": note, "terms": terms, "vr": vr, "hex": data.hex(), "text": text})

    json.dump({
        "generator": "tools/extract_charset_vectors.py",
        "pydicom": pydicom.__version__,
        "files": unique,
        "standard": standard,
        "synthetic": synthetic,
    }, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
