"""Kill the real `outpost` program (SIGKILL) in the middle of a YouTube upload, start it again, and
check that it resumes the *same* upload session from where YouTube is and never makes two videos.

The video is real (PyAV, lossless noise: ~20 MB, three of the program's 8 MiB chunks). A kill
point is a request of the upload and a phase (see kill_points.py): the request was received
(YouTube did nothing with it), handled (YouTube acted, the answer never left) or answered.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import av
import pytest
from PIL import Image

from tests.contract.fake_youtube import API, CLIENT_ID, CLIENT_SECRET, FakeYouTube
from tests.reliability.kill_points import KillSwitch
from tests.support.loopback import LoopbackServer
from tests.support.processes import reaped
from tests.support.program import outpost_env, run_outpost, start_outpost

pytestmark = pytest.mark.slow
CHUNK = 8 * 1024 * 1024  # the program's own chunk size (youtube_upload.DEFAULT_CHUNK_BYTES)


def big_video(path: Path) -> Path:
    """About 20 MB of real H.264: lossless noise, so every frame costs its full size."""
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=10)
        stream.width, stream.height, stream.pix_fmt = 1280, 720, "yuv420p"
        stream.options = {"preset": "ultrafast", "crf": "0"}
        for index in range(15):
            frame = Image.effect_noise((1280, 720), 70 + index).convert("RGB")
            for packet in stream.encode(av.VideoFrame.from_image(frame)):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


@dataclass
class Rig:
    fake: FakeYouTube
    server: LoopbackServer
    template: Path
    env: dict[str, str]
    video: Path


@pytest.fixture(scope="module")
def rig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rig]:
    root = tmp_path_factory.mktemp("youtube")
    video = big_video(root / "long.mp4")
    assert 2 * CHUNK < video.stat().st_size < 3 * CHUNK, video.stat().st_size
    fake = FakeYouTube()
    with LoopbackServer(fake.handle, origin=API) as server:
        url = f"http://127.0.0.1:{server.port}"
        fake.session_origin = url
        env = {"OUTPOST_API_URL_YOUTUBE": url, "OUTPOST_AUTH_URL_YOUTUBE": url}
        every = outpost_env(root / "keyring.json", **env)
        made = run_outpost(
            root / "data", "apps", "set", "youtube", "--client-id", CLIENT_ID, "--client-secret-stdin",
            env=every, stdin=f"{CLIENT_SECRET}\n",
        )  # fmt: skip
        assert made.returncode == 0, made.stderr
        access, refresh = fake.issue()
        added = run_outpost(
            root / "data", "accounts", "add", "youtube", "--access-token", access, "--refresh-token", refresh,
            env=every,
        )  # fmt: skip
        assert added.returncode == 0, added.stderr
        yield Rig(fake, server, root, env, video)
    assert server.errors == []


#: (request of the publish, phase): 0 starts the session, 1-3 are the three chunks (3 makes the video).
POINTS = [(0, "handled"), (2, "received"), (3, "handled")]


@pytest.mark.timeout(240)
def test_a_killed_upload_resumes_its_session_after_a_restart_and_makes_one_video(
    tmp_path: Path, rig: Rig
) -> None:
    for index, phase in POINTS:
        data, keyring = tmp_path / f"{index}-{phase}" / "data", tmp_path / f"{index}-{phase}" / "keyring.json"
        shutil.copytree(rig.template / "data", data)
        shutil.copyfile(rig.template / "keyring.json", keyring)
        env = outpost_env(keyring, **rig.env)
        title = f"Killed at {index} {phase}"
        before = (len(rig.fake.videos), len(rig.fake.sessions))
        switch = KillSwitch(index, phase)
        rig.server.on_phase = switch
        child = start_outpost(
            data, "post", "create", "--text", title, "--account", "youtube:@alicemakes", "--media", str(rig.video),
            "--option", f"youtube.title={title}", "--option", "youtube.made_for_kids=false", "--now", env=env,
        )  # fmt: skip
        switch.pid = child.pid
        with reaped(child):
            child.wait(timeout=120)
        rig.server.on_phase = lambda current, request: True
        assert switch.killed, f"{index} {phase}: the upload finished before the kill point"

        resumed = run_outpost(data, "run", "--until-idle", env=env, timeout=120)
        assert resumed.returncode in (0, 1), resumed.stderr
        [post] = json.loads(run_outpost(data, "post", "list", env=env).stdout)
        assert post["status"] == "published", f"{index} {phase}: {post}"

        made = [v for v in rig.fake.videos.values() if v.snippet["title"] == title]
        assert len(made) == 1 and made[0].data == rig.video.read_bytes(), (
            f"{index} {phase}: {len(made)} videos"
        )
        assert post["targets"][0]["platform_post_id"] == made[0].id
        sessions = list(rig.fake.sessions.values())[before[1] :]
        used = [s for s in sessions if s.video_id == made[0].id]
        assert len(used) == 1, f"{index} {phase}: {len(used)} sessions made the video"
        handled = sum(last - first + 1 for first, last in used[0].chunks)
        assert handled - rig.video.stat().st_size <= CHUNK, f"{index} {phase}: {handled} bytes for one video"
        if index > 0:  # the session existed before the kill: the restarted program went on with it
            assert len(sessions) == 1, f"{index} {phase}: {len(sessions)} sessions"
        assert len(rig.fake.videos) == before[0] + 1
