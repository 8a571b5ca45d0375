"""A command starts no process of its own for media, and leaves no process behind (issue #26).

`outpost post create --now` with a photo used to spawn a media worker (a second interpreter
importing Pillow) and multiprocessing's resource tracker, which outlived the command for a
moment after it returned. The real program runs here as a shell runs it, in a session of its
own: every Python process started with its environment writes its id down on start (a
`sitecustomize` on its PYTHONPATH), and once it has returned no process of its session may be
left. The photo still reaches the network without its GPS.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from tests import media_fixtures
from tests.contract.fake_mastodon import BASE, FakeMastodon
from tests.support.loopback import LoopbackServer
from tests.support.processes import reaped
from tests.support.program import outpost_command, outpost_env, run_outpost

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads sessions from /proc"),
]

#: Written down by every Python process that starts with the test's environment.
SITECUSTOMIZE = """
import os
with open(os.environ["OUTPOST_TEST_PYTHONS"], "a") as pythons:
    pythons.write(f"{os.getpid()}\\n")
"""


@pytest.fixture
def mastodon() -> Iterator[tuple[FakeMastodon, LoopbackServer]]:
    fake = FakeMastodon()
    with LoopbackServer(fake.handle, origin=BASE) as server:
        yield fake, server
    assert server.errors == []


def in_session(session: int) -> list[str]:
    """The processes of `session` that still exist (their command lines)."""
    left = []
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, ValueError):
            continue  # not a process, or gone while looked at
        name, fields = stat.split("(", 1)[1].rsplit(")", 1)  # "pid (name) state ppid pgrp session …"
        if int(fields.split()[3]) == session:
            left.append(f"{entry.name} ({name}): {command or 'exited, not yet reaped'}")
    return left


def test_a_photo_post_starts_no_other_process_and_leaves_none_behind(
    tmp_path: Path, mastodon: tuple[FakeMastodon, LoopbackServer]
) -> None:
    fake, server = mastodon
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE)
    pythons = tmp_path / "pythons.txt"
    env = outpost_env(tmp_path / "keyring.json")
    data = tmp_path / "data"
    added = run_outpost(
        data,
        *("accounts", "add", "mastodon", "--instance", f"http://127.0.0.1:{server.port}"),
        *("--access-token", "token-alice"),
        env=env,
        timeout=60,
    )
    account = json.loads(added.stdout)["id"]
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (52.0, 31.0, 12.0)}
    photo = media_fixtures.image(tmp_path / "photo.jpg", 1200, 800, noise=True, exif=exif)
    post = outpost_command(
        data,
        *("post", "create", "--account", account, "--text", "A photo", "--now"),
        *("--media", str(photo), "--alt", "Noise"),
    )
    watched = env | {
        "PYTHONPATH": os.pathsep.join((str(site), env["PYTHONPATH"])),
        "OUTPOST_TEST_PYTHONS": str(pythons),
    }

    process = subprocess.Popen(
        post, env=watched, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    with reaped(process):
        out, err = process.communicate(timeout=60)
    left = in_session(process.pid)

    assert process.returncode == 0, err
    assert json.loads(out)["status"] == "published"
    assert pythons.read_text().split() == [str(process.pid)]  # no media worker, no resource tracker
    assert left == []
    uploaded = next(iter(fake.media.values()))["bytes"]
    with Image.open(io.BytesIO(uploaded)) as sent:
        assert 0x8825 not in sent.getexif()
