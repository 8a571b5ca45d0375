"""The real `outpost` program, in its own processes, against snac2 and a Bluesky PDS.

The keyring is a file-backed test backend (PYTHON_KEYRING_BACKEND), so secrets survive from one
command to the next the way they do in the OS keyring — and the test can check they went there
and nowhere else. The person's browser is `tests/support/snac_browser.py` via $BROWSER.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.servers import ROOT, Pds, Snac
from tests.support.program import outpost_env, run_outpost

pytestmark = pytest.mark.slow


def run(data: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run_outpost(data, *args, env=env)


def test_connect_add_and_publish_to_both_networks_from_the_command_line(
    tmp_path: Path, snac: Snac, pds: Pds, bsky_account: tuple[str, str]
) -> None:
    data = tmp_path / "data"
    keyring_file = tmp_path / "keyring.json"
    env = outpost_env(
        keyring_file,
        BROWSER=f"{sys.executable} {ROOT / 'tests' / 'support' / 'snac_browser.py'} %s",
        SNAC_LOGIN=snac.login,
        SNAC_PASSWORD=snac.password,
    )
    connected = run(data, "accounts", "connect", "mastodon", "--instance", snac.url, env=env)
    assert connected.returncode == 0, connected.stderr
    mastodon = json.loads(connected.stdout)
    handle, app_password = bsky_account
    added = run(
        data,
        "accounts",
        "add",
        "bluesky",
        "--handle",
        handle,
        "--app-password",
        app_password,
        "--service",
        pds.url,
        env=env,
    )
    assert added.returncode == 0, added.stderr
    bluesky = json.loads(added.stdout)

    image = tmp_path / "square.png"
    from PIL import Image

    Image.new("RGB", (64, 64), (10, 150, 90)).save(image)
    created = run(
        data,
        "post",
        "create",
        "--text",
        "One post, two networks #outpost",
        "--account",
        mastodon["id"],
        "--account",
        f"bluesky:{handle}",
        "--media",
        str(image),
        "--alt",
        "A green square",
        "--thread",
        "and a second part",
        "--now",
        env=env,
    )
    assert created.returncode == 0, created.stderr
    post = json.loads(created.stdout)
    assert post["status"] == "published"
    by_network = {t["network"]: t for t in post["targets"]}
    assert re.fullmatch(
        r"at://did:plc:[a-z0-9]+/app\.bsky\.feed\.post/\w+", by_network["bluesky"]["platform_post_id"]
    )
    assert by_network["bluesky"]["permalink"].startswith(f"https://bsky.app/profile/{handle}/post/")
    assert by_network["mastodon"]["permalink"].startswith(snac.url)
    assert all(len(t["thread_post_ids"]) == 1 and t["attempts"] == 1 for t in post["targets"])

    listed = run(data, "post", "list", "--status", "published", env=env)
    assert [p["id"] for p in json.loads(listed.stdout)] == [post["id"]]
    checked = run(data, "accounts", "check", env=env)
    assert checked.returncode == 0 and {a["health"]["state"] for a in json.loads(checked.stdout)} == {"ok"}

    # Secrets went to the keyring, and nowhere in the data folder (database, WAL, logs).
    secrets = json.loads(keyring_file.read_text())
    secret_fields = {"access_token", "client_secret", "access_jwt", "refresh_jwt", "app_password"}
    stored = [json.loads(blob) for blob in secrets.values()]
    tokens = [v for entry in stored for k, v in entry.items() if k in secret_fields]
    # Mastodon: access token + the app's client secret; Bluesky: two JWTs + the app password.
    assert app_password in tokens and len(tokens) == 5
    for path in data.rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            leaked = [t for t in [*tokens, app_password] if t.encode() in content]
            assert leaked == [], f"secret found in {path}"
    assert bluesky["network"] == "bluesky"
