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
BENCH_SCRATCH ?= .build-release
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

# One process on one core: libFuzzer's default in-process mode. (-jobs=1 -workers=1 would add a
# supervising process and move the output to fuzz-0.log without adding parallelism.) The log
# goes to fuzz/artifacts/last-run.log; the recipe prints its tail, the executed-input count and
# any crash files, and fails when libFuzzer found a crash.
fuzz-dicom: fuzz-build fuzz-corpus
	@mkdir -p fuzz/artifacts
	@echo "fuzzing for $(FUZZ_SECONDS) s; log: fuzz/artifacts/last-run.log"
	@before=$$(ls fuzz/artifacts | grep -cE '^(crash|leak|timeout|oom)-'); \
	status=0; $(FUZZ_BIN) fuzz/corpus -dict=fuzz/dicom.dict -max_total_time=$(FUZZ_SECONDS) \
	    -rss_limit_mb=$(FUZZ_RSS_MB) -max_len=$(FUZZ_MAX_LEN) -timeout=$(FUZZ_TIMEOUT) \
	    -print_final_stats=1 -artifact_prefix=fuzz/artifacts/ $(FUZZ_FLAGS) \
	    > fuzz/artifacts/last-run.log 2>&1 || status=$$?; \
	grep -v -e ' NEW ' -e ' REDUCE ' -e ' pulse ' fuzz/artifacts/last-run.log | tail -n 40; \
	{ grep -o 'stat::number_of_executed_units: *[0-9]*' fuzz/artifacts/last-run.log \
	    || grep -o '^#[0-9]*' fuzz/artifacts/last-run.log; } | tail -n 1 | sed 's/.*[:#] */executed inputs: /'; \
	ls fuzz/artifacts | grep -E '^(crash|leak|timeout|oom|slow-unit)-' || echo "no crash artifacts"; \
	after=$$(ls fuzz/artifacts | grep -cE '^(crash|leak|timeout|oom)-'); \
	if [ "$$after" -gt "$$before" ]; then echo "new crash artifacts: $$((after - before))"; status=1; fi; \
	exit $$status

# A target-specific value reaches the prerequisite's recipe: fuzz-dicom runs for 60 s.
fuzz-dicom-smoke: FUZZ_SECONDS = 60
fuzz-dicom-smoke: fuzz-dicom
