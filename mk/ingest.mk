# Fuzzing the node configuration parser (fuzz/README.md): NodeConfiguration.parse on mutated JSON.
#
#   make fuzz-config-build                      build .build-fuzz/release/fuzz-config through SwiftPM
#   make fuzz-config FUZZ_CONFIG_SECONDS=300    fuzz for that long (single process, niced); crashes in
#                                               fuzz/artifacts-config/

FUZZ_CONFIG_SECONDS ?= 300
FUZZ_CONFIG_BIN := .build-fuzz/release/fuzz-config

.PHONY: fuzz-config-build fuzz-config

fuzz-config-build:
	FEDLAKE_FUZZ=1 swift build -c release --scratch-path .build-fuzz --product fuzz-config \
	    -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library

fuzz-config: fuzz-config-build
	@mkdir -p fuzz/artifacts-config fuzz/corpus-config
	@cp -n fuzz/config-seeds/* fuzz/corpus-config/ 2>/dev/null || true
	@echo "fuzzing the node configuration parser for $(FUZZ_CONFIG_SECONDS) s; log: fuzz/artifacts-config/last-run.log"
	@before=$$(ls fuzz/artifacts-config | grep -cE '^(crash|leak|timeout|oom)-'); \
	status=0; SWIFT_BACKTRACE=enable=no nice -n 10 $(FUZZ_CONFIG_BIN) fuzz/corpus-config -dict=fuzz/config.dict \
	    -max_total_time=$(FUZZ_CONFIG_SECONDS) -rss_limit_mb=2048 -max_len=8192 -timeout=10 \
	    -print_final_stats=1 -artifact_prefix=fuzz/artifacts-config/ \
	    > fuzz/artifacts-config/last-run.log 2>&1 || status=$$?; \
	grep -v -e ' NEW ' -e ' REDUCE ' -e ' pulse ' fuzz/artifacts-config/last-run.log | tail -n 30; \
	grep -o 'stat::number_of_executed_units: *[0-9]*' fuzz/artifacts-config/last-run.log | sed 's/.*: */executed inputs: /'; \
	after=$$(ls fuzz/artifacts-config | grep -cE '^(crash|leak|timeout|oom)-'); \
	ls fuzz/artifacts-config | grep -E '^(crash|leak|timeout|oom)-' || echo "no crash artifacts"; \
	test $$status -eq 0 -a $$after -eq $$before
