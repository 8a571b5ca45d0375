"""The real `outpost` program against the strict fake TikTok, pointed at it with
`OUTPOST_API_URL_TIKTOK` / `OUTPOST_AUTH_URL_TIKTOK` (INTERFACE.md, Environment).

The fake runs on two loopback servers (its API host, which also takes the uploads at the address
it hands out, and its sign-in host); the creator's browser is tests/support/oauth_browser.py via
$BROWSER; the keyring is the file-backed test backend, so the test can check that secrets went
there and nowhere else.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import media_fixtures
from tests.cli.test_oauth_networks_cli import (
    assert_secrets_only_in_keyring,
    program,
    serve_two_hosts,
)
from tests.contract.fake_tiktok import API, CLIENT_KEY, CLIENT_SECRET, SCOPES, WEB, FakeTikTok


@pytest.fixture
def keyring_file(tmp_path: Path) -> Path:
    return tmp_path / "keyring.json"


@pytest.fixture
def tiktok() -> Iterator[tuple[FakeTikTok, str, str]]:
    fake = FakeTikTok()
    with serve_two_hosts(fake.handle, API, WEB) as (api_server, web_server):
        fake.upload_origin = f"http://127.0.0.1:{api_server.port}"  # an upload address the program reaches
        yield fake, f"http://127.0.0.1:{api_server.port}", f"http://127.0.0.1:{web_server.port}"


def test_tiktok_from_the_app_to_a_published_video_with_a_privacy_level_tiktok_offered(
    tmp_path: Path, keyring_file: Path, tiktok: tuple[FakeTikTok, str, str]
) -> None:
    fake, api_url, auth_url = tiktok
    outpost = program(
        tmp_path, keyring_file, OUTPOST_API_URL_TIKTOK=api_url, OUTPOST_AUTH_URL_TIKTOK=auth_url
    )

    app = outpost(
        "apps",
        "set",
        "tiktok",
        "--client-id",
        CLIENT_KEY,
        "--client-secret-stdin",
        stdin=f"{CLIENT_SECRET}\n",
    )
    assert app.returncode == 0, app.stderr
    assert json.loads(app.stdout)["pkce"] is True
    access, refresh = fake.oauth.issue("alice", SCOPES, CLIENT_KEY)
    added = outpost(
        "accounts", "add", "tiktok", "--access-token", "-", "--refresh-token", refresh, stdin=f"{access}\n"
    )
    assert added.returncode == 0, added.stderr
    alice = json.loads(added.stdout)
    assert (alice["handle"], alice["display_name"], alice["health"]["state"]) == (
        "alice.makes",
        "Alice Makes",
        "ok",
    )

    clip = media_fixtures.video(tmp_path / "clip.mp4", 360, 640, seconds=1.0)
    unchosen = outpost(
        "post", "create", "--text", "hi", "--account", "tiktok:alice.makes", "--media", str(clip), "--now"
    )
    assert unchosen.returncode == 2 and "--option tiktok.privacy_level" in unchosen.stderr
    assert "PUBLIC_TO_EVERYONE (everyone)" in unchosen.stderr and fake.inits() == []  # refused before sending
    created = outpost(
        "post", "create", "--text", "Glaze test #pottery", "--account", "tiktok:alice.makes", "--media", str(clip),
        "--option", "tiktok.privacy_level=PUBLIC_TO_EVERYONE", "--option", "tiktok.disable_comment=false", "--now",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    [target] = json.loads(created.stdout)["targets"]
    [made] = fake.published()
    assert (target["status"], made.caption, made.post_info["disable_comment"]) == (
        "published",
        "Glaze test #pottery",
        False,
    )
    assert target["permalink"] == f"https://www.tiktok.com/@alice.makes/video/{made.post_id}"

    def credentials() -> dict[str, str]:
        entries = [json.loads(v) for v in json.loads(keyring_file.read_text()).values()]
        return next(e for e in entries if "refresh_token" in e)

    before = credentials()
    fake.oauth.expire_access_tokens()  # two hours later
    fake.processing_polls = 0
    later = outpost(
        "post", "create", "--text", "Still connected", "--account", "tiktok:alice.makes", "--media", str(clip),
        "--option", "tiktok.privacy_level=SELF_ONLY", "--now",
    )  # fmt: skip
    assert later.returncode == 0, later.stderr
    after = credentials()
    assert fake.oauth.refreshes == 1 and after["refresh_token"] != before["refresh_token"]
    assert fake.oauth.refresh[before["refresh_token"]].revoked  # rotated: the old one is dead
    assert_secrets_only_in_keyring(
        outpost.data, keyring_file, after["access_token"], after["refresh_token"], CLIENT_SECRET
    )
