# Cohort queries and the privacy ledger (cohorts/README.md, bench/README.md); included from the top Makefile.
#
#   make bench-query                     query latency on a generated lake of 1,000,000 instances / 100,000 patients
#                                        vs the same count through the sqlite3 shell (release build, medians)
#   make bench-query QUERY_PATIENTS=10000 QUERY_INSTANCES=100000   a smaller lake
#   make test-cohort-kill                the ledger's SIGKILL test with 1,000 kill points (CI runs 40)

QUERY_PATIENTS ?= 100000
QUERY_INSTANCES ?= 1000000
QUERY_RUNS ?= 7
BENCH_SCRATCH ?= .build
COHORT_SCRATCH ?= .build

.PHONY: bench-query test-cohort-kill

bench-query:
	@command -v sqlite3 >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends sqlite3)
	swift build -c release --scratch-path $(BENCH_SCRATCH) --product cohort-bench
	$(BENCH_SCRATCH)/release/cohort-bench --dir bench/out/lake-query-$(QUERY_PATIENTS)-$(QUERY_INSTANCES) \
	  --patients $(QUERY_PATIENTS) --instances $(QUERY_INSTANCES) --runs $(QUERY_RUNS)

test-cohort-kill:
	swift build --scratch-path $(COHORT_SCRATCH) --build-tests
	COHORT_KILLS=1000 swift test --scratch-path $(COHORT_SCRATCH) --skip-build \
	  --filter CohortLedgerTests/killingReservingProcessesAtRandomNeverLeavesSpentAboveTheLimit
