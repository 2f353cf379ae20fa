#!/usr/bin/env bash
# The node part of `make demo`: a synthetic hospital on loopback. It synthesizes a corpus with planted PHI,
# starts a real Orthanc and a real S3 server (SeaweedFS) on free 127.0.0.1 ports with random credentials,
# loads the DICOM into Orthanc (REST API) and the documents into a bucket (SigV4, by curl), then runs the
# node: `fedlake node init`, `node ingest --once` (with its progress bar on a terminal), `node status`, and
# the cohort queries of cohorts/ that the lake can answer. Everything lives in one temporary folder, removed
# at the end (DEMO_KEEP=1 keeps it); the servers are stopped by PID however the script ends.
set -euo pipefail
cd "$(dirname "$0")/.."
FEDLAKE=${FEDLAKE:-.build/release/fedlake}
PATIENTS=${DEMO_PATIENTS:-30}
DIR=$(mktemp -d "${TMPDIR:-/tmp}/fedlake-demo.XXXXXX")
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
        { wait "$pid"; } 2>/dev/null || true
    done
    if [ "${DEMO_KEEP:-0}" = 1 ]; then echo "demo folder kept: $DIR"; else rm -rf "$DIR"; fi
}
trap cleanup EXIT

free_port() { # a free loopback port whose +10000 twin (SeaweedFS gRPC) is free too
    python3 - <<'PY'
import socket
while True:
    a = socket.socket(); a.bind(("127.0.0.1", 0)); port = a.getsockname()[1]
    if port + 10000 > 65535: a.close(); continue
    b = socket.socket()
    try:
        b.bind(("127.0.0.1", port + 10000)); print(port); break
    except OSError:
        pass
    finally:
        a.close(); b.close()
PY
}
random_secret() { python3 -c "import secrets; print(secrets.token_hex(20))"; }
secret_file() { (umask 077; printf '%s' "$2" > "$1"); }
wait_http() { # URL, what, [curl options...]
    local url=$1 what=$2; shift 2
    for _ in $(seq 300); do
        if curl -s -o /dev/null -f "$@" "$url"; then return 0; fi
        sleep 0.2
    done
    echo "demo: $what did not answer at $url" >&2; exit 1
}

step() { printf '\n== %s\n' "$*"; }

step "synthesize $PATIENTS patients with planted PHI"
"$FEDLAKE" synth --out "$DIR/corpus" --patients "$PATIENTS" --seed 2026 >/dev/null
mv "$DIR/corpus/manifest.json" "$DIR/manifest.json"
echo "$(find "$DIR/corpus" -name '*.dcm' | wc -l) DICOM files, $(find "$DIR/corpus" -type f ! -name '*.dcm' | wc -l) documents"

step "start Orthanc on loopback"
ORTHANC_PORT=$(free_port); ORTHANC_PASSWORD=$(random_secret)
mkdir -p "$DIR/orthanc" "$DIR/secrets"
secret_file "$DIR/secrets/orthanc-password" "$ORTHANC_PASSWORD"
python3 - "$DIR/orthanc" "$ORTHANC_PORT" "$ORTHANC_PASSWORD" <<'PY'
import json, sys
d, port, password = sys.argv[1], int(sys.argv[2]), sys.argv[3]
json.dump({"Name": "fedlake-demo", "StorageDirectory": d + "/storage", "IndexDirectory": d + "/index",
           "HttpPort": port, "DicomServerEnabled": False, "RemoteAccessAllowed": False,
           "AuthenticationEnabled": True, "RegisteredUsers": {"fedlake": password}, "Plugins": [],
           "OrthancExplorerEnabled": False, "HttpProxy": "", "StableAge": 1, "DeidentifyLogs": True},
          open(d + "/orthanc.json", "w"))
PY
Orthanc "$DIR/orthanc/orthanc.json" >"$DIR/orthanc/orthanc.log" 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:$ORTHANC_PORT/system" Orthanc -u "fedlake:$ORTHANC_PASSWORD"
echo "Orthanc at http://127.0.0.1:$ORTHANC_PORT"

step "start the S3 server (SeaweedFS) on loopback"
S3_PORT=$(free_port); MASTER_PORT=$(free_port); VOLUME_PORT=$(free_port); FILER_PORT=$(free_port)
S3_KEY_ID="FLDEMO$(python3 -c 'import secrets; print(secrets.token_hex(6).upper())')"; S3_SECRET=$(random_secret)
mkdir -p "$DIR/s3/data"
secret_file "$DIR/secrets/s3-secret" "$S3_SECRET"
(umask 077; printf '{"identities":[{"name":"demo","credentials":[{"accessKey":"%s","secretKey":"%s"}],"actions":["Admin","Read","Write","List","Tagging"]}]}' \
    "$S3_KEY_ID" "$S3_SECRET" > "$DIR/s3/identities.json")
weed server -ip=127.0.0.1 -ip.bind=127.0.0.1 -dir="$DIR/s3/data" \
    -master.port="$MASTER_PORT" -master.telemetry=false -master.volumeSizeLimitMB=64 \
    -volume.port="$VOLUME_PORT" -volume.max=20 -volume.preStopSeconds=0 \
    -filer -filer.port="$FILER_PORT" -s3 -s3.port="$S3_PORT" -s3.port.iceberg=0 -s3.port.lance=0 \
    -s3.config="$DIR/s3/identities.json" >"$DIR/s3/weed.log" 2>&1 &
PIDS+=($!)
S3_URL="http://127.0.0.1:$S3_PORT"
SIGV4=(--aws-sigv4 "aws:amz:us-east-1:s3" --user "$S3_KEY_ID:$S3_SECRET")
for _ in $(seq 300); do
    if curl -s -f -o /dev/null "${SIGV4[@]}" -X PUT "$S3_URL/reports"; then break; fi
    sleep 0.2
done
curl -s -f -o /dev/null "${SIGV4[@]}" "$S3_URL/reports" || { echo "demo: the S3 server did not start" >&2; exit 1; }
echo "S3 at $S3_URL, bucket reports"

step "load the hospital's archives: DICOM into Orthanc, documents into the bucket"
find "$DIR/corpus" -name '*.dcm' -print0 | sort -z | while IFS= read -r -d '' f; do
    curl -s -f -o /dev/null -u "fedlake:$ORTHANC_PASSWORD" -H 'Content-Type: application/dicom' \
        --data-binary "@$f" "http://127.0.0.1:$ORTHANC_PORT/instances"
done
# Documents are filed under the patient's ID (the MRN), the way a document store keys them; the node links
# them to the patient's DICOM with `documentPatientPattern`.
python3 - "$DIR/manifest.json" > "$DIR/folders.tsv" <<'PY'
import json, sys
for p in json.load(open(sys.argv[1]))["patients"]:
    print(p["folder"] + "\t" + p["mrn"])
PY
documents=0
while IFS=$'\t' read -r folder mrn; do
    for f in "$DIR/corpus/$folder"/*; do
        case "$f" in *.dcm) continue ;; esac
        curl -s -f -o /dev/null "${SIGV4[@]}" -T "$f" "$S3_URL/reports/patients/$mrn/$(basename "$f")"
        documents=$((documents + 1))
    done
done < "$DIR/folders.tsv"
echo "Orthanc holds $(curl -s -u "fedlake:$ORTHANC_PASSWORD" "http://127.0.0.1:$ORTHANC_PORT/statistics" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["CountInstances"])') instances; the bucket $documents documents"

step "configure the node"
python3 -c "import secrets, sys; sys.stdout.buffer.write(secrets.token_bytes(32))" > "$DIR/secrets/node.key"
chmod 600 "$DIR/secrets/node.key"
cat > "$DIR/node.json" <<JSON
{
  "institution": "Demo Hospital",
  "lake": "lake",
  "secretKeyFile": "secrets/node.key",
  "sources": [
    {"type": "orthanc", "name": "pacs", "url": "http://127.0.0.1:$ORTHANC_PORT", "username": "fedlake",
     "passwordFile": "secrets/orthanc-password"},
    {"type": "s3", "name": "reports", "endpoint": "$S3_URL", "region": "us-east-1", "bucket": "reports",
     "prefix": "patients/", "accessKeyId": "$S3_KEY_ID", "secretAccessKeyFile": "secrets/s3-secret",
     "documentPatientPattern": "^patients/(?<patientID>[^/]+)/"}
  ],
  "privacy": {"defaultBudgetRho": "1", "defaultRho": "1/10", "minimumCount": 3}
}
JSON
cat "$DIR/node.json"

step "fedlake node init"
"$FEDLAKE" node init --config "$DIR/node.json"
step "fedlake node ingest --once"
"$FEDLAKE" node ingest --config "$DIR/node.json" --once
step "fedlake node status"
"$FEDLAKE" node status --config "$DIR/node.json"

step "is any planted identifier in the lake? (byte search of lake.sqlite and every stored object)"
python3 - "$DIR/manifest.json" "$DIR/lake" <<'PY'
import json, os, sys
manifest = json.load(open(sys.argv[1]))
values = set()
for p in manifest["patients"]:
    for key in ("familyName", "givenName", "mrn", "ssn", "phone", "email", "street"):
        if len(p.get(key, "")) >= 5:
            values.add(p[key].encode())
found = 0
for root, _, files in os.walk(sys.argv[2]):
    for name in files:
        data = open(os.path.join(root, name), "rb").read().lower()
        found += sum(1 for v in values if v.lower() in data)
print(f"searched for {len(values)} planted identifiers: {found} found")
sys.exit(1 if found else 0)
PY

if [ -d cohorts ] && ls cohorts/*.json >/dev/null 2>&1 && "$FEDLAKE" query local --help >/dev/null 2>&1; then
    for cohort in ${DEMO_COHORTS:-cohorts/chest-ct-over-60.json cohorts/mr-brain-by-sex.json cohorts/report-mentions-nodule.json}; do
        [ -f "$cohort" ] || continue
        step "fedlake query local $cohort"
        "$FEDLAKE" query local --config "$DIR/node.json" --project demo --requester alice "$cohort"
    done
    first=$(echo ${DEMO_COHORTS:-cohorts/chest-ct-over-60.json} | cut -d' ' -f1)
    if [ -f "$first" ]; then
        step "the same query again: the stored release, no budget spent"
        "$FEDLAKE" query local --config "$DIR/node.json" --project demo --requester alice "$first"
    fi
fi
