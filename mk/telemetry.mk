# Fuzzing the HTTP request-head parser (fuzz/README.md): HTTPParser and ListenAddress on mutated inputs.
#
#   make fuzz-http-build                    build .build-fuzz/release/fuzz-http-parser through SwiftPM
#   make fuzz-http FUZZ_HTTP_SECONDS=300    fuzz for that long (niced), seeds from fuzz/seeds-http/

FUZZ_HTTP_SECONDS ?= 300
FUZZ_HTTP_RUNS ?= -1
FUZZ_HTTP_BIN := .build-fuzz/release/fuzz-http-parser

.PHONY: fuzz-http-build fuzz-http

fuzz-http-build:
	FEDLAKE_FUZZ=1 swift build -c release --scratch-path .build-fuzz --product fuzz-http-parser \
	    -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library

# One process at the lowest priority (the machine is shared). The log goes to fuzz/artifacts-http/last-run.log;
# the recipe prints its tail, the executed-input count and any crash files, and fails when a run adds one.
fuzz-http: fuzz-http-build
	@mkdir -p fuzz/corpus-http && cp -n fuzz/seeds-http/* fuzz/corpus-http/ 2>/dev/null || true
	fuzz/run.sh "the HTTP parser" $(FUZZ_HTTP_BIN) fuzz/corpus-http fuzz/http.dict fuzz/artifacts-http \
	    $(FUZZ_HTTP_SECONDS) $(FUZZ_HTTP_RUNS) 20000
