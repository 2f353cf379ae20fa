# Ingest benchmark (bench/README.md): `fedlake node ingest` from Orthanc vs plain curl from the same Orthanc.
#
#   make bench-ingest                                 2,000 small instances of bench/corpus/full, 3 runs
#   make bench-ingest BENCH_INGEST_INSTANCES=10000    the 10,000-object backlog (peak memory)

BENCH_INGEST_INSTANCES ?= 2000
export BENCH_INGEST_INSTANCES

.PHONY: bench-ingest
bench-ingest: deps bench-corpus bench-deid-build
	BENCH_BIN=$(BENCH_SCRATCH)/release/fedlake $(PYTHON) bench/ingest_throughput.py $(BENCH_CORPUS)/small
