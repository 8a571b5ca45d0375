"""The command line in-process against the fake network: `cli("post", "list")` → its JSON."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from outpost.cli import main
from outpost.engine import Engine
from tests.fakes import FakeClock, FakeNetwork, MemorySecretStore, fake_registry


class Cli:
    """Runs `outpost --json …` in-process against the fake network, like a script would run it."""

    def __init__(
        self,
        data_dir: Path,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
        remote: FakeNetwork,
    ) -> None:
        self.data_dir = data_dir
        self.capsys = capsys
        self.monkeypatch = monkeypatch
        self.remote = remote
        self.clock = FakeClock()
        self.secrets = MemorySecretStore()
        self.stderr = ""

    def __call__(self, *argv: str, expect: int = 0, stdin: str = "") -> object:
        """Run one command with `stdin` as its standard input; its JSON document (stdout)."""
        self.monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = main(
            ["--data-dir", str(self.data_dir), "--json", *argv],
            open_engine=lambda data: Engine.open(
                data, registry=fake_registry(self.remote), secrets=self.secrets, clock=self.clock
            ),
        )
        out, self.stderr = self.capsys.readouterr()
        assert code == expect, f"exit {code}, stderr: {self.stderr}"
        return json.loads(out)

    def add_alice(self) -> dict[str, object]:
        account = self(
            "accounts",
            "add",
            "mastodon",
            "--instance",
            "https://fake.example",
            "--access-token",
            "good-token",
        )
        assert isinstance(account, dict)
        return account


@pytest.fixture
def cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, remote: FakeNetwork
) -> Cli:
    return Cli(tmp_path / "data", capsys, monkeypatch, remote)
