#!/usr/bin/env bash
# Runs one libFuzzer target (a binary built by a fuzz-*-build make target) and reports what it found.
#
#   fuzz/run.sh NAME BINARY CORPUS DICT ARTIFACTS SECONDS RUNS MAX_LEN [libFuzzer flags...]
#
# Seeds are copied into CORPUS by the caller. One process at the lowest priority (the machine is shared).
# The log goes to ARTIFACTS/last-run.log; this prints its tail, the executed-input count and any crash
# files, and fails when libFuzzer failed or the run added a crash, leak, time-out or OOM file.
set -uo pipefail
name=$1 binary=$2 corpus=$3 dict=$4 artifacts=$5 seconds=$6 runs=$7 max_len=$8
shift 8
mkdir -p "$corpus" "$artifacts"
log="$artifacts/last-run.log"
count_findings() { ls "$artifacts" | grep -cE '^(crash|leak|timeout|oom)-'; }
echo "fuzzing $name for $seconds s (at most $runs inputs); log: $log"
before=$(count_findings)
status=0
# Swift's own backtracer reads memory ASan guards and hides the fatalError message; libFuzzer reports crashes.
SWIFT_BACKTRACE=enable=no nice -n 19 "$binary" "$corpus" -dict="$dict" -max_total_time="$seconds" -runs="$runs" \
    -rss_limit_mb="${FUZZ_RSS_MB:-2048}" -max_len="$max_len" -timeout="${FUZZ_TIMEOUT:-10}" \
    -print_final_stats=1 -artifact_prefix="$artifacts/" "$@" > "$log" 2>&1 || status=$?
grep -v -e ' NEW ' -e ' REDUCE ' -e ' pulse ' "$log" | tail -n 30
{ grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" || grep -o '^#[0-9]*' "$log"; } | tail -n 1 \
    | sed 's/.*[:#] */executed inputs: /'
ls "$artifacts" | grep -E '^(crash|leak|timeout|oom|slow-unit)-' || echo "no crash artifacts"
after=$(count_findings)
if [ "$after" -gt "$before" ]; then echo "new findings: $((after - before))"; status=1; fi
exit $status
