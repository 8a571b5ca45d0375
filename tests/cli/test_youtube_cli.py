"""The real `outpost` program against the strict fake YouTube, from the developer app to a published
Short: `OUTPOST_API_URL_YOUTUBE` points at the fake's API and upload host, `OUTPOST_AUTH_URL_YOUTUBE`
at its Google sign-in and token host (INTERFACE.md, Environment).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.test_oauth_networks_cli import assert_secrets_only_in_keyring, free_port, program
from tests.contract.fake_youtube import ACCOUNTS, API, CLIENT_ID, CLIENT_SECRET, FakeYouTube
from tests.contract.test_youtube import noise_video
from tests.support.loopback import LoopbackServer


@pytest.fixture
def youtube() -> Iterator[tuple[FakeYouTube, str, str]]:
    fake = FakeYouTube()
    with LoopbackServer(fake.handle, origin=API) as api, LoopbackServer(fake.handle, origin=ACCOUNTS) as auth:
        fake.session_origin = f"http://127.0.0.1:{api.port}"  # session URIs the other process can reach
        yield fake, fake.session_origin, f"http://127.0.0.1:{auth.port}"
    assert api.errors == [] and auth.errors == []


def test_a_short_from_connect_to_published_with_every_refusal_naming_its_field(
    tmp_path: Path, youtube: tuple[FakeYouTube, str, str]
) -> None:
    fake, api_url, auth_url = youtube
    keyring_file = tmp_path / "keyring.json"
    outpost = program(
        tmp_path, keyring_file, OUTPOST_API_URL_YOUTUBE=api_url, OUTPOST_AUTH_URL_YOUTUBE=auth_url
    )

    connected = outpost(
        "accounts", "connect", "youtube", stdin=f"{CLIENT_ID}\n{CLIENT_SECRET}\n{free_port()}\n"
    )
    assert connected.returncode == 0, connected.stderr
    assert "Desktop app" in connected.stderr  # the steps to make the Google project's client were shown
    account = json.loads(connected.stdout)
    assert (account["network"], account["handle"], account["health"]["state"]) == (
        "youtube",
        "@alicemakes",
        "ok",
    )
    targets = outpost("accounts", "targets", "youtube:@alicemakes")
    assert json.loads(targets.stdout) == [
        {"id": "UCalice0000000000000000", "name": "Alice Makes Things", "kind": "channel"}
    ]

    short = noise_video(tmp_path / "short.mp4", 180, 320, 1.0)  # vertical and under 3 minutes
    untitled = outpost(
        "post", "create", "--text", "Spinning", "--account", "youtube:@alicemakes", "--media", str(short),
        "--option", "youtube.title=Spinning <fast>", "--now",
    )  # fmt: skip
    assert untitled.returncode == 2
    fields = {p["field"] for p in json.loads(untitled.stdout)["error"]["problems"]}
    assert fields == {"--option youtube.title", "--option youtube.made_for_kids"}
    assert "youtube.made_for_kids" in untitled.stderr and fake.session_starts() == []

    created = outpost(
        "post", "create", "--text", "Spinning wool, one minute.", "--account", "youtube:@alicemakes",
        "--media", str(short), "--option", "youtube.title=Spinning #Shorts", "--option", "youtube.made_for_kids=false",
        "--option", "youtube.privacy_status=unlisted", "--option", "youtube.tags=spinning,wool craft", "--now",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    target = json.loads(created.stdout)["targets"][0]
    [video] = fake.videos.values()
    assert (target["status"], target["platform_post_id"]) == ("published", video.id)
    assert target["permalink"] == f"https://www.youtube.com/watch?v={video.id}"
    assert video.data == short.read_bytes() and video.status["privacyStatus"] == "unlisted"
    assert (video.snippet["title"], video.snippet["tags"]) == ("Spinning #Shorts", ["spinning", "wool craft"])

    kept = json.loads(keyring_file.read_text())
    secrets = [json.loads(v).get("refresh_token", "") for v in kept.values()] + [CLIENT_SECRET]
    assert_secrets_only_in_keyring(outpost.data, keyring_file, *[s for s in secrets if s])
