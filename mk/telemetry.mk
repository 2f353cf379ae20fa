# Fuzzing the HTTP request-head parser (fuzz/README.md): HTTPParser and ListenAddress on mutated inputs.
#
#   make fuzz-http-build                    build .build-fuzz/release/fuzz-http-parser through SwiftPM
#   make fuzz-http FUZZ_HTTP_SECONDS=300    fuzz for that long (niced), seeds from fuzz/seeds-http/

FUZZ_HTTP_SECONDS ?= 300
FUZZ_HTTP_RUNS ?= -1
FUZZ_HTTP_BIN := .build-fuzz/release/fuzz-http-parser
FUZZ_HTTP_RSS_MB ?= 2048
FUZZ_HTTP_TIMEOUT ?= 10

.PHONY: fuzz-http-build fuzz-http

fuzz-http-build:
	FEDLAKE_FUZZ=1 swift build -c release --scratch-path .build-fuzz --product fuzz-http-parser \
	    -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library

# One process at the lowest priority (the machine is shared). The log goes to fuzz/artifacts-http/last-run.log;
# the recipe prints its tail, the executed-input count and any crash files, and fails when a run adds one.
fuzz-http: fuzz-http-build
	@mkdir -p fuzz/artifacts-http fuzz/corpus-http
	@cp -n fuzz/seeds-http/* fuzz/corpus-http/ 2>/dev/null || true
	@echo "fuzzing the HTTP parser for $(FUZZ_HTTP_SECONDS) s; log: fuzz/artifacts-http/last-run.log"
	@before=$$(ls fuzz/artifacts-http | grep -cE '^(crash|leak|timeout|oom)-'); \
	status=0; SWIFT_BACKTRACE=enable=no nice -n 19 $(FUZZ_HTTP_BIN) fuzz/corpus-http -dict=fuzz/http.dict \
	    -runs=$(FUZZ_HTTP_RUNS) -max_total_time=$(FUZZ_HTTP_SECONDS) -rss_limit_mb=$(FUZZ_HTTP_RSS_MB) \
	    -max_len=20000 -timeout=$(FUZZ_HTTP_TIMEOUT) -print_final_stats=1 -artifact_prefix=fuzz/artifacts-http/ \
	    > fuzz/artifacts-http/last-run.log 2>&1 || status=$$?; \
	grep -v -e ' NEW ' -e ' REDUCE ' -e ' pulse ' fuzz/artifacts-http/last-run.log | tail -n 30; \
	grep -o 'stat::number_of_executed_units: *[0-9]*' fuzz/artifacts-http/last-run.log | sed 's/.*: */executed inputs: /'; \
	after=$$(ls fuzz/artifacts-http | grep -cE '^(crash|leak|timeout|oom)-'); \
	ls fuzz/artifacts-http | grep -E '^(crash|leak|timeout|oom)-' || echo "no crash artifacts"; \
	test $$status -eq 0 -a $$after -eq $$before
