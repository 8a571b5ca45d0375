"""Kill the real `outpost` program (SIGKILL) while `media_publish` is on the wire: Instagram's one
create request, which has no idempotency key. In each phase — received (Instagram did nothing),
handled (it published; the answer never left), answered (the answer left; Outpost may not have
kept it) — the post must end published once or waiting for review, never on Instagram twice; and
Outpost's look for it (the container it kept, then the account's media) settles it without a
second publish.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from outpost.domain.enums import PostStatus
from outpost.domain.models import Post
from outpost.engine import Engine
from tests import media_fixtures
from tests.contract.fake_instagram import API, FakeInstagram
from tests.support.loopback import LoopbackServer
from tests.support.processes import reaped
from tests.support.program import outpost_command, outpost_env, run_outpost
from tests.support.s3 import S3Server

pytestmark = pytest.mark.slow
PHASES = ("received", "handled", "answered")


class FileSecrets:
    """The file keyring of tests/support/filekeyring.py, read by an engine in this process."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _load(self) -> dict[str, str]:
        return json.loads(self.path.read_text()) if self.path.exists() else {}

    def get(self, ref: str) -> dict[str, str] | None:
        raw = self._load().get(f"Outpost\0{ref}")
        return None if raw is None else dict(json.loads(raw))

    def set(self, ref: str, secret: dict[str, str]) -> None:
        data = self._load()
        data[f"Outpost\0{ref}"] = json.dumps(secret)
        self.path.write_text(json.dumps(data))

    def delete(self, ref: str) -> None:
        data = self._load()
        data.pop(f"Outpost\0{ref}", None)
        self.path.write_text(json.dumps(data))


class KillAtPublish:
    """SIGKILLs the client when `media_publish` reaches `phase`."""

    def __init__(self, phase: str) -> None:
        self.phase = phase
        self.pid = 0
        self.killed = False

    def __call__(self, current: str, request: httpx.Request) -> bool:
        if self.killed or current != self.phase or not request.url.path.endswith("/media_publish"):
            return True
        assert self.pid > 0
        os.kill(self.pid, signal.SIGKILL)
        self.killed = True
        return False


@dataclass
class World:
    fake: FakeInstagram
    server: LoopbackServer
    s3: S3Server
    bucket: str
    template: Path
    env: dict[str, str]


@pytest.fixture(scope="module")
def instagram(tmp_path_factory: pytest.TempPathFactory, s3: S3Server) -> Iterator[World]:
    """An account and Outpost's own media host (a bucket on the session's S3 server), set up once."""
    fake = FakeInstagram()
    with LoopbackServer(fake.handle, origin=API) as server:
        env = {
            "OUTPOST_API_URL_INSTAGRAM": f"http://127.0.0.1:{server.port}",
            "OUTPOST_MEDIA_HOST_URL": s3.url,
        }
        template = tmp_path_factory.mktemp("instagram")
        bucket = s3.new_bucket()
        for args, stdin in (
            (("accounts", "add", "instagram", "--access-token", "-"), fake.issue(age_s=2 * 86400)),
            (("media-host", "set", "--endpoint", "https://storage.example.net", "--bucket", bucket,
              "--access-key-id", s3.outpost.access_key_id, "--secret-stdin", "--path-style"), s3.outpost.secret),
        ):  # fmt: skip
            done = run_outpost(template / "data", *args, env=outpost_env(template / "keyring.json", **env),
                               stdin=stdin + "\n")  # fmt: skip
            assert done.returncode == 0, done.stderr
        yield World(fake, server, s3, bucket, template, env)
    assert server.errors == []


@pytest.mark.timeout(300)
def test_a_lost_media_publish_answer_never_publishes_twice(
    tmp_path: Path,
    instagram: World,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake, server, template, env = instagram.fake, instagram.server, instagram.template, instagram.env
    photo = media_fixtures.image(tmp_path / "photo.jpg", 1080, 1080)
    for name, value in env.items():  # the engine this test opens to look for the post
        monkeypatch.setenv(name, value)
    outcomes = []
    for phase in PHASES:
        root = tmp_path / phase
        shutil.copytree(template, root)
        keyring = root / "keyring.json"
        text = f"Killed while publishing ({phase})"
        switch = KillAtPublish(phase)
        server.on_phase = switch
        command = outpost_command(root / "data", "post", "create", "--text", text, "--account",
                                  "instagram:alice.makes", "--media", str(photo), "--now")  # fmt: skip
        child = subprocess.Popen(command, env=outpost_env(keyring, **env), stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL, text=True)  # fmt: skip
        switch.pid = child.pid
        with reaped(child):
            child.wait(timeout=120)
        server.on_phase = lambda current, request: True
        assert switch.killed, f"{phase}: the publish never reached media_publish"

        resumed = run_outpost(root / "data", "run", "--until-idle", env=outpost_env(keyring, **env))
        assert resumed.returncode in (0, 1), resumed.stderr
        [post] = json.loads(
            run_outpost(root / "data", "post", "list", env=outpost_env(keyring, **env)).stdout
        )
        on_instagram = [m for m in fake.media if m.caption == text]
        assert len(on_instagram) == (0 if phase == "received" else 1), f"{phase}: {on_instagram}"
        if post["status"] == "published":  # the answer was kept before the kill landed
            assert phase == "answered" and post["targets"][0]["platform_post_id"] == on_instagram[0].id
            outcomes.append((phase, "published"))
            continue
        assert post["status"] == "needs_review", f"{phase}: {post}"
        settled = asyncio.run(_look_for_it(root / "data", keyring, post["id"]))
        target = settled.targets[0]
        if phase == "received":  # the container never went out: Outpost says it found nothing
            assert settled.status is PostStatus.NEEDS_REVIEW and target.error is not None
            assert "did not find" in target.error.message
        else:  # the container Outpost kept says PUBLISHED; the post is found by its caption
            assert settled.status is PostStatus.PUBLISHED and target.platform_post_id == on_instagram[0].id
        assert len([m for m in fake.media if m.caption == text]) == len(on_instagram)  # still once at most
        outcomes.append((phase, settled.status.value))
    assert instagram.s3.keys(instagram.bucket) == [], "files were left on the media host"
    assert [phase for phase, _ in outcomes] == list(PHASES)
    print(f"\nInstagram kill points at media_publish: {outcomes}")


async def _look_for_it(data: Path, keyring: Path, post_id: str) -> Post:
    engine = Engine.open(data, secrets=FileSecrets(keyring), media_in_process=True)
    try:
        return await engine.posts.look_for_unknown(post_id)
    finally:
        await engine.close()
