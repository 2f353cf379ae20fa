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
	@mkdir -p fuzz/corpus-config && cp -n fuzz/config-seeds/* fuzz/corpus-config/ 2>/dev/null || true
	fuzz/run.sh "the node configuration parser" $(FUZZ_CONFIG_BIN) fuzz/corpus-config fuzz/config.dict \
	    fuzz/artifacts-config $(FUZZ_CONFIG_SECONDS) -1 8192
