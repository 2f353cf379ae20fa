#!/usr/bin/env bash
# The samplers and mechanisms of Sources/Privacy work in integer and rational arithmetic only (issue 5):
# fails when floating point or a transcendental function appears in their folders. Code that legitimately
# needs floating point (accounting, interval widths) lives in Sources/Privacy/Accounting and Analysis.
set -euo pipefail
cd "$(dirname "$0")/.."
folders=(Sources/Privacy/Samplers Sources/Privacy/Mechanisms)
pattern='\b(Double|Float|Float16|Float32|Float64|Float80|CGFloat)\b|\b(exp|log|sqrt)\('
status=0
for folder in "${folders[@]}"; do
    if [ ! -d "$folder" ]; then
        echo "no-float check: $folder is missing"
        status=1
        continue
    fi
    if grep -rnE "$pattern" "$folder" --include='*.swift'; then
        status=1
    fi
done
if [ $status -ne 0 ]; then
    echo "no-float check: failed (floating point or exp/log/sqrt in the samplers or mechanisms)"
    exit 1
fi
echo "no-float check: ok"
