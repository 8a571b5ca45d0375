"""Smoke tests of what `make dist` built: the bundle runs, the tarball integrates with desktops,
and `pipx install .` puts a working `outpost` on the PATH. Run with `make dist-test`.

The bundle is run like the checkout's program in the main suite (`tests/support/program.py`),
with its executable as the program; it gets no test keyring (the frozen bundle cannot import it).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tarfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from tests.support.processes import reaped
from tests.support.program import outpost_env, run_outpost, start_outpost, wait_for_log

from outpost import __version__

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "dist" / "outpost"
EXE = BUNDLE / "outpost"
APP_ID = "io.github.outpost_app.Outpost"


@pytest.fixture(scope="module", autouse=True)
def built() -> None:
    assert EXE.exists(), "run `make dist` first"


BUNDLED = (str(EXE),)
OFFSCREEN = outpost_env(QT_QPA_PLATFORM="offscreen")


def test_bundle_reports_its_version() -> None:
    result = run_outpost(None, "--version", env=OFFSCREEN, json_output=False, program=BUNDLED)
    assert (result.returncode, result.stdout.strip()) == (0, f"outpost {__version__}")


def test_bundle_lists_posts_of_a_fresh_data_dir(tmp_path: Path) -> None:
    result = run_outpost(tmp_path / "d", "post", "list", env=OFFSCREEN, program=BUNDLED)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


def test_bundle_opens_its_window_offscreen_and_exits_cleanly(tmp_path: Path) -> None:
    process = start_outpost(tmp_path, env=OFFSCREEN, json_output=False, program=BUNDLED)
    log = tmp_path / "logs" / "outpost.log"
    with reaped(process):
        wait_for_log(process, log, "window shown", timeout=60, poll=0.1)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    assert "engine closed; quitting" in log.read_text()


def test_bundle_carries_its_icon_and_never_a_plaintext_keyring() -> None:
    assert list(BUNDLE.rglob("outpost/resources/icons/outpost.svg"))
    assert not list(BUNDLE.rglob("keyrings*alt*"))


def test_bundle_leaves_out_what_the_window_never_loads_and_no_link_points_nowhere() -> None:
    """Qt Quick/QML (~20 MB, only for the virtual keyboard) and httpx's CLI stay out of the download.

    (click comes along since `outpost mcp`: the MCP SDK imports uvicorn, which needs it.)
    """
    from PyInstaller.archive.readers import CArchiveReader

    names = [path.name.lower() for path in BUNDLE.rglob("*")]
    assert not [name for name in names if "qt6quick" in name or "qt6qml" in name or "virtualkeyboard" in name]
    assert not [path for path in BUNDLE.rglob("*") if path.is_symlink() and not path.exists()]
    modules = list(CArchiveReader(str(EXE)).open_embedded_archive("PYZ.pyz").toc)
    assert "httpx" in modules  # the archive is read right
    assert not [name for name in modules if name.split(".")[0] in ("pygments", "rich")]


def test_bundle_carries_every_networks_adapter_and_the_media_hosts_signer() -> None:
    """Adapters are imported on first use from "module:attribute" paths PyInstaller cannot see."""
    from PyInstaller.archive.readers import CArchiveReader

    from outpost.adapters.registry import SHIPPED

    modules = set(CArchiveReader(str(EXE)).open_embedded_archive("PYZ.pyz").toc)
    wanted = {path.partition(":")[0] for path in SHIPPED.values()} | {
        "outpost.adapters.s3_host",
        "botocore.auth",
    }
    assert sorted(wanted - modules) == []


def test_bundle_serves_the_model_context_protocol(tmp_path: Path) -> None:
    """`outpost mcp` answers an MCP client's handshake and lists its tools (its SDK is in the bundle)."""
    requests = [
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": {"name": "smoke", "version": "1"},
            },
        },
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
    ]
    result = subprocess.run(
        [str(EXE), "--data-dir", str(tmp_path / "d"), "mcp"],
        input="".join(json.dumps(r) + "\n" for r in requests),
        capture_output=True,
        text=True,
        timeout=120,
        env=OFFSCREEN,
    )
    answers = {a.get("id"): a for a in map(json.loads, result.stdout.splitlines())}
    assert answers[1]["result"]["serverInfo"]["name"] == "outpost", result.stderr
    assert "post_create" in {t["name"] for t in answers[2]["result"]["tools"]}


def test_tarball_has_the_desktop_integration() -> None:
    [tarball] = (ROOT / "dist").glob(f"Outpost-{__version__}-linux-*.tar.gz")
    with tarfile.open(tarball) as archive:
        names = set(archive.getnames())
    top = f"Outpost-{__version__}"
    assert f"{top}/outpost/outpost" in names and f"{top}/install.sh" in names
    assert f"{top}/share/applications/{APP_ID}.desktop" in names
    assert f"{top}/share/metainfo/{APP_ID}.metainfo.xml" in names
    for size in (16, 32, 48, 64, 128, 256, 512):
        assert f"{top}/share/icons/hicolor/{size}x{size}/apps/{APP_ID}.png" in names
    assert f"{top}/share/icons/hicolor/scalable/apps/{APP_ID}.svg" in names


def test_installing_the_tarball_puts_outpost_on_the_path(tmp_path: Path) -> None:
    [tarball] = (ROOT / "dist").glob(f"Outpost-{__version__}-linux-*.tar.gz")
    with tarfile.open(tarball) as archive:
        archive.extractall(tmp_path, filter="tar")
    prefix = tmp_path / "prefix"
    subprocess.run(
        [str(tmp_path / f"Outpost-{__version__}" / "install.sh")],
        check=True,
        capture_output=True,
        env={**os.environ, "PREFIX": str(prefix)},
    )
    result = subprocess.run(
        [str(prefix / "bin" / "outpost"), "--version"], capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == f"outpost {__version__}"
    assert (prefix / "share" / "applications" / f"{APP_ID}.desktop").exists()


def test_desktop_file_and_metainfo_are_valid_and_agree_with_the_version() -> None:
    desktop = ROOT / "packaging" / "linux" / f"{APP_ID}.desktop"
    metainfo = ROOT / "packaging" / "linux" / f"{APP_ID}.metainfo.xml"
    for tool, path in (("desktop-file-validate", desktop), ("appstreamcli", metainfo)):
        assert shutil.which(tool), f"{tool} is missing: make dist-test installs it on Debian"
        args = (
            [tool, str(path)]
            if tool == "desktop-file-validate"
            else [tool, "validate", "--no-net", "--pedantic", str(path)]
        )
        result = subprocess.run(args, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
    releases = ET.parse(metainfo).getroot().find("releases")
    assert (
        releases is not None and releases[0].get("version") == __version__
    )  # CHANGELOG, metainfo, code agree
    assert "## [Unreleased]" in (ROOT / "CHANGELOG.md").read_text()  # Keep a Changelog, kept


def test_pipx_install_puts_outpost_on_the_path(tmp_path: Path) -> None:
    env = {**os.environ, "PIPX_HOME": str(tmp_path / "pipx"), "PIPX_BIN_DIR": str(tmp_path / "bin")}
    install = subprocess.run(
        [sys.executable, "-m", "pipx", "install", "--force", str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    result = subprocess.run(
        [str(tmp_path / "bin" / "outpost"), "--version"], capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == f"outpost {__version__}"
