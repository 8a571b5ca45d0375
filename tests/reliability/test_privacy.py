"""Private by default (issue #25): nothing Outpost writes in its data folder is open to other users.

Drafts and scheduled posts are unpublished work. The real program runs under the loosest umasks a
person may have (022, the usual; 000, wide open) against the strict fake Mastodon over loopback,
and does what leaves files behind: an account, a published and a refused post with an image (the
refused one's copy stays in the media cache), a thumbnail, a backup, a log rotation, and a running
engine (its lock file, the database's `-wal` and `-shm`). After each step every folder and file
in the data folder is looked at.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests import media_fixtures
from tests.contract.fake_mastodon import BASE, FakeMastodon
from tests.support.loopback import LoopbackServer
from tests.support.processes import reaped
from tests.support.program import outpost_command, outpost_env, run_outpost

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.name != "posix", reason="POSIX modes; Windows keeps the folder private by its ACL"),
]
LOG_LIMIT = 2_000_000  # log.py: outpost.log is rotated when it would pass this


class Outpost:
    """The real program on one data folder, started under `umask` by the shell."""

    def __init__(self, root: Path, umask: int) -> None:
        self.data = root / "data"
        self.env = outpost_env(root / "keyring.json")
        self.prefix = ("sh", "-c", f'umask {umask:03o} && exec "$@"', "sh")

    def __call__(self, *args: str, exit_code: int = 0) -> subprocess.CompletedProcess[str]:
        done = run_outpost(self.data, *args, env=self.env, prefix=self.prefix, timeout=60)
        assert done.returncode == exit_code, done.stderr
        return done

    def start(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [*self.prefix, *outpost_command(self.data, *args)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env=self.env,
        )


@pytest.fixture
def mastodon() -> Iterator[tuple[FakeMastodon, LoopbackServer]]:
    fake = FakeMastodon()
    with LoopbackServer(fake.handle, origin=BASE) as server:
        yield fake, server
    assert server.errors == []


def open_to_others(folder: Path) -> dict[str, str]:
    """Everything in `folder` (itself included) that group or others may use, with its mode."""
    return {
        str(path.relative_to(folder.parent)): stat.filemode(path.lstat().st_mode)
        for path in [folder, *folder.rglob("*")]
        if path.lstat().st_mode & 0o077
    }


def seen(folder: Path) -> set[str]:
    """What is in `folder`, with names that vary (timestamps, hashes) replaced by their kind."""
    names = set()
    for path in folder.rglob("*"):
        relative = path.relative_to(folder).as_posix()
        if relative.startswith("backups/") and relative.endswith(".sqlite3"):
            relative = "backups/<backup>"
        elif relative.startswith("run/") and relative.endswith(".lock"):
            relative = "run/<lock>"
        elif relative.startswith("cache/media/derived/"):
            relative = "cache/media/derived/<copy>"
        elif relative.startswith("cache/media/thumbs/"):
            relative = "cache/media/thumbs/<thumbnail>"
        names.add(relative)
    return names


def wait_for(condition: Callable[[], bool], seconds: float) -> bool:
    """Whether `condition` came true within `seconds` (another process is getting there)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.mark.parametrize("umask", [0o022, 0o000], ids=["umask-022", "umask-000"])
def test_nothing_outpost_writes_is_open_to_other_users(
    tmp_path: Path, mastodon: tuple[FakeMastodon, LoopbackServer], umask: int
) -> None:
    fake, server = mastodon
    outpost = Outpost(tmp_path, umask)
    made: set[str] = set()

    def nothing_open_to_others(after: str) -> None:
        assert open_to_others(outpost.data) == {}, f"after {after}"
        made.update(seen(outpost.data))

    instance = f"http://127.0.0.1:{server.port}"
    added = outpost("accounts", "add", "mastodon", "--instance", instance, "--access-token", "token-alice")
    account = json.loads(added.stdout)["id"]
    nothing_open_to_others("adding an account")
    photo = media_fixtures.image(tmp_path / "photo.jpg", 1600, 1200, noise=True)
    post = ("post", "create", "--account", account, "--media", str(photo), "--alt", "Noise", "--now")
    posted = outpost(*post, "--text", "Only mine until now")
    assert json.loads(posted.stdout)["status"] == "published"
    nothing_open_to_others("posting with an image")
    fake.fail("POST /api/v1/statuses", lambda: httpx.Response(422, json={"error": "Validation failed"}))
    refused = outpost(*post, "--text", "Kept to try again", exit_code=1)
    assert json.loads(refused.stdout)["status"] == "failed"  # its copy stays in the media cache
    nothing_open_to_others("a post the network refused")
    outpost("media", "inspect", str(photo))
    nothing_open_to_others("a thumbnail")

    log = outpost.data / "logs" / "outpost.log"
    with log.open("a") as handle:  # a long-running Outpost's log, one line short of its limit
        handle.write("x" * (LOG_LIMIT - log.stat().st_size - 1) + "\n")
    outpost("run", "--until-idle")  # the first engine start takes the daily backup, and says so
    nothing_open_to_others("a backup and a log rotation")

    running = outpost.start("run")
    with reaped(running):
        database = outpost.data / "outpost.sqlite3"
        companions = [database.with_name(database.name + end) for end in ("-wal", "-shm")]
        locks = outpost.data / "run"
        assert wait_for(lambda: all(p.exists() for p in companions) and any(locks.glob("*.lock")), 60)
        nothing_open_to_others("starting the engine")

    assert made >= {
        "outpost.sqlite3",
        "outpost.sqlite3-wal",
        "outpost.sqlite3-shm",
        "backups",
        "backups/<backup>",
        "logs",
        "logs/outpost.log",
        "logs/outpost.log.1",
        "cache/media/derived/<copy>",
        "cache/media/thumbs/<thumbnail>",
        "run",
        "run/<lock>",
    }, "the test did not make every kind of file it checks"


def test_an_open_data_folder_is_made_private_at_start_and_the_log_says_so_once(tmp_path: Path) -> None:
    outpost = Outpost(tmp_path, 0o022)
    outpost("run", "--until-idle")
    for path in [outpost.data, *outpost.data.rglob("*")]:  # as an older Outpost left it
        path.chmod(0o755 if path.is_dir() else 0o644)
    assert "data" in open_to_others(outpost.data)

    outpost("accounts", "list")
    outpost("accounts", "list")

    assert open_to_others(outpost.data) == {}
    said = [
        line
        for line in (outpost.data / "logs" / "outpost.log").read_text().splitlines()
        if "was open to other users" in line
    ]
    assert len(said) == 1
    assert f"data folder {outpost.data}" in said[0] and "drwxr-xr-x" in said[0] and "drwx------" in said[0]
