#!/usr/bin/env bash
# Checks the layer rules of STYLE.md that the compiler does not: R2 (each C library is imported by exactly
# one wrapper file) and TestSupport staying out of production targets.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
allowed() {
    case "$1" in
        CZlib) echo "Sources/DICOM/LibZ.swift" ;;
        CLinux) echo "Sources/Storage/LibLinux.swift" ;;
        CSQLite) echo "Sources/Storage/LibSQLite.swift" ;;
        CCurl) echo "Sources/HTTP/LibCurl.swift" ;;
        CBLAS) echo "Sources/Learning/LibBLAS.swift" ;;
        COpenSSL) echo "Sources/Crypto/LibCrypto.swift Sources/HTTP/LibSSL.swift" ;;
    esac
}
for lib in CZlib CLinux CSQLite CCurl CBLAS COpenSSL; do
    while IFS= read -r file; do
        [ -z "$file" ] && continue
        if ! [[ " $(allowed "$lib") " == *" $file "* ]]; then
            echo "layer check: $file imports $lib; only $(allowed "$lib") may (STYLE.md R2)"
            status=1
        fi
        if ! grep -qE "^internal import $lib\$" "$file"; then
            echo "layer check: $file must import $lib as 'internal import $lib' (STYLE.md R2)"
            status=1
        fi
    done < <(grep -rlE "^(@_implementationOnly |internal |public |)import $lib\$" Sources bench fuzz 2>/dev/null || true)
done
if grep -rnE "^(public |internal |)import TestSupport" Sources --include=*.swift | grep -v "^Sources/TestSupport/"; then
    echo "layer check: a production target imports TestSupport"
    status=1
fi
# Package.swift as SwiftPM reads it: no regular or executable target (benchmark and helper executables aside,
# which live under bench/ and Tests/) may depend on TestSupport.
if ! swift package dump-package 2>/dev/null | python3 -c '
import json, sys
package = json.load(sys.stdin)
bad = []
for target in package["targets"]:
    if target["type"] not in ("regular", "executable") or target["name"] == "TestSupport":
        continue
    if (target.get("path") or "").startswith(("bench/", "Tests/")):
        continue
    names = [value for dependency in target["dependencies"] for value in dependency.values()]
    if any("TestSupport" in json.dumps(value) for value in names):
        bad.append(target["name"])
if bad:
    print("layer check: Package.swift gives production targets a TestSupport dependency: " + ", ".join(bad))
    sys.exit(1)
'; then
    status=1
fi
[ $status -eq 0 ] && echo "layer check: ok"
exit $status
