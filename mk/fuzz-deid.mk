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
	@mkdir -p fuzz/artifacts-deid fuzz/corpus-deid
	@cp -n fuzz/corpus/* fuzz/corpus-deid/ 2>/dev/null || true
	@echo "fuzzing the de-identifier for $(FUZZ_DEID_RUNS) inputs; log: fuzz/artifacts-deid/last-run.log"
	@before=$$(ls fuzz/artifacts-deid | grep -cE '^(crash|leak|timeout|oom)-'); \
	status=0; SWIFT_BACKTRACE=enable=no $(FUZZ_DEID_BIN) fuzz/corpus-deid -dict=fuzz/dicom.dict \
	    -runs=$(FUZZ_DEID_RUNS) -max_total_time=$(FUZZ_DEID_SECONDS) -rss_limit_mb=$(FUZZ_RSS_MB) \
	    -max_len=16384 -timeout=$(FUZZ_TIMEOUT) -print_final_stats=1 -artifact_prefix=fuzz/artifacts-deid/ \
	    > fuzz/artifacts-deid/last-run.log 2>&1 || status=$$?; \
	grep -v -e ' NEW ' -e ' REDUCE ' -e ' pulse ' fuzz/artifacts-deid/last-run.log | tail -n 30; \
	grep -o 'stat::number_of_executed_units: *[0-9]*' fuzz/artifacts-deid/last-run.log | sed 's/.*: */executed inputs: /'; \
	after=$$(ls fuzz/artifacts-deid | grep -cE '^(crash|leak|timeout|oom)-'); \
	ls fuzz/artifacts-deid | grep -E '^(crash|leak|timeout|oom)-' || echo "no crash artifacts"; \
	test $$status -eq 0 -a $$after -eq $$before
