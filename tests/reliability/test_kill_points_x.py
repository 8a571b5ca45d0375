"""SIGKILL at every request of a publish to X: each part at most once, review only after a create.

The sweep is `kill_points.sweep` (its docstring says what a kill point is); this module is one
slice of it, so parallel test workers share the slices out.
"""

from __future__ import annotations

from pathlib import Path

import pytest

# The second import is the fake network this module sweeps: a fixture, which pytest finds here.
from tests.reliability.kill_points import Remote, params, sweep
from tests.reliability.kill_points import x as x

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("network", "thread_length", "with_image"), params("x", with_image=False) + params("x", with_image=True)
)
def test_every_kill_point_ends_published_once(
    x: Remote, tmp_path: Path, network: str, thread_length: int, with_image: bool
) -> None:
    sweep(x, tmp_path, network, thread_length, with_image)
