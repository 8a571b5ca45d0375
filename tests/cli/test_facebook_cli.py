"""The real `outpost` program against the strict fake Graph API, pointed at it with
`OUTPOST_API_URL_FACEBOOK` (INTERFACE.md, Environment): a token from elsewhere, the Pages it
reaches, a photo post published at once, and bad options refused before anything is sent.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import media_fixtures
from tests.cli.test_oauth_networks_cli import assert_secrets_only_in_keyring, program
from tests.contract.fake_facebook import API, APP_ID, APP_SECRET, FakeFacebook
from tests.support.loopback import LoopbackServer


@pytest.fixture
def facebook() -> Iterator[tuple[FakeFacebook, str]]:
    fake = FakeFacebook()
    with LoopbackServer(fake.handle, origin=API) as server:
        yield fake, f"http://127.0.0.1:{server.port}"
    assert server.errors == []


def test_facebook_page_from_a_pasted_token_to_a_published_photo_post(
    tmp_path: Path, facebook: tuple[FakeFacebook, str]
) -> None:
    fake, api_url = facebook
    keyring = tmp_path / "keyring.json"
    outpost = program(tmp_path, keyring, OUTPOST_API_URL_FACEBOOK=api_url)
    app = outpost(
        "apps", "set", "facebook", "--client-id", APP_ID, "--client-secret-stdin", stdin=f"{APP_SECRET}\n"
    )
    assert app.returncode == 0, app.stderr

    user_token = fake.issue_user()  # e.g. from Graph API Explorer: short-lived
    added = outpost(
        "accounts", "add", "facebook", "--access-token", "-", "--target", "2001", stdin=f"{user_token}\n"
    )
    assert added.returncode == 0, added.stderr
    account = json.loads(added.stdout)
    assert (account["handle"], account["display_name"], account["health"]["state"]) == (
        "dyegarden",
        "Dye Garden",
        "ok",
    )
    targets = outpost("accounts", "targets", "facebook:dyegarden")
    assert targets.returncode == 0, targets.stderr
    assert json.loads(targets.stdout) == [
        {"id": "2001", "name": "Dye Garden", "kind": "page"},
        {"id": "2002", "name": "Corner Bakery", "kind": "page"},
    ]

    photo = media_fixtures.image(tmp_path / "garden.jpg", 640, 480)
    created = outpost(
        "post", "create", "--text", "The garden at dawn", "--account", "facebook:dyegarden",
        "--media", str(photo), "--alt", "Rows of madder in the mist", "--now",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    [target] = json.loads(created.stdout)["targets"]
    [made] = fake.published()
    assert (target["status"], target["platform_post_id"]) == ("published", made.id)
    assert target["permalink"].startswith("https://www.facebook.com/2001/posts/")
    assert [fake.photos[p].alt for p in made.photos] == ["Rows of madder in the mist"]

    not_a_reel = outpost(
        "post", "create", "--text", "A photo is not a Reel", "--account", "facebook:dyegarden",
        "--media", str(photo), "--option", "facebook.content_type=reel", "--now",
    )  # fmt: skip
    assert not_a_reel.returncode == 2 and "facebook.content_type" in not_a_reel.stderr
    unknown = outpost(
        "post", "create", "--text", "A story?", "--account", "facebook:dyegarden",
        "--option", "facebook.content_type=story", "--now",
    )  # fmt: skip
    assert unknown.returncode == 2 and "facebook.content_type" in unknown.stderr
    assert len(fake.creates()) == 1  # refused before anything was sent

    kept = [json.loads(v) for v in json.loads(keyring.read_text()).values()]
    page_entry = next(e for e in kept if "user_token" in e)
    assert fake.tokens[page_entry["access_token"]].kind == "page"
    assert fake.tokens[page_entry["user_token"]].long_lived  # made long-lived with the app
    assert_secrets_only_in_keyring(
        outpost.data, keyring, page_entry["access_token"], page_entry["user_token"], APP_SECRET
    )
