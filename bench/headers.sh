#!/usr/bin/env bash
# Header-read benchmark: fedlake-bench vs pydicom vs dcmtk on each corpus set (bench/README.md).
#   bench/headers.sh CORPUS_DIR [SET...]      SETs default to "small ct"
# Expects .build-release/release/fedlake-bench (make bench-headers builds it).
set -euo pipefail
cd "$(dirname "$0")/.."
corpus="${1:?usage: bench/headers.sh CORPUS_DIR [SET...]}"
shift
sets=("$@")
[ ${#sets[@]} -gt 0 ] || sets=(small ct)
bin="${BENCH_BIN:-.build-release/release/fedlake-bench}"
profile="$(basename "$corpus")"
for set in "${sets[@]}"; do
    dir="$corpus/$set"
    [ -d "$dir" ] || { echo "missing $dir: run make bench-corpus" >&2; exit 1; }
    # dcmtk's output goes to /dev/null during timing; check once that it parses every file.
    n_files="$(find "$dir" -type f ! -name '.*' | wc -l)"
    n_dcmtk="$(dcmdump -q +sd +r +sb 7fe0,0010 +P 0008,0018 "$dir" | grep -c '^(0008,0018)' || true)"
    echo "$set: $n_files files; dcmtk found SOP Instance UID in $n_dcmtk" >&2
    python3 bench/lib/harness.py --name "headers-$profile-$set" --corpus "$dir" \
        --tool "ours=$bin headers $dir" \
        --tool "pydicom=python3 bench/peers/pydicom_headers.py $dir" \
        --tool "dcmtk=dcmdump -q +sd +r +sb 7fe0,0010 +P 0008,0018 $dir >/dev/null"
done
