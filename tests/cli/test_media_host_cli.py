"""`outpost media-host set|show|test|remove`, the real program against a real S3 server on loopback.

The secret access key goes in on standard input and must end up in the keyring only: never in
`show`, the JSON, the logs or any file of the data folder. `test` exits 1 naming the cause.
The server is moto behind a strict front (tests/support/s3.py); `OUTPOST_MEDIA_HOST_URL` points the
program at it, which also proves the override (INTERFACE.md, Environment).
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.program import outpost_env, run_outpost
from tests.support.s3 import S3Server

#: What the creator would type for a real bucket; the override sends everything to the test server.
ENDPOINT = "https://storage.example.net"


@dataclass
class Program:
    data: Path
    env: dict[str, str]

    def __call__(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return run_outpost(self.data, *args, env=self.env, stdin=stdin)


@pytest.fixture
def outpost(tmp_path: Path, s3: S3Server) -> Program:
    return Program(tmp_path / "data", outpost_env(tmp_path / "keyring.json", OUTPOST_MEDIA_HOST_URL=s3.url))


def _set(outpost: Program, bucket: str, key_id: str, secret: str) -> subprocess.CompletedProcess[str]:
    return outpost(
        "media-host", "set", "--endpoint", ENDPOINT, "--bucket", bucket, "--access-key-id", key_id,
        "--secret-stdin", "--path-style", stdin=f"{secret}\n",
    )  # fmt: skip


def test_set_show_test_remove_with_the_secret_only_in_the_keyring(
    outpost: Program, s3: S3Server, tmp_path: Path
) -> None:
    bucket = s3.new_bucket()
    nothing = outpost("media-host", "show")
    assert nothing.returncode == 0 and json.loads(nothing.stdout) == {"configured": False}

    saved = _set(outpost, bucket, s3.outpost.access_key_id, s3.outpost.secret)
    assert saved.returncode == 0, saved.stderr
    document = json.loads(saved.stdout)
    assert document == {
        "configured": True,
        "endpoint": ENDPOINT,
        "bucket": bucket,
        "region": "us-east-1",
        "access_key_id": s3.outpost.access_key_id,
        "path_style": True,
        "public_base_url": None,
        "prefix": "outpost/",
        "has_secret": True,
        "endpoint_override": s3.url,
    }
    shown = outpost("media-host", "show")
    assert json.loads(shown.stdout) == document
    as_text = run_outpost(outpost.data, "media-host", "show", env=outpost.env, json_output=False)
    assert f"bucket {bucket} at {ENDPOINT}" in as_text.stdout and "in the keyring" in as_text.stdout

    fetched_before = len(s3.fetched)
    tested = outpost("media-host", "test")
    assert tested.returncode == 0, tested.stderr
    assert json.loads(tested.stdout)["ok"] is True
    assert len(s3.fetched) == fetched_before + 1 and s3.keys(bucket) == []  # fetched, then deleted

    for done in (saved, nothing, shown, as_text, tested):
        assert s3.outpost.secret not in done.stdout + done.stderr
    assert s3.outpost.secret in (tmp_path / "keyring.json").read_text()
    for path in outpost.data.rglob("*"):  # settings, database, logs, the media host's file
        if path.is_file():
            assert s3.outpost.secret.encode() not in path.read_bytes(), f"the secret leaked into {path}"
    assert (outpost.data / "media-host.json").stat().st_mode & 0o077 == 0  # private

    removed = outpost("media-host", "remove")
    assert removed.returncode == 0, removed.stderr
    assert json.loads(outpost("media-host", "show").stdout) == {"configured": False}
    assert s3.outpost.secret not in (tmp_path / "keyring.json").read_text()


def test_test_exits_1_naming_a_wrong_secret_or_a_missing_bucket(outpost: Program, s3: S3Server) -> None:
    bucket = s3.new_bucket()
    assert _set(outpost, bucket, s3.outpost.access_key_id, "wrong-secret").returncode == 0
    wrong = outpost("media-host", "test")
    assert wrong.returncode == 1
    assert "secret access key does not belong" in wrong.stderr and "SignatureDoesNotMatch" in wrong.stderr
    assert json.loads(wrong.stdout)["error"]["cause"] == "wrong_secret"
    assert "wrong-secret" not in wrong.stdout + wrong.stderr

    assert _set(outpost, "outpost-test-missing", s3.admin.access_key_id, s3.admin.secret).returncode == 0
    missing = outpost("media-host", "test")
    assert missing.returncode == 1 and "no bucket named outpost-test-missing" in missing.stderr
    assert json.loads(missing.stdout)["error"]["cause"] == "no_bucket"
    assert s3.keys(bucket) == []


def test_bad_settings_are_refused_naming_the_field_before_the_secret_is_read(outpost: Program) -> None:
    refused = outpost(
        "media-host", "set", "--endpoint", "s3.example.net", "--bucket", "No_Such", "--access-key-id", "K",
        "--secret-stdin",
    )  # fmt: skip
    assert refused.returncode == 2
    problems = {p["field"] for p in json.loads(refused.stdout)["error"]["problems"]}
    assert problems == {"endpoint", "bucket"}
    no_secret = outpost(
        "media-host",
        "set",
        "--endpoint",
        ENDPOINT,
        "--bucket",
        "media",
        "--access-key-id",
        "K",
        "--secret-stdin",
    )
    assert no_secret.returncode == 2 and "--secret-stdin" in no_secret.stderr
