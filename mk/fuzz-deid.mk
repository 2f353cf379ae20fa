# Fuzzing the de-identifier (fuzz/README.md): reader + DICOMDeidentifier + writer on mutated inputs.
#
#   make fuzz-deid-build                     build .build-fuzz/release/fuzz-deidentify through SwiftPM
#   make fuzz-deid FUZZ_DEID_RUNS=1000000    run until that many inputs (or FUZZ_DEID_SECONDS) have run

FUZZ_DEID_RUNS ?= 1000000
FUZZ_DEID_SECONDS ?= 3600
FUZZ_DEID_BIN := .build-fuzz/release/fuzz-deidentify

.PHONY: fuzz-deid-build fuzz-deid

fuzz-deid-build:
	FEDLAKE_FUZZ=1 swift build -c release --scratch-path .build-fuzz --product fuzz-deidentify \
	    -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library

fuzz-deid: fuzz-deid-build fuzz-corpus
	@mkdir -p fuzz/corpus-deid && cp -n fuzz/corpus/* fuzz/corpus-deid/ 2>/dev/null || true
	fuzz/run.sh de-identifier $(FUZZ_DEID_BIN) fuzz/corpus-deid fuzz/dicom.dict fuzz/artifacts-deid \
	    $(FUZZ_DEID_SECONDS) $(FUZZ_DEID_RUNS) 16384
