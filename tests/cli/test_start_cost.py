"""Start-up as networks grow: a command imports only the networks it uses (issue #16).

Each check runs in a fresh interpreter: what the test process has imported says nothing.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from outpost.adapters.base import NetworkAdapter
from outpost.adapters.registry import SHIPPED, default_registry
from outpost.domain.enums import Network
from tests.support.program import outpost_env

NETWORK_MODULES = sorted(path.partition(":")[0] for path in SHIPPED.values())

COMMAND = """
import json, sys
from outpost.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "loaded": sorted(m for m in sys.modules if m in %r)}), file=sys.stderr)
"""

REGISTRY = """
import json, sys
from outpost.adapters.registry import default_registry
from outpost.domain.enums import Network
registry = default_registry()
networks = [n.value for n in registry.networks]
before = sorted(m for m in sys.modules if m in %r)
made = registry.factory(Network.X).__name__
after = sorted(m for m in sys.modules if m in %r)
print(json.dumps({"networks": networks, "before": before, "made": made, "after": after}))
"""


def _fresh(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = outpost_env(PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, timeout=120
    )


def test_listing_posts_imports_no_network_adapter(tmp_path: Path) -> None:
    done = _fresh(COMMAND % NETWORK_MODULES, "--data-dir", str(tmp_path / "data"), "--json", "post", "list")
    report = json.loads(done.stderr.strip().splitlines()[-1])
    assert report == {"code": 0, "loaded": []}, done.stderr
    assert json.loads(done.stdout) == []


def test_the_registry_names_its_networks_without_importing_them_and_imports_one_when_used() -> None:
    done = _fresh(REGISTRY % (NETWORK_MODULES, NETWORK_MODULES))
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    # Every shipped network, in INTERFACE.md's order (each network's helper adds one to SHIPPED).
    assert seen["networks"] == [n.value for n in Network if n in SHIPPED]
    assert seen["before"] == []
    assert (seen["made"], seen["after"]) == ("XAdapter", ["outpost.adapters.x"])


def test_every_shipped_path_names_an_adapter() -> None:
    registry = default_registry()
    for network in registry.networks:
        factory = registry.factory(network)
        assert isinstance(factory, type) and issubclass(factory, NetworkAdapter), network
    assert set(registry.networks) == set(SHIPPED)


#: Libraries only one feature needs: a command that does not use it must not pay for its import.
FEATURE_LIBRARIES = ["botocore", "cron_descriptor", "croniter", "mcp", "PIL", "PySide6", "av"]


def test_listing_posts_imports_no_library_only_a_feature_needs(tmp_path: Path) -> None:
    """Recurring rules (croniter), the MCP SDK, the media host's signer, Qt, Pillow, PyAV (issue #26)."""
    done = _fresh(COMMAND % FEATURE_LIBRARIES, "--data-dir", str(tmp_path / "data"), "--json", "post", "list")
    report = json.loads(done.stderr.strip().splitlines()[-1])
    assert report == {"code": 0, "loaded": []}, done.stderr


PNG_WORK = """
import io, json, sys
from outpost.media.inspect import inspect
from outpost.media.images import derive
from outpost.domain.compatibility import FixPlan
path = sys.argv[1]
info = inspect(path)
fitted = derive(path, FixPlan())
print(json.dumps({"size": [info.width, info.height], "gps": info.has_location, "bytes": len(fitted.data),
                  "loaded": sorted(m for m in ("PIL", "regex") if m in sys.modules)}))
"""


def test_a_png_that_fits_is_checked_and_stripped_without_loading_pillow(tmp_path: Path) -> None:
    """A screenshot posted from the command line (issue #26): ~70 ms of Pillow saved, GPS still dropped."""
    from PIL import Image

    exif = Image.Exif()
    exif[0x010F] = "Test Camera"  # Pillow writes the GPS block only beside another tag
    exif.get_ifd(0x8825).update({1: "N", 2: (52.0, 31.0, 12.0)})
    path = tmp_path / "shot.png"
    Image.new("RGB", (64, 48), (200, 30, 30)).save(path, format="PNG", exif=exif)
    done = _fresh(PNG_WORK, str(path))
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["size"] == [64, 48] and report["gps"] is True and report["loaded"] == []
    assert 0 < report["bytes"] < path.stat().st_size  # the EXIF (and its GPS) left behind
