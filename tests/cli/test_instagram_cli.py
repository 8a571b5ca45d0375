"""The real `outpost` program against the strict fake Instagram, end to end.

The fake runs on two loopback servers (graph.instagram.com and api.instagram.com) named with
`OUTPOST_API_URL_INSTAGRAM` / `OUTPOST_AUTH_URL_INSTAGRAM`. The media host is Outpost's own,
set with `outpost media-host set` on the session's S3-compatible server (tests/support/s3.py,
`OUTPOST_MEDIA_HOST_URL`): the fake downloads every file through its presigned URL, and the
bucket is empty afterwards. The keyring is the file-backed test keyring.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests import media_fixtures
from tests.cli.test_oauth_networks_cli import assert_secrets_only_in_keyring
from tests.contract.fake_instagram import API, AUTH, CLIENT_ID, CLIENT_SECRET, FakeInstagram
from tests.support.loopback import LoopbackServer
from tests.support.program import ROOT, outpost_command, outpost_env, run_outpost
from tests.support.s3 import S3Server

ENDPOINT = "https://storage.example.net"  # what the creator types; the override sends it to the test server


@dataclass
class World:
    fake: FakeInstagram
    env: dict[str, str]
    s3: S3Server


@pytest.fixture(scope="module")
def world(s3: S3Server) -> Iterator[World]:
    fake = FakeInstagram()
    with LoopbackServer(fake.handle, origin=API) as api, LoopbackServer(fake.handle, origin=AUTH) as auth:
        env = {
            "OUTPOST_API_URL_INSTAGRAM": f"http://127.0.0.1:{api.port}",
            "OUTPOST_AUTH_URL_INSTAGRAM": f"http://127.0.0.1:{auth.port}",
            "OUTPOST_MEDIA_HOST_URL": s3.url,
        }
        yield World(fake, env, s3)
    assert api.errors == [] and auth.errors == []


def program(
    tmp_path: Path, env: dict[str, str], *args: str, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    return run_outpost(
        tmp_path / "data", *args, env=outpost_env(tmp_path / "keyring.json", **env), stdin=stdin
    )


def set_media_host(tmp_path: Path, world: World) -> str:
    """`outpost media-host set` on a fresh bucket of the test server; its name."""
    bucket = world.s3.new_bucket()
    saved = program(
        tmp_path, world.env, "media-host", "set", "--endpoint", ENDPOINT, "--bucket", bucket,
        "--access-key-id", world.s3.outpost.access_key_id, "--secret-stdin", "--path-style",
        stdin=world.s3.outpost.secret + "\n",
    )  # fmt: skip
    assert saved.returncode == 0, saved.stderr
    return bucket


def test_add_a_token_publish_a_carousel_with_alt_text_and_bad_posts_exit_2_naming_the_field(
    tmp_path: Path, world: World
) -> None:
    fake, env = world.fake, world.env
    token = fake.issue(age_s=2 * 86400)
    ends = (datetime.now(UTC) + timedelta(days=40)).strftime("%Y-%m-%dT%H:%M:%SZ")
    added = program(tmp_path, env, "accounts", "add", "instagram", "--access-token", "-", "--expires-at", ends,
                    stdin=token + "\n")  # fmt: skip
    assert added.returncode == 0, added.stderr
    account = json.loads(added.stdout)
    assert (account["handle"], account["health"]["state"]) == ("alice.makes", "ok")
    one = media_fixtures.image(tmp_path / "one.png", 1080, 1350)
    two = media_fixtures.image(tmp_path / "two.jpg", 1600, 900)
    bare = program(tmp_path, env, "post", "create", "--text", "x", "--account",
                   "instagram:alice.makes", "--media", str(one), "--now")  # fmt: skip
    assert bare.returncode == 2 and "media_host: " in bare.stderr and "outpost media-host set" in bare.stderr
    bucket = set_media_host(tmp_path, world)
    before = len(fake.media)
    posted = program(
        tmp_path, env, "post", "create", "--text", "Studio day #weaving", "--account", "instagram:alice.makes",
        "--media", str(one), "--alt", "A loom", "--media", str(two), "--alt", "The yarn wall",
        "--option", "instagram.collaborators=bob.weaves", "--now",
    )  # fmt: skip
    assert posted.returncode == 0, posted.stderr
    target = json.loads(posted.stdout)["targets"][0]
    carousel = fake.media[before]
    assert target["status"] == "published" and target["platform_post_id"] == carousel.id
    assert target["permalink"] == carousel.permalink
    assert (carousel.kind, carousel.alt_texts) == ("CAROUSEL_ALBUM", ["A loom", "The yarn wall"])
    assert carousel.collaborators == ["bob.weaves"] and len(carousel.children) == 2
    assert len([u for u in fake.fetched if u.startswith(world.s3.url)]) >= 2  # fetched from the bucket
    assert world.s3.keys(bucket) == []  # and deleted once Instagram had them
    assert_secrets_only_in_keyring(tmp_path / "data", tmp_path / "keyring.json", token)

    requests_before = len(fake.container_requests())
    reel = program(tmp_path, env, "post", "create", "--text", "x", "--account", "instagram:alice.makes",
                   "--media", str(one), "--option", "instagram.content_type=reels", "--now")  # fmt: skip
    assert reel.returncode == 2 and "media: a Reel is one video" in reel.stderr
    assert len(fake.container_requests()) == requests_before  # nothing reached Instagram


def test_connect_through_the_browser_by_pasting_the_address_it_ended_on(tmp_path: Path, world: World) -> None:
    env = world.env
    landed = tmp_path / "landed.txt"
    browser = f"{sys.executable} {ROOT / 'tests' / 'support' / 'oauth_browser.py'} %s"
    full_env = outpost_env(tmp_path / "keyring.json", **env, BROWSER=browser, OAUTH_LANDED_FILE=str(landed))
    app = run_outpost(tmp_path / "data", "apps", "set", "instagram", "--client-id", CLIENT_ID,
                      "--client-secret-stdin", env=full_env, stdin=CLIENT_SECRET + "\n")  # fmt: skip
    assert app.returncode == 0, app.stderr
    child = subprocess.Popen(
        outpost_command(tmp_path / "data", "accounts", "connect", "instagram"),
        env=full_env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not landed.exists() or not landed.read_text():
            assert child.poll() is None, child.communicate()
            assert time.monotonic() < deadline, "the browser never landed"
            time.sleep(0.05)
        out, err = child.communicate(landed.read_text() + "\n", timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    assert child.returncode == 0, err
    assert "paste it here" in err and json.loads(out)["handle"] == "alice.makes"
    kept = json.loads((tmp_path / "keyring.json").read_text())
    assert CLIENT_SECRET in json.dumps(kept)  # the app's secret, kept with the app only
    account_entries = [v for k, v in kept.items() if "instagram/" in k]
    assert account_entries and all(CLIENT_SECRET not in json.dumps(v) for v in account_entries)
