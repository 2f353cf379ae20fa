# Differential privacy (Sources/Privacy, Tests/PrivacyTests, bench/README.md); included from the top Makefile.
#
#   make check-no-float          no floating point in the samplers and mechanisms (also run by `make test`)
#   make test-privacy            the PrivacyTests suites (light, fixed-seed sampler checks)
#   make test-samplers-full      ≥ 10^6 draws per scale from OpenSSL's DRBG, χ²/KS/Wilson at α = 10^-6 (release build)
#   make privacy-fixtures        regenerate Tests/Fixtures/privacy/zcdp-conversion.json with pip opendp
#   make bench-samplers          sampler throughput: ours vs OpenDP (pip opendp), median of BENCH_RUNS runs
#
# Needs python3 with opendp (pip) for the fixture generator and the benchmark peer.

PRIVACY_SCRATCH ?= .build
PRIVACY_FULL_SCRATCH ?= .build-release-tests
SAMPLER_DRAWS ?= 1000000
BENCH_SAMPLER_DRAWS ?= 1000000
PYTHON ?= python3
BENCH_SCRATCH ?= .build-release
BENCH_RUNS ?= 5

.PHONY: check-no-float test-privacy test-samplers-full privacy-deps privacy-fixtures bench-samplers

check-no-float:
	@bash tools/check_no_float.sh

test-privacy: check-no-float
	swift build --build-tests --scratch-path $(PRIVACY_SCRATCH)
	swift test --skip-build --scratch-path $(PRIVACY_SCRATCH) --filter PrivacyTests

test-samplers-full: check-no-float
	FEDLAKE_SAMPLERS_FULL=1 FEDLAKE_SAMPLER_DRAWS=$(SAMPLER_DRAWS) \
	    swift test -c release --scratch-path $(PRIVACY_FULL_SCRATCH) --filter SamplerDistributionTests

privacy-deps:
	@$(PYTHON) -c "import opendp" 2>/dev/null || $(PYTHON) -m pip install -q --disable-pip-version-check opendp

privacy-fixtures: privacy-deps
	$(PYTHON) tools/generate_zcdp_fixture.py Tests/Fixtures/privacy/zcdp-conversion.json

bench-samplers: privacy-deps
	swift build -c release --scratch-path $(BENCH_SCRATCH) --product privacy-bench
	BENCH_BIN=$(BENCH_SCRATCH)/release/privacy-bench BENCH_RUNS=$(BENCH_RUNS) \
	    BENCH_SAMPLER_DRAWS=$(BENCH_SAMPLER_DRAWS) $(PYTHON) bench/samplers.py
