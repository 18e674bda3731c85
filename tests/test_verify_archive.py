"""The independent verifier of ../shared passes on a real crawl's WARC files.

It never imports our code: gzip members, warcio check, record/HTTP-layer consistency, CDXJ,
WACZ create + validate, and a pywb replay on 127.0.0.1 compared byte for byte.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import SHARED

VERIFIER = SHARED / "tools" / "verify_archive" / "verify_archive.sh"


@pytest.mark.slow
@pytest.mark.skipif(not VERIFIER.exists(), reason="../shared/tools/verify_archive is not present")
def test_shared_verifier_passes_on_demo_crawl(demo_archive: Path, tmp_path: Path) -> None:
    report = tmp_path / "verify.json"
    proc = subprocess.run(
        ["bash", str(VERIFIER), str(demo_archive / "warc"), "--json", str(report)],
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    result = json.loads(report.read_text())
    assert result["ok"] and not result["fails"] and not result["warns"], result
    match = re.match(r"(\d+) urls replayed byte-identical of (\d+);", result["summary"])
    assert match, result["summary"]
    replayed, total = int(match[1]), int(match[2])
    assert replayed == total > 40
