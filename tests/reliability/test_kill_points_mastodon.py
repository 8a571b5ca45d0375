"""SIGKILL at every request of a text post or thread to Mastodon: each ends published once.

The sweep is `kill_points.sweep` (its docstring says what a kill point is); this module is one
slice of it, so parallel test workers share the slices out.
"""

from __future__ import annotations

from pathlib import Path

import pytest

# The second import is the fake network this module sweeps: a fixture, which pytest finds here.
from tests.reliability.kill_points import Remote, params, sweep
from tests.reliability.kill_points import mastodon as mastodon

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(("network", "thread_length", "with_image"), params("mastodon", with_image=False))
def test_every_kill_point_ends_published_once(
    mastodon: Remote, tmp_path: Path, network: str, thread_length: int, with_image: bool
) -> None:
    sweep(mastodon, tmp_path, network, thread_length, with_image)
