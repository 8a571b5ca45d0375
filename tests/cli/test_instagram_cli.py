"""The real `outpost` program against the strict fake Instagram, end to end.

The fake runs on two loopback servers (graph.instagram.com and api.instagram.com) named with
`OUTPOST_API_URL_INSTAGRAM` / `OUTPOST_AUTH_URL_INSTAGRAM`; the media host is the loopback one,
reached from the program's process over HTTP (tests/support/remote_media_host.py), and the fake
downloads every file from it. The keyring is the file-backed test keyring.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests import media_fixtures
from tests.cli.test_oauth_networks_cli import assert_secrets_only_in_keyring
from tests.contract.fake_instagram import API, AUTH, CLIENT_ID, CLIENT_SECRET, FakeInstagram
from tests.support.loopback import LoopbackServer
from tests.support.program import ROOT, outpost_command, outpost_env, run_outpost
from tests.support.remote_media_host import ENV, LAUNCHER, ServedMediaHost

WITH_HOST = (sys.executable, str(LAUNCHER))


@pytest.fixture(scope="module")
def world(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[FakeInstagram, dict[str, str], ServedMediaHost]]:
    fake = FakeInstagram()
    host = ServedMediaHost(lambda: datetime.now(UTC))
    host.start()
    try:
        with LoopbackServer(fake.handle, origin=API) as api, LoopbackServer(fake.handle, origin=AUTH) as auth:
            env = {
                "OUTPOST_API_URL_INSTAGRAM": f"http://127.0.0.1:{api.port}",
                "OUTPOST_AUTH_URL_INSTAGRAM": f"http://127.0.0.1:{auth.port}",
                ENV: host.base_url,
            }
            yield fake, env, host
        assert api.errors == [] and auth.errors == []
    finally:
        host.stop()


def program(
    tmp_path: Path, env: dict[str, str], *args: str, stdin: str = "", host: bool = True
) -> subprocess.CompletedProcess[str]:
    return run_outpost(
        tmp_path / "data",
        *args,
        env=outpost_env(tmp_path / "keyring.json", **env),
        stdin=stdin,
        program=WITH_HOST if host else (sys.executable, "-m", "outpost"),
    )


def test_add_a_token_publish_a_carousel_with_alt_text_and_bad_posts_exit_2_naming_the_field(
    tmp_path: Path, world: tuple[FakeInstagram, dict[str, str], ServedMediaHost]
) -> None:
    fake, env, host = world
    token = fake.issue(age_s=2 * 86400)
    ends = (datetime.now(UTC) + timedelta(days=40)).strftime("%Y-%m-%dT%H:%M:%SZ")
    added = program(tmp_path, env, "accounts", "add", "instagram", "--access-token", "-", "--expires-at", ends,
                    stdin=token + "\n")  # fmt: skip
    assert added.returncode == 0, added.stderr
    account = json.loads(added.stdout)
    assert (account["handle"], account["health"]["state"]) == ("alice.makes", "ok")
    one = media_fixtures.image(tmp_path / "one.png", 1080, 1350)
    two = media_fixtures.image(tmp_path / "two.jpg", 1600, 900)
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
    assert host.objects == {} and len(host.deleted) >= 2
    assert_secrets_only_in_keyring(tmp_path / "data", tmp_path / "keyring.json", token)

    requests_before = len(fake.container_requests())
    reel = program(tmp_path, env, "post", "create", "--text", "x", "--account", "instagram:alice.makes",
                   "--media", str(one), "--option", "instagram.content_type=reels", "--now")  # fmt: skip
    assert reel.returncode == 2 and "media: a Reel is one video" in reel.stderr
    bare = program(tmp_path, env, "post", "create", "--text", "x", "--account",
                   "instagram:alice.makes", "--media", str(one), "--now", host=False)  # fmt: skip
    assert bare.returncode == 2 and "media_host: " in bare.stderr and "outpost media-host set" in bare.stderr
    assert len(fake.container_requests()) == requests_before  # nothing reached Instagram


def test_connect_through_the_browser_by_pasting_the_address_it_ended_on(
    tmp_path: Path, world: tuple[FakeInstagram, dict[str, str], ServedMediaHost]
) -> None:
    _, env, _ = world
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
