# De-identification benchmarks (bench/README.md); included from the top Makefile.
#
#   make bench-deid-leaks                 leak comparison: ours vs gdcmanon, dicognito, pydicom-deid, Orthanc
#   make bench-deid                       throughput on bench/corpus/$(BENCH_PROFILE) vs the same peers and cp -r
#   make bench-deid BENCH_PROFILE=quick   the same on 1,000 small + 200 CT files
#
# Peers are installed on first use (idempotent): pip dicognito deid pyahocorasick; Debian libgdcm-tools
# orthanc openssl time.

BENCH_DEID_PIP := dicognito deid pyahocorasick
BENCH_DEID_APT := libgdcm-tools orthanc openssl time dcmtk
BENCH_DEID_PATIENTS ?= 5
export BENCH_DEID_PATIENTS

.PHONY: bench-deid-deps bench-deid-build bench-deid-leaks bench-deid

bench-deid-deps:
	@missing=""; for p in $(BENCH_DEID_APT); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@$(PYTHON) -c "import dicognito, deid, ahocorasick, pydicom, numpy" 2>/dev/null || \
	  $(PYTHON) -m pip install -q --disable-pip-version-check pydicom numpy $(BENCH_DEID_PIP)

bench-deid-build:
	swift build -c release --scratch-path $(BENCH_SCRATCH) --product fedlake

bench-deid-leaks: bench-deid-deps bench-deid-build
	BENCH_BIN=$(BENCH_SCRATCH)/release/fedlake $(PYTHON) bench/deid_leaks.py

bench-deid: bench-deid-deps bench-corpus bench-deid-build
	BENCH_BIN=$(BENCH_SCRATCH)/release/fedlake $(PYTHON) bench/deid_throughput.py $(BENCH_CORPUS)
