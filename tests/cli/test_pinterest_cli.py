"""The real `outpost` program against the strict fake of Pinterest (INTERFACE.md: `apps set`,
`accounts add pinterest`, `accounts targets`, `post create --option pinterest.board_id=…`).

The fake runs on two loopback servers (its API host, where the token endpoint lives too, and
its sign-in host), pointed at with `OUTPOST_API_URL_PINTEREST` / `OUTPOST_AUTH_URL_PINTEREST`;
the video upload address it hands out is on the API server, used as given.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests import media_fixtures
from tests.cli.test_oauth_networks_cli import assert_secrets_only_in_keyring, program, serve_two_hosts
from tests.contract.fake_pinterest import API, CLIENT_ID, CLIENT_SECRET, WEB, FakePinterest


@pytest.fixture
def pinterest() -> Iterator[tuple[FakePinterest, dict[str, str]]]:
    fake = FakePinterest()
    with serve_two_hosts(fake.handle, API, WEB) as (api_server, web_server):
        fake.upload_origin = f"http://127.0.0.1:{api_server.port}/s3-upload"  # reachable by the program
        yield (
            fake,
            {
                "OUTPOST_API_URL_PINTEREST": f"http://127.0.0.1:{api_server.port}",
                "OUTPOST_AUTH_URL_PINTEREST": f"http://127.0.0.1:{web_server.port}",
            },
        )


def test_pinterest_from_the_app_to_a_pin_in_a_board_section(
    tmp_path: Path, pinterest: tuple[FakePinterest, dict[str, str]]
) -> None:
    fake, env = pinterest
    keyring_file = tmp_path / "keyring.json"
    outpost = program(tmp_path, keyring_file, **env)
    app = outpost(
        "apps", "set", "pinterest", "--client-id", CLIENT_ID, "--client-secret-stdin", stdin=CLIENT_SECRET
    )
    assert app.returncode == 0, app.stderr
    assert json.loads(app.stdout)["has_secret"] is True

    access, refresh = fake.token_for("alice")
    ends = (datetime.now(UTC) + timedelta(days=30)).isoformat()
    added = outpost(
        "accounts", "add", "pinterest", "--access-token", "-", "--refresh-token", refresh, "--expires-at", ends,
        stdin=f"{access}\n",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    account = json.loads(added.stdout)
    assert (account["handle"], account["display_name"], account["health"]["state"]) == (
        "alice_pins",
        "Alice's Kitchen",
        "ok",
    )

    targets = outpost("accounts", "targets", "pinterest:alice_pins")
    assert targets.returncode == 0, targets.stderr
    assert {t["id"]: t["kind"] for t in json.loads(targets.stdout)} == {
        "1001": "board", "1001/5001": "section", "1001/5002": "section", "1002": "board",
    }  # fmt: skip

    photo = media_fixtures.image(tmp_path / "soup.jpg", 500, 750)
    created = outpost(
        "post", "create", "--text", "Leek and potato soup", "--account", "pinterest:alice_pins",
        "--media", str(photo), "--alt", "A green soup", "--option", "pinterest.board_id=1001/5001",
        "--option", "pinterest.title=Leek soup", "--option", "pinterest.link=https://alice.example/leek", "--now",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    [target] = json.loads(created.stdout)["targets"]
    [pin] = fake.pins
    assert (target["status"], target["platform_post_id"]) == ("published", pin.id)
    assert target["permalink"] == f"https://www.pinterest.com/pin/{pin.id}/"
    assert (pin.board_id, pin.section_id, pin.kind) == ("1001", "5001", "image")
    assert pin.fields == {"title": "Leek soup", "description": "Leek and potato soup",
                          "link": "https://alice.example/leek", "alt_text": "A green soup"}  # fmt: skip

    unboarded = outpost("post", "create", "--text", "where to?", "--account", "pinterest:alice_pins",
                        "--media", str(photo), "--now")  # fmt: skip
    assert unboarded.returncode == 2
    assert "pinterest.board_id" in unboarded.stderr
    assert "outpost accounts targets pinterest:alice_pins" in unboarded.stderr
    assert len(fake.pins) == 1  # refused before anything was sent

    fake.oauth.expire_access_tokens()  # a month later: the video goes out on a renewed sign-in
    clip = media_fixtures.video(tmp_path / "clip.mp4", 320, 240, seconds=4.2, fps=10)
    video = outpost("post", "create", "--text", "Folding dumplings", "--account", "pinterest:alice_pins",
                    "--media", str(clip), "--option", "pinterest.board_id=1002", "--now")  # fmt: skip
    assert video.returncode == 0, video.stderr
    assert json.loads(video.stdout)["targets"][0]["status"] == "published"
    assert fake.pins[-1].kind == "video" and fake.oauth.refreshes == 1
    kept = next(json.loads(v) for v in json.loads(keyring_file.read_text()).values() if "refresh_token" in v)
    assert kept["refresh_token"] != refresh  # the continuous refresh token Pinterest sent back
    assert_secrets_only_in_keyring(
        outpost.data, keyring_file, kept["access_token"], kept["refresh_token"], CLIENT_SECRET
    )
