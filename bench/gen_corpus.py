#!/usr/bin/env python3
"""Deterministic synthetic DICOM corpus for the header-read benchmark.

Writes two sets under bench/corpus/ (or $BENCH_CORPUS_DIR):

  small/  header-heavy instances: varied modalities, ~100-300 data elements each
          (standard attributes, a private block, a few sequences), several Specific
          Character Sets, Explicit and Implicit VR Little Endian, 64x64 pixel data.
  ct/     CT slices 512x512x16-bit with a realistic CT header, grouped in series.

Every file depends only on (BENCH_SEED, set, index), so two runs write identical
bytes, and the work is split over processes without changing the output.

Environment:
  BENCH_SMALL_COUNT  number of small instances   (default 10000)
  BENCH_CT_COUNT     number of CT slices         (default 2000)
  BENCH_SEED         seed                        (default 20240601)
  BENCH_CORPUS_DIR   output folder               (default bench/corpus next to this script)
  BENCH_JOBS         worker processes            (default: CPU count, at most 4)

All names, dates and identifiers are invented; the corpus holds no patient data.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import random
import sys
import time
from pathlib import Path

try:
    import numpy as np
except ImportError:  # pixel data then comes from a byte pattern
    np = None

from pydicom.datadict import DicomDictionary, dictionary_VR
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian, ImplicitVRLittleEndian

SEED = int((os.environ.get("BENCH_SEED") or "20240601"))
ROOT_UID = "1.2.826.0.1.3680043.10.1234"  # example root used only for synthetic data

MODALITIES = {
    # modality: (SOP Class UID, bits allocated, photometric)
    "CT": ("1.2.840.10008.5.1.4.1.1.2", 16, "MONOCHROME2"),
    "MR": ("1.2.840.10008.5.1.4.1.1.4", 16, "MONOCHROME2"),
    "CR": ("1.2.840.10008.5.1.4.1.1.1", 16, "MONOCHROME1"),
    "DX": ("1.2.840.10008.5.1.4.1.1.1.1", 16, "MONOCHROME2"),
    "MG": ("1.2.840.10008.5.1.4.1.1.1.2", 16, "MONOCHROME2"),
    "US": ("1.2.840.10008.5.1.4.1.1.6.1", 8, "MONOCHROME2"),
    "NM": ("1.2.840.10008.5.1.4.1.1.20", 16, "MONOCHROME2"),
    "PT": ("1.2.840.10008.5.1.4.1.1.128", 16, "MONOCHROME2"),
    "OT": ("1.2.840.10008.5.1.4.1.1.7", 8, "MONOCHROME2"),
}

# (Specific Character Set, family names, given names) — invented names in each repertoire.
CHARSETS = [
    (None, ["Smith", "Jones", "Brown", "Taylor"], ["Ann", "Bob", "Carl", "Dora"]),
    ("ISO_IR 100", ["Müller", "Lefèvre", "Ødegård", "Núñez"], ["Jürgen", "Zoé", "Åsa", "Iñigo"]),
    ("ISO_IR 192", ["山田", "Ωμέγα", "Иванов", "Müller"], ["太郎", "Ελένη", "Пётр", "Jürgen"]),
    ("ISO_IR 144", ["Иванов", "Петрова", "Смирнов", "Козлова"], ["Пётр", "Анна", "Иван", "Ольга"]),
    ("ISO_IR 126", ["Παπαδόπουλος", "Ιωάννου", "Γεωργίου", "Νικολάου"], ["Ελένη", "Νίκος", "Μαρία", "Γιώργος"]),
    ("GB18030", ["王", "李", "张", "刘"], ["小明", "芳", "伟", "静"]),
    # Alphabetic and ideographic component groups (PS3.5 §6.2.1.2), joined by person_name().
    ("ISO 2022 IR 6\\ISO 2022 IR 87", [("Yamada", "山田"), ("Tanaka", "田中"), ("Sato", "佐藤"), ("Suzuki", "鈴木")],
     [("Tarou", "太郎"), ("Hanako", "花子"), ("Jiro", "次郎"), ("Yuki", "雪")]),
]

SIMPLE_VRS = {"LO", "SH", "CS", "DS", "IS", "DA", "TM", "DT", "UI", "US", "UL", "SS", "SL", "FL", "FD",
              "ST", "LT", "AS", "PN"}

# Public attributes the filler may draw from: single VR, VM 1, not retired, not meta/pixel/group length,
# not already set by the core header.
_FILLER_TAGS: list[tuple[int, str, str]] = []


def filler_tags() -> list[tuple[int, str, str]]:
    if not _FILLER_TAGS:
        for tag, (vr, vm, _name, retired, keyword) in sorted(DicomDictionary.items()):
            group, elem = tag >> 16, tag & 0xFFFF
            if retired or not keyword or vr not in SIMPLE_VRS or vm != "1":
                continue
            if group < 0x0010 or group in (0x0028, 0x7FE0) or elem == 0 or group >= 0x6000:
                continue
            _FILLER_TAGS.append((tag, vr, keyword))
    return _FILLER_TAGS


def uid(*parts: int) -> str:
    return ROOT_UID + "." + ".".join(str(p) for p in parts)


def person_name(rng: random.Random, names) -> str:
    family, given = rng.choice(names[0]), rng.choice(names[1])
    if isinstance(family, tuple):
        return "%s^%s=%s^%s" % (family[0], given[0], family[1], given[1])
    return "%s^%s" % (family, given)


def value_for(vr: str, rng: random.Random, names) -> object:
    if vr in ("LO", "SH"):
        return "VAL%d" % rng.randrange(10**6)
    if vr == "CS":
        return rng.choice(["YES", "NO", "ORIGINAL", "AXIAL", "HEAD", "NONE"])
    if vr == "DS":
        return "%.3f" % rng.uniform(-1000, 1000)
    if vr == "IS":
        return str(rng.randrange(-1000, 100000))
    if vr == "DA":
        return "20%02d%02d%02d" % (rng.randrange(0, 24), rng.randrange(1, 13), rng.randrange(1, 29))
    if vr == "TM":
        return "%02d%02d%02d.%03d" % (rng.randrange(24), rng.randrange(60), rng.randrange(60), rng.randrange(1000))
    if vr == "DT":
        return "20230101%02d%02d%02d" % (rng.randrange(24), rng.randrange(60), rng.randrange(60))
    if vr == "UI":
        return uid(9, rng.randrange(10**9))
    if vr in ("US",):
        return rng.randrange(65536)
    if vr == "UL":
        return rng.randrange(2**32)
    if vr == "SS":
        return rng.randrange(-32768, 32768)
    if vr == "SL":
        return rng.randrange(-(2**31), 2**31)
    if vr in ("FL", "FD"):
        return rng.uniform(-1e3, 1e3)
    if vr in ("ST", "LT"):
        return "Synthetic comment %d for benchmarking only." % rng.randrange(10**6)
    if vr == "AS":
        return "%03dY" % rng.randrange(1, 99)
    if vr == "PN":
        return person_name(rng, names)
    raise ValueError(vr)


def file_meta(sop_class: str, sop_instance: str, syntax: str) -> FileMetaDataset:
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = sop_class
    meta.MediaStorageSOPInstanceUID = sop_instance
    meta.TransferSyntaxUID = syntax
    meta.ImplementationClassUID = uid(0, 1)
    meta.ImplementationVersionName = "FEDLAKE_BENCH"
    return meta


def patient_study(ds: Dataset, rng: random.Random, names, study: int, series: int, modality: str) -> None:
    ds.PatientName = person_name(rng, names)
    ds.PatientID = "SYN%07d" % (study * 7 % 10**7)
    ds.PatientBirthDate = "19%02d%02d%02d" % (rng.randrange(30, 99), rng.randrange(1, 13), rng.randrange(1, 29))
    ds.PatientSex = rng.choice(["F", "M", "O"])
    ds.PatientAge = "%03dY" % rng.randrange(1, 95)
    ds.PatientWeight = "%.1f" % rng.uniform(3, 120)
    ds.StudyInstanceUID = uid(1, study)
    ds.SeriesInstanceUID = uid(2, study, series)
    ds.StudyID = str(study)
    ds.SeriesNumber = series
    ds.AccessionNumber = "ACC%08d" % study
    ds.StudyDate = ds.SeriesDate = ds.AcquisitionDate = ds.ContentDate = "20230%d%02d" % (rng.randrange(1, 10), rng.randrange(1, 29))
    ds.StudyTime = ds.SeriesTime = "%02d%02d%02d" % (rng.randrange(7, 20), rng.randrange(60), rng.randrange(60))
    ds.AcquisitionTime = ds.ContentTime = ds.StudyTime
    ds.Modality = modality
    ds.Manufacturer = rng.choice(["Synthetic Medical", "Example Imaging", "Bench Systems"])
    ds.InstitutionName = rng.choice(["General Hospital", "University Clinic", "City Imaging Centre"])
    ds.ReferringPhysicianName = person_name(rng, names)
    ds.StudyDescription = "Synthetic study %d" % study
    ds.SeriesDescription = "Synthetic series %d" % series
    ds.OperatorsName = person_name(rng, names)
    ds.ManufacturerModelName = "Model %d" % rng.randrange(1, 9)
    ds.StationName = "STATION%d" % rng.randrange(1, 20)
    ds.BodyPartExamined = rng.choice(["HEAD", "CHEST", "ABDOMEN", "PELVIS", "KNEE"])


def code_item(rng: random.Random) -> Dataset:
    item = Dataset()
    item.CodeValue = str(rng.randrange(10000, 99999))
    item.CodingSchemeDesignator = rng.choice(["DCM", "SCT", "LN"])
    item.CodeMeaning = "Synthetic code %d" % rng.randrange(1000)
    return item


def make_small(index: int) -> tuple[Dataset, str]:
    rng = random.Random(SEED * 1_000_003 + index)
    modality = rng.choice(sorted(MODALITIES))
    sop_class, bits, photometric = MODALITIES[modality]
    charset, families, givens = CHARSETS[index % len(CHARSETS)]
    names = (families, givens)
    study, series = index // 50, index // 10
    sop_instance = uid(3, index)
    syntax = ImplicitVRLittleEndian if index % 5 == 0 else ExplicitVRLittleEndian

    ds = Dataset()
    ds.file_meta = file_meta(sop_class, sop_instance, syntax)
    if charset:
        ds.SpecificCharacterSet = charset.split("\\") if "\\" in charset else charset
    ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL"]
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = sop_instance
    ds.InstanceNumber = index % 10 + 1
    patient_study(ds, rng, names, study, series, modality)

    # Sequences: 1-3 referenced images, a procedure code, sometimes a request with nested codes.
    ds.ReferencedImageSequence = Sequence()
    for k in range(rng.randrange(1, 4)):
        ref = Dataset()
        ref.ReferencedSOPClassUID = sop_class
        ref.ReferencedSOPInstanceUID = uid(3, index, k)
        ds.ReferencedImageSequence.append(ref)
    ds.ProcedureCodeSequence = Sequence([code_item(rng)])
    if rng.random() < 0.5:
        req = Dataset()
        req.RequestedProcedureID = "RP%d" % rng.randrange(10**5)
        req.ScheduledProcedureStepID = "SPS%d" % rng.randrange(10**5)
        req.ScheduledProtocolCodeSequence = Sequence([code_item(rng) for _ in range(rng.randrange(1, 3))])
        ds.RequestAttributesSequence = Sequence([req])

    # Public filler attributes up to the target element count.
    target = rng.randrange(100, 301)
    pool = filler_tags()
    for tag, vr, _keyword in rng.sample(pool, min(len(pool), max(0, target - len(ds) - 30))):
        if tag in ds:
            continue
        ds.add_new(tag, vr, value_for(vr, rng, names))

    # A private block (PS3.5 §7.8) of 10-25 elements with mixed VRs.
    ds.add_new(0x00290010, "LO", "FEDLAKE BENCH")
    for k in range(rng.randrange(10, 26)):
        vr = rng.choice(["LO", "SH", "DS", "IS", "US", "UL", "FD", "CS", "DA", "UI", "LT"])
        ds.add_new(0x00291000 | k, vr, value_for(vr, rng, names))

    # Image pixel module, 64x64.
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = photometric
    ds.Rows = ds.Columns = 64
    ds.BitsAllocated = bits
    ds.BitsStored = bits if bits == 8 else 12
    ds.HighBit = ds.BitsStored - 1
    ds.PixelRepresentation = 0
    ds.PixelData = pixel_bytes(rng.randrange(2**32), 64 * 64, bits, 4095 if bits == 16 else 255)
    return ds, syntax


def pixel_bytes(seed: int, count: int, bits: int, maximum: int, side: int = 0) -> bytes:
    """Smooth shapes plus low-amplitude noise: compressible like real images, not constant."""
    if np is None:
        unit = 2 if bits == 16 else 1
        return (hashlib.sha256(seed.to_bytes(8, "little")).digest() * (count * unit // 32 + 1))[: count * unit]
    gen = np.random.default_rng(seed)
    side = side or int(count ** 0.5)
    y, x = np.mgrid[0:side, 0:side]
    c = side / 2
    r = np.hypot(x - c, y - c)
    body = np.where(r < side * 0.42, maximum * 0.45, 0) + np.where(r < side * 0.1, maximum * 0.3, 0)
    noise = gen.integers(0, max(2, maximum // 64), size=(side, side))
    img = np.clip(body + noise, 0, maximum)
    return img.astype("<u2" if bits == 16 else "u1").tobytes()


def make_ct(index: int) -> tuple[Dataset, str]:
    rng = random.Random(SEED * 2_000_003 + index)
    per_series = 200
    series, slice_no = index // per_series, index % per_series
    study = 100_000 + series // 2
    sop_class = MODALITIES["CT"][0]
    sop_instance = uid(4, index)
    syntax = ExplicitVRLittleEndian
    names = (CHARSETS[0][1], CHARSETS[0][2])
    # Patient and study values come from a series-level generator, so a series is consistent.
    srng = random.Random(SEED * 3_000_017 + series)

    ds = Dataset()
    ds.file_meta = file_meta(sop_class, sop_instance, syntax)
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL"]
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = sop_instance
    patient_study(ds, srng, names, study, series, "CT")
    ds.FrameOfReferenceUID = uid(5, series)
    ds.PositionReferenceIndicator = ""
    ds.ScanOptions = "HELICAL MODE"
    ds.SliceThickness = "1.25"
    ds.KVP = "120"
    ds.DataCollectionDiameter = "500.0"
    ds.SoftwareVersions = "SYN 1.0"
    ds.ReconstructionDiameter = "360.0"
    ds.DistanceSourceToDetector = "946.7"
    ds.DistanceSourceToPatient = "538.5"
    ds.GantryDetectorTilt = "0.0"
    ds.TableHeight = "160.0"
    ds.RotationDirection = "CW"
    ds.ExposureTime = "1000"
    ds.XRayTubeCurrent = str(150 + rng.randrange(100))
    ds.Exposure = str(100 + rng.randrange(200))
    ds.FilterType = "BODY FILTER"
    ds.GeneratorPower = "48000"
    ds.FocalSpots = "1.2"
    ds.ConvolutionKernel = "STANDARD"
    ds.PatientPosition = "HFS"
    ds.RevolutionTime = 0.8
    ds.SingleCollimationWidth = 0.625
    ds.TotalCollimationWidth = 40.0
    ds.TableSpeed = 78.75
    ds.TableFeedPerRotation = 39.375
    ds.SpiralPitchFactor = 0.984
    ds.CTDIvol = round(rng.uniform(5, 20), 2)
    ds.InstanceNumber = slice_no + 1
    ds.AcquisitionNumber = 1
    ds.ImagePositionPatient = ["-180.0", "-180.0", "%.2f" % (-slice_no * 1.25)]
    ds.ImageOrientationPatient = ["1", "0", "0", "0", "1", "0"]
    ds.SliceLocation = "%.2f" % (-slice_no * 1.25)
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.Rows = ds.Columns = 512
    ds.PixelSpacing = ["0.703125", "0.703125"]
    ds.BitsAllocated = 16
    ds.BitsStored = 12
    ds.HighBit = 11
    ds.PixelRepresentation = 0
    ds.WindowCenter = "40"
    ds.WindowWidth = "400"
    ds.RescaleIntercept = "-1024"
    ds.RescaleSlope = "1"
    ds.RescaleType = "HU"
    ds.ProcedureCodeSequence = Sequence([code_item(srng)])
    ds.ReferencedImageSequence = Sequence()
    ref = Dataset()
    ref.ReferencedSOPClassUID = sop_class
    ref.ReferencedSOPInstanceUID = uid(4, series * per_series)
    ds.ReferencedImageSequence.append(ref)
    ds.PixelData = pixel_bytes(rng.randrange(2**32), 512 * 512, 16, 4095, side=512)
    return ds, syntax


def write_one(job: tuple[str, int, str]) -> int:
    kind, index, out = job
    ds, syntax = make_small(index) if kind == "small" else make_ct(index)
    path = Path(out) / kind / ("%03d" % (index // 1000)) / ("%06d.dcm" % index)
    path.parent.mkdir(parents=True, exist_ok=True)
    ds.save_as(path, implicit_vr=(syntax == ImplicitVRLittleEndian), little_endian=True,
               enforce_file_format=True)
    return path.stat().st_size


def main() -> int:
    here = Path(__file__).resolve().parent
    out = Path((os.environ.get("BENCH_CORPUS_DIR") or here / "corpus"))
    counts = {"small": int((os.environ.get("BENCH_SMALL_COUNT") or "10000")),
              "ct": int((os.environ.get("BENCH_CT_COUNT") or "2000"))}
    jobs_n = int((os.environ.get("BENCH_JOBS") or str(min(4, os.cpu_count() or 1))))
    filler_tags()  # build once before forking
    out.mkdir(parents=True, exist_ok=True)
    for kind, n in counts.items():
        target = out / kind
        stamp = out / (".%s.complete" % kind)  # outside the scanned folder
        wanted = "%d %d\n" % (n, SEED)
        if stamp.exists() and stamp.read_text() == wanted:
            print("%s: %d files already present in %s" % (kind, n, target))
            continue
        if target.exists():  # a different count or seed: start over so no stale files remain
            for p in sorted(target.rglob("*"), reverse=True):
                p.unlink() if p.is_file() else p.rmdir()
        start = time.perf_counter()
        jobs = [(kind, i, str(out)) for i in range(n)]
        with multiprocessing.Pool(jobs_n) as pool:
            total = sum(pool.imap_unordered(write_one, jobs, chunksize=64))
        stamp.write_text(wanted)
        print("%s: %d files, %.1f MB in %.1f s -> %s" % (kind, n, total / 1e6, time.perf_counter() - start, target))
    return 0


if __name__ == "__main__":
    sys.exit(main())
