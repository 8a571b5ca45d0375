"""`outpost media inspect` says which networks Outpost can fit a video to, and how."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import Cli
from tests.media_fixtures import video


def test_a_video_x_does_not_take_as_it_is_is_fixable_with_the_re_encode_in_words(
    cli: Cli, tmp_path: Path
) -> None:
    clip = video(tmp_path / "old.mp4", 320, 240, seconds=1.0, fps=25, codec="mpeg4")
    doc = cli("media", "inspect", str(clip), "--for", "x", "--for", "youtube")
    assert isinstance(doc, dict)
    assert doc["compatibility"] == {
        "x": {
            "status": "fixable",
            "reason": "the mpeg4 codec is not accepted (use h264)",
            "fix": "re-encode to H.264 at 320×240, 25 fps",
        },
        "youtube": {"status": "compatible", "reason": None, "fix": None},
    }
