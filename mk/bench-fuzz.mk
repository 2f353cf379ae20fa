# Benchmarks (bench/README.md) and fuzzing (fuzz/README.md); included from the top Makefile.
#
#   make bench-corpus                     generate bench/corpus/full/{small,ct} (10,000 + 2,000 files)
#   make bench-headers                    header-read benchmark on it (ours vs pydicom vs dcmtk)
#   make bench-headers BENCH_PROFILE=quick   the same on 1,000 + 200 files
#   make fuzz-build                       build fuzz/.build/dicom-reader-fuzz (libFuzzer + ASan)
#   make fuzz-dicom FUZZ_SECONDS=1800     fuzz the reader/writer; crashes land in fuzz/artifacts/
#   make fuzz-dicom-smoke                 the same for 60 s
#
# Needs python3 with pydicom and numpy, dcmtk (dcmdump) and GNU time (/usr/bin/time).

PYTHON ?= python3
BENCH_PROFILE ?= full
ifeq ($(BENCH_PROFILE),quick)
BENCH_SMALL_COUNT ?= 1000
BENCH_CT_COUNT ?= 200
else
BENCH_SMALL_COUNT ?= 10000
BENCH_CT_COUNT ?= 2000
endif
BENCH_CORPUS ?= bench/corpus/$(BENCH_PROFILE)
BENCH_SCRATCH ?= .build
BENCH_RUNS ?= 5
export BENCH_SMALL_COUNT BENCH_CT_COUNT BENCH_RUNS BENCH_SEED BENCH_JOBS

FUZZ_SECONDS ?= 1800
FUZZ_MAX_LEN ?= 65536
FUZZ_RSS_MB ?= 2048
FUZZ_TIMEOUT ?= 10
FUZZ_BIN := fuzz/.build/dicom-reader-fuzz
# FUZZ_KEEP_GOING=1 keeps fuzzing after a crash (libFuzzer's -fork=1 with -ignore_crashes: one
# child process at a time, each crash saved in fuzz/artifacts/), to collect several bugs in one run.
FUZZ_KEEP_GOING ?=
FUZZ_FLAGS ?= $(if $(FUZZ_KEEP_GOING),-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
export FUZZ_MAX_LEN
# Swift's own crash backtracer reads memory ASan guards and hides the fatalError message; libFuzzer
# and ASan report crashes themselves.
export SWIFT_BACKTRACE = enable=no

.PHONY: bench-corpus bench-build bench-headers fuzz-build fuzz-corpus fuzz-dicom fuzz-dicom-smoke

bench-corpus:
	BENCH_CORPUS_DIR=$(BENCH_CORPUS) $(PYTHON) bench/gen_corpus.py

bench-build:
	swift build -c release --scratch-path $(BENCH_SCRATCH) --product fedlake-bench

bench-headers: bench-corpus bench-build
	BENCH_BIN=$(BENCH_SCRATCH)/release/fedlake-bench bench/headers.sh $(BENCH_CORPUS)

# Rebuilt only when a DICOM source, the entry point or the build script changed.
FUZZ_SOURCES := $(shell find Sources/DICOM fuzz/DICOMReaderFuzz -name '*.swift' 2>/dev/null)
fuzz-build: $(FUZZ_BIN)

$(FUZZ_BIN): $(FUZZ_SOURCES) fuzz/build.sh
	fuzz/build.sh

fuzz-corpus:
	fuzz/prepare_corpus.sh

# One process on one core: libFuzzer's default in-process mode (-jobs=1 -workers=1 would add a
# supervising process without adding parallelism), run and reported by fuzz/run.sh.
fuzz-dicom: fuzz-build fuzz-corpus
	fuzz/run.sh "the DICOM reader" $(FUZZ_BIN) fuzz/corpus fuzz/dicom.dict fuzz/artifacts $(FUZZ_SECONDS) -1 \
	    $(FUZZ_MAX_LEN) $(FUZZ_FLAGS)

# A target-specific value reaches the prerequisite's recipe: fuzz-dicom runs for 60 s.
fuzz-dicom-smoke: FUZZ_SECONDS = 60
fuzz-dicom-smoke: fuzz-dicom
