"""The real `outpost` program against the strict fake Threads, pointed at it with
`OUTPOST_API_URL_THREADS` / `OUTPOST_AUTH_URL_THREADS` (INTERFACE.md, Environment).

Signing in to Threads ends on an https page, not on Outpost: the person's browser here is
tests/support/paste_browser.py (via $BROWSER), which writes the address it was sent to into a
file; the test pastes it into the program's standard input, as a person would.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import media_fixtures
from tests.cli.test_oauth_networks_cli import assert_secrets_only_in_keyring, serve_two_hosts
from tests.contract.fake_threads import API, CLIENT_ID, CLIENT_SECRET, REDIRECT, WEB, FakeThreads
from tests.support.processes import reaped
from tests.support.program import ROOT, outpost_command, outpost_env, run_outpost


@pytest.fixture(scope="module")
def threads() -> Iterator[tuple[FakeThreads, dict[str, str]]]:
    fake = FakeThreads(text_polls=1)
    with serve_two_hosts(fake.handle, API, WEB) as (api_server, web_server):
        urls = {
            "OUTPOST_API_URL_THREADS": f"http://127.0.0.1:{api_server.port}",
            "OUTPOST_AUTH_URL_THREADS": f"http://127.0.0.1:{web_server.port}",
        }
        yield fake, urls
    fake.fetch_client.close()


def _env(tmp_path: Path, urls: dict[str, str]) -> dict[str, str]:
    browser = f"{sys.executable} {ROOT / 'tests' / 'support' / 'paste_browser.py'} %s"
    return outpost_env(
        tmp_path / "keyring.json", BROWSER=browser, PASTE_FILE=str(tmp_path / "pasted"), **urls
    )


def _run(
    tmp_path: Path, env: dict[str, str], *args: str, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    return run_outpost(tmp_path / "data", *args, env=env, stdin=stdin)


def _connect(tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`accounts connect threads`, pasting the address the browser landed on when it is there."""
    child = subprocess.Popen(
        outpost_command(tmp_path / "data", "accounts", "connect", "threads"),
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    with reaped(child):
        pasted = tmp_path / "pasted"
        deadline = time.monotonic() + 60
        while not pasted.exists():
            assert child.poll() is None, child.communicate()[1]
            assert time.monotonic() < deadline, "the browser never reached the consent page"
            time.sleep(0.05)
        out, err = child.communicate(pasted.read_text() + "\n", timeout=60)
    return subprocess.CompletedProcess(child.args, child.returncode, out, err)


def test_threads_from_a_pasted_sign_in_to_a_published_thread(
    tmp_path: Path, threads: tuple[FakeThreads, dict[str, str]]
) -> None:
    fake, urls = threads
    env = _env(tmp_path, urls)
    saved = _run(
        tmp_path, env, "apps", "set", "threads", "--client-id", CLIENT_ID, "--client-secret-stdin",
        "--redirect-url", REDIRECT, stdin=f"{CLIENT_SECRET}\n",
    )  # fmt: skip
    assert saved.returncode == 0, saved.stderr
    assert json.loads(saved.stdout)["redirect_url"] == REDIRECT

    connected = _connect(tmp_path, env)
    assert connected.returncode == 0, connected.stderr
    assert "paste it here" in connected.stderr  # the person was told what to paste
    account = json.loads(connected.stdout)
    assert (account["network"], account["handle"], account["health"]["state"]) == (
        "threads",
        "alice.makes",
        "ok",
    )

    before = len(fake.posts)
    created = _run(
        tmp_path, env, "post", "create", "--text", "Dye day 🧶", "--thread", "Indigo first",
        "--account", "threads:alice.makes", "--option", "threads.reply_control=mentioned_only",
        "--option", "threads.topic_tag=Weaving", "--now",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    post = json.loads(created.stdout)
    target = post["targets"][0]
    root, reply = fake.posts[before:]
    assert (post["status"], target["platform_post_id"], reply.reply_to) == ("published", root.id, root.id)
    assert (root.reply_control, root.topic_tag, reply.topic_tag) == ("mentioned_only", "Weaving", None)
    assert target["permalink"] == f"https://www.threads.net/@alice.makes/post/{root.shortcode}"

    links = " ".join(f"https://shop{n}.example.com" for n in range(6))
    refused = _run(
        tmp_path, env, "post", "create", "--text", links, "--account", "threads:alice.makes", "--now"
    )
    assert refused.returncode == 2 and "6 different links" in refused.stderr and "at most 5" in refused.stderr
    photo = media_fixtures.image(tmp_path / "skein.jpg", 800, 600)
    no_host = _run(
        tmp_path, env, "post", "create", "--text", "A skein", "--media", str(photo),
        "--account", "threads:alice.makes", "--now",
    )  # fmt: skip
    assert no_host.returncode == 2 and "media_host:" in no_host.stderr
    assert "outpost media-host set" in no_host.stderr
    assert len(fake.posts) == before + 2  # nothing else was sent

    kept = [json.loads(v) for v in json.loads((tmp_path / "keyring.json").read_text()).values()]
    token = next(k["access_token"] for k in kept if "access_token" in k)
    assert_secrets_only_in_keyring(tmp_path / "data", tmp_path / "keyring.json", token, CLIENT_SECRET)


def test_a_token_added_for_scripts_is_checked_and_a_bad_one_refused(
    tmp_path: Path, threads: tuple[FakeThreads, dict[str, str]]
) -> None:
    fake, urls = threads
    env = _env(tmp_path, urls)
    bad = _run(tmp_path, env, "accounts", "add", "threads", "--access-token", "-", stdin="THAAnope\n")
    assert bad.returncode == 2 and "Threads refused the credentials" in bad.stderr and "190" in bad.stderr
    token = fake.issue()
    added = _run(
        tmp_path, env, "accounts", "add", "threads", "--access-token", "-", "--expires-at", "2099-01-01T00:00:00Z",
        stdin=f"{token}\n",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert json.loads(added.stdout)["handle"] == "alice.makes"
    checked = _run(tmp_path, env, "accounts", "check", "threads:alice.makes")
    assert checked.returncode == 0, checked.stderr
    assert json.loads(checked.stdout)[0]["health"]["state"] == "ok"
