#!/usr/bin/env python3
"""Orthanc peer: a real Orthanc on loopback, `POST /instances/{id}/anonymize` on every instance.

    orthanc_anon.py INPUT_DIR OUTPUT_DIR

Starts `Orthanc CONFIG.json` in a temporary folder (HTTP on a free loopback port, remote access off,
authentication on with a random password, no DICOM server, no plugins), uploads every file of
INPUT_DIR (`POST /instances`; a file Orthanc rejects is counted as refused), then for each stored
instance asks `POST /instances/{id}/anonymize` with the default body `{}` (Orthanc's default
profile; the answer is the anonymized file) and writes it under the input's relative path in
OUTPUT_DIR. Prints `files=N written=W refused=R anonymize_s=T` where T covers only the
anonymize-and-write loop (upload excluded). `OrthancServer` is reused by deid_throughput.py.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class OrthancServer:
    """One Orthanc process in its own temporary folder; stop() ends it and removes the folder."""

    def __init__(self, executable: str = "Orthanc") -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="bench-orthanc-"))
        self.port = free_port()
        password = secrets.token_hex(16)
        self.user, self.password = "bench", password
        self.auth = "Basic " + base64.b64encode(("bench:" + password).encode()).decode()
        config = {
            "Name": "bench", "StorageDirectory": str(self.dir / "storage"), "IndexDirectory": str(self.dir / "index"),
            "HttpPort": self.port, "DicomPort": free_port(), "DicomServerEnabled": False,
            "RemoteAccessAllowed": False, "AuthenticationEnabled": True, "RegisteredUsers": {"bench": password},
            "Plugins": [], "LuaScripts": [], "OrthancExplorerEnabled": False, "WebDavEnabled": False,
            "HttpCompressionEnabled": False, "MetricsEnabled": False, "SaveJobs": False, "HttpProxy": "",
            "StorageCompression": False, "SyncStorageArea": False, "HttpThreadsCount": 4,
        }
        (self.dir / "orthanc.json").write_text(json.dumps(config))
        self.log = open(self.dir / "orthanc.log", "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen([executable, str(self.dir / "orthanc.json")], stdout=self.log,
                                        stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while True:
            try:
                self.request("GET", "/system")
                break
            except (OSError, urllib.error.URLError):
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise RuntimeError("Orthanc did not start") from None
                time.sleep(0.1)

    def request(self, method: str, path: str, body: bytes | None = None) -> bytes:
        req = urllib.request.Request("http://127.0.0.1:%d%s" % (self.port, path), data=body, method=method,
                                     headers={"Authorization": self.auth})
        with urllib.request.urlopen(req, timeout=120) as resp:  # noqa: S310 - loopback only
            return resp.read()

    def upload(self, path: Path) -> str | None:
        """The instance id, or None when Orthanc refuses the file."""
        try:
            answer = json.loads(self.request("POST", "/instances", path.read_bytes()))
        except urllib.error.HTTPError:
            return None
        return answer.get("ID") if answer.get("Status") in ("Success", "AlreadyStored") else None

    def anonymize(self, instance: str) -> bytes:
        return self.request("POST", "/instances/%s/anonymize" % instance, b"{}")

    def peak_rss_kib(self) -> int | None:
        try:
            for line in Path("/proc/%d/status" % self.process.pid).read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        except OSError:
            pass
        return None

    def version(self) -> str:
        try:
            return json.loads(self.request("GET", "/system")).get("Version", "")
        except (OSError, urllib.error.URLError):
            return ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def list_files(src: Path) -> list[Path]:
    return sorted(p for p in src.rglob("*") if p.is_file() and not p.name.startswith("."))


def anonymize_tree(server: OrthancServer, uploaded: list[tuple[Path, str]], src: Path, dst: Path) -> int:
    written = 0
    for path, instance in uploaded:
        out = dst / path.relative_to(src)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(server.anonymize(instance))
        written += 1
    return written


def main() -> int:
    src, dst = Path(sys.argv[1]), Path(sys.argv[2])
    server = OrthancServer(os.environ.get("ORTHANC", "Orthanc"))
    try:
        files = list_files(src)
        uploaded = []
        for path in files:
            instance = server.upload(path)
            if instance is not None:
                uploaded.append((path, instance))
        start = time.perf_counter()
        written = anonymize_tree(server, uploaded, src, dst)
        elapsed = time.perf_counter() - start
        print("files=%d written=%d refused=%d anonymize_s=%.3f version=%s" % (
            len(files), written, len(files) - len(uploaded), elapsed, server.version()))
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
