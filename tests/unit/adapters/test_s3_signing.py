"""The media host's SigV4 against AWS's published examples, and botocore loaded only when used."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from outpost.adapters.s3_signing import presign_get, sign_request
from tests.support.program import outpost_env
from tests.support.s3 import query_signature

# AWS's example credentials and time, from the pages cited in outpost.adapters.s3_signing.
KEY_ID = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
WHEN = datetime(2013, 5, 24, tzinfo=UTC)
EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def test_a_header_signed_get_matches_awss_example() -> None:
    """sig-v4-header-based-auth.html, "Example: GET Object" (a Range header, empty body)."""
    headers = sign_request(
        "GET", "https://examplebucket.s3.amazonaws.com/test.txt", {"Range": "bytes=0-9"},
        access_key_id=KEY_ID, secret=SECRET, region="us-east-1", now=WHEN, payload_sha256=EMPTY,
    )  # fmt: skip
    assert headers["X-Amz-Date"] == "20130524T000000Z" and headers["X-Amz-Content-SHA256"] == EMPTY
    assert headers["Authorization"] == (
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
        "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
        "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
    )


def test_a_presigned_url_matches_awss_example_and_the_test_servers_check() -> None:
    """sigv4-query-string-auth.html, the example presigned GET of test.txt valid 86400 s."""
    url = presign_get(
        "https://examplebucket.s3.amazonaws.com/test.txt",
        access_key_id=KEY_ID, secret=SECRET, region="us-east-1", now=WHEN, expires_s=86400,
    )  # fmt: skip
    assert url == (
        "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256"
        "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
        "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
        "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
    )
    # The test server's own check (tests/support/s3.py) agrees with AWS on the same example.
    request = httpx.Request("GET", url, headers={"Host": "examplebucket.s3.amazonaws.com"})
    assert query_signature(request, SECRET) == url.rpartition("=")[2]
    assert query_signature(request, SECRET + "x") != url.rpartition("=")[2]


def test_a_url_longer_than_sigv4_allows_is_refused() -> None:
    with pytest.raises(ValueError, match="7 days"):
        presign_get(
            "https://b.example/k", access_key_id="A", secret="S", region="r", now=WHEN, expires_s=604801
        )


PROBE = """
import json, sys
from outpost.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "botocore": sorted(m for m in sys.modules if m.split(".")[0] == "botocore")}),
      file=sys.stderr)
"""


def test_commands_that_do_not_upload_never_load_botocore(tmp_path: Path) -> None:
    """Start-up stays as fast with a media host set: botocore loads only when a request is signed."""
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    (data / "media-host.json").write_text(
        json.dumps(
            {"endpoint": "http://127.0.0.1:9", "bucket": "media", "access_key_id": "K", "path_style": True}
        )
    )
    env = outpost_env(PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
    for command in (["post", "list"], ["media-host", "show"]):
        done = subprocess.run(
            [sys.executable, "-c", PROBE, "--data-dir", str(data), "--json", *command],
            capture_output=True, text=True, env=env, timeout=120,
        )  # fmt: skip
        report = json.loads(done.stderr.strip().splitlines()[-1])
        assert report == {"code": 0, "botocore": []}, done.stderr
