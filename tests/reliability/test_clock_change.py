"""The machine's clock changes under a running `outpost run` (a real process; libfaketime moves
its wall clock while its monotonic clock keeps ticking, as when a person or NTP sets the time).

Set back a day: a post due in a few seconds must not go out early. Set forward past its time: it
goes out, once, within the scheduler's 30-second re-check of the wall clock.
"""

from __future__ import annotations

import glob
import json
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.contract.fake_mastodon import BASE, FakeMastodon
from tests.support.loopback import LoopbackServer
from tests.support.processes import reaped
from tests.support.program import outpost_env, run_outpost, start_outpost

pytestmark = pytest.mark.slow
LIBFAKETIME = sorted(glob.glob("/usr/lib/*/faketime/libfaketimeMT.so.1"))


def _wait_for(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def test_setting_the_clock_back_then_forward_publishes_on_time_and_once(tmp_path: Path) -> None:
    assert LIBFAKETIME, "libfaketime is needed (Debian: libfaketime; scripts/install-system-deps installs it)"
    clock_file = tmp_path / "faketime"
    clock_file.write_text("@2030-01-01 10:00:00")
    env = outpost_env(tmp_path / "keyring.json")
    timed = {
        **env,
        "LD_PRELOAD": LIBFAKETIME[0],
        "FAKETIME_TIMESTAMP_FILE": str(clock_file),
        "FAKETIME_NO_CACHE": "1",
        "DONT_FAKE_MONOTONIC": "1",
    }
    fake = FakeMastodon()
    with LoopbackServer(fake.handle, origin=BASE) as server:

        def outpost(*args: str, clock: bool = True) -> subprocess.CompletedProcess[str]:
            return run_outpost(tmp_path / "data", *args, env=timed if clock else env, timeout=60)

        instance = f"http://127.0.0.1:{server.port}"
        added = outpost(
            "accounts", "add", "mastodon", "--instance", instance, "--access-token", "token-alice"
        )
        assert added.returncode == 0, added.stderr
        account = json.loads(added.stdout)["id"]
        # Outpost's own scheduler is under test: Mastodon's would hold the post by the true time.
        assert outpost("settings", "set", "native_scheduling", "never").returncode == 0
        created = outpost(
            "post", "create", "--text", "on the hour", "--account", account, "--at", "2030-01-01T10:00:08Z"
        )
        assert created.returncode == 0, created.stderr
        post = json.loads(created.stdout)["id"]

        running = start_outpost(
            tmp_path / "data", "run", env=timed, json_output=False, stderr=subprocess.PIPE
        )
        try:
            time.sleep(1.0)
            clock_file.write_text("@2029-12-31 10:00:01")  # set back a day, 7 s before it was due
            assert not _wait_for(lambda: bool(fake.statuses), 15), "published early after the clock went back"
            clock_file.write_text("@2030-01-01 10:00:30")  # and forward again, past its time
            assert _wait_for(lambda: bool(fake.statuses), 40), "not published after the clock passed its time"
            time.sleep(1.0)
        finally:
            running.send_signal(signal.SIGTERM)
            with reaped(running):
                _, errors = running.communicate(timeout=30)
        assert running.returncode == 0, errors
        assert [s.text for s in fake.statuses] == ["on the hour"]
        shown = json.loads(outpost("post", "show", post, clock=False).stdout)
        assert shown["status"] == "published"
