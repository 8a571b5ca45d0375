"""The real `outpost` program posting a video to Bluesky, against the strict fakes of the PDS and
the video service on loopback; `OUTPOST_UPLOAD_URL_BLUESKY` points it at the fake video service
(INTERFACE.md, Environment: a network's separate upload host), `--service` at the fake PDS."""

from __future__ import annotations

import json
from pathlib import Path

from tests import media_fixtures
from tests.contract.fake_bluesky import PDS, FakePds
from tests.contract.fake_bluesky_video import VIDEO, FakeVideoService
from tests.support.loopback import LoopbackServer
from tests.support.program import outpost_env, run_outpost


def test_a_video_post_from_the_command_line_and_what_stops_one(tmp_path: Path) -> None:
    # The PDS is 127.0.0.1 to the program, so that is the server its upload tokens are for.
    pds = FakePds(service_did="did:web:127.0.0.1")
    video = FakeVideoService(pds, steps=("JOB_STATE_ENCODING", "JOB_STATE_COMPLETED"))
    clip = media_fixtures.video(tmp_path / "clip.mp4", 320, 180, seconds=1, fps=10)
    photo = media_fixtures.image(tmp_path / "photo.png", 40, 30)
    with (
        LoopbackServer(pds.handle_request, origin=PDS) as pds_server,
        LoopbackServer(video.handle_request, origin=VIDEO) as video_server,
    ):
        env = outpost_env(
            tmp_path / "keyring.json", OUTPOST_UPLOAD_URL_BLUESKY=f"http://127.0.0.1:{video_server.port}"
        )

        def outpost(*args: str, stdin: str = "") -> tuple[int, str, str]:
            done = run_outpost(tmp_path / "data", *args, env=env, stdin=stdin)
            return done.returncode, done.stdout, done.stderr

        code, out, err = outpost(
            "accounts", "add", "bluesky", "--handle", "alice.example", "--app-password", "-",
            "--service", f"http://127.0.0.1:{pds_server.port}", stdin=f"{pds.app_password}\n",
        )  # fmt: skip
        assert code == 0, err
        code, out, err = outpost(
            "post", "create", "--text", "Dyeing day", "--account", "bluesky:alice.example",
            "--media", str(clip), "--alt", "A colour fading", "--now",
        )  # fmt: skip
        assert code == 0, err
        target = json.loads(out)["targets"][0]
        assert target["status"] == "published" and target["permalink"].startswith("https://bsky.app/profile/")
        [record] = pds.records.values()
        embed = record["value"]["embed"]
        assert (embed["$type"], embed["alt"], embed["aspectRatio"]) == (
            "app.bsky.embed.video",
            "A colour fading",
            {"width": 320, "height": 180},
        )
        assert embed["video"] == next(iter(video.jobs.values())).blob

        # One video, alone: refused before anything is sent (exit 2, the field and the rule named).
        code, out, err = outpost(
            "post", "create", "--text", "Two things", "--account", "bluesky:alice.example",
            "--media", str(clip), "--media", str(photo), "--now",
        )  # fmt: skip
        assert code == 2 and "media: Bluesky takes a video only on its own" in err, err

        # Today's videos used up: said by the upload (exit 1); after a check, by validation (exit 2).
        video.used_videos = video.daily_videos
        new_clip = media_fixtures.video(tmp_path / "second.mp4", 180, 320, seconds=1, fps=10)
        create = (
            "post",
            "create",
            "--text",
            "More",
            "--account",
            "bluesky:alice.example",
            "--media",
            str(new_clip),
        )
        code, out, err = outpost(*create, "--now")
        error = json.loads(out)["targets"][0]["error"]
        assert code == 1 and error["code"] == "rate_limited" and "today's video uploads" in error["message"]
        code, out, err = outpost("accounts", "check")
        assert code == 0, err
        code, out, err = outpost(*create, "--now")
        assert code == 2 and "media[1]: bluesky:alice.example cannot upload a video now" in err, err
    assert pds_server.errors == [] and video_server.errors == [] and len(video.jobs) == 1
