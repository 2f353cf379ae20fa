#!/usr/bin/env bash
# Fills fuzz/corpus/ with seed inputs: pydicom's bundled test files no larger than FUZZ_MAX_LEN,
# the committed seeds in fuzz/seeds/, and a few generated instances from bench/gen_corpus.py.
# libFuzzer adds what it finds to the same folder, so an existing corpus is kept.
set -euo pipefail
cd "$(dirname "$0")/.."
MAX_LEN="${FUZZ_MAX_LEN:-65536}"
CORPUS="${FUZZ_CORPUS:-fuzz/corpus}"
mkdir -p "$CORPUS"
python3 - "$CORPUS" "$MAX_LEN" <<'PY'
import hashlib, os, shutil, sys, warnings
corpus, max_len = sys.argv[1], int(sys.argv[2])
warnings.simplefilter("ignore")  # pydicom warns that its optional download set is unreachable
import pydicom.data
copied = 0
for path in pydicom.data.get_testdata_files("*"):
    if os.path.isfile(path) and os.path.getsize(path) <= max_len:
        data = open(path, "rb").read()
        # Named by content, as libFuzzer names its own inputs, so reruns do not duplicate.
        dest = os.path.join(corpus, hashlib.sha1(data).hexdigest())
        if not os.path.exists(dest):
            shutil.copyfile(path, dest)
            copied += 1
print("pydicom test files copied: %d" % copied)
PY
if [ -d fuzz/seeds ]; then cp -n fuzz/seeds/* "$CORPUS"/ 2>/dev/null || true; fi
gen="$(mktemp -d)"
BENCH_SMALL_COUNT="${FUZZ_GENERATED:-24}" BENCH_CT_COUNT=0 BENCH_CORPUS_DIR="$gen" BENCH_JOBS=1 \
    python3 bench/gen_corpus.py >/dev/null
find "$gen" -name '*.dcm' -size -"$((MAX_LEN / 1024))"k -exec cp -n {} "$CORPUS"/ \;
rm -rf "$gen"
echo "seed corpus: $(find "$CORPUS" -type f | wc -l) files in $CORPUS"
