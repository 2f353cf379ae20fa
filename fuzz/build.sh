#!/usr/bin/env bash
# Builds the libFuzzer binary fuzz/.build/dicom-reader-fuzz from the DICOM sources and the fuzz
# entry point, compiled as one module (see fuzz/README.md). Run from the repository root.
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFTC="${SWIFTC:-swiftc}"
OUT="${FUZZ_BUILD_DIR:-fuzz/.build}"
mkdir -p "$OUT"
mapfile -t sources < <(find Sources/DICOM -name '*.swift' | LC_ALL=C sort)
# The same language settings as Package.swift applies to every target.
"$SWIFTC" -module-name DICOM -parse-as-library -swift-version 6 \
    -enable-upcoming-feature ExistentialAny \
    -enable-upcoming-feature MemberImportVisibility \
    -enable-upcoming-feature InternalImportsByDefault \
    -enable-upcoming-feature NonisolatedNonsendingByDefault \
    -sanitize=fuzzer,address -O -g \
    -I Sources/CZlib -lz \
    "${sources[@]}" fuzz/DICOMReaderFuzz/main.swift \
    -o "$OUT/dicom-reader-fuzz" \
    2> >(grep -v "Cannot export local symbol '__asan" >&2)
echo "built $OUT/dicom-reader-fuzz"

# The S3 ListObjectsV2/error XML reader of Connectors: only the standard-library-only files of the module.
"$SWIFTC" -module-name Connectors -parse-as-library -swift-version 6 \
    -enable-upcoming-feature ExistentialAny \
    -enable-upcoming-feature MemberImportVisibility \
    -enable-upcoming-feature InternalImportsByDefault \
    -enable-upcoming-feature NonisolatedNonsendingByDefault \
    -sanitize=fuzzer,address -O -g \
    Sources/Connectors/ConnectorError.swift Sources/Connectors/S3/MiniXML.swift \
    Sources/Connectors/S3/ListBucketXML.swift fuzz/S3ListXMLFuzz/main.swift \
    -o "$OUT/s3-list-xml-fuzz" \
    2> >(grep -v "Cannot export local symbol '__asan" >&2)
echo "built $OUT/s3-list-xml-fuzz"
