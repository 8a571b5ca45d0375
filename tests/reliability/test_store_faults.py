"""The disk says no: a full disk and a read-only data folder give a clear error, lose nothing and
corrupt nothing.

A full disk is SQLite's own SQLITE_FULL, reached by capping the database's pages
(`PRAGMA max_page_count`) on the engine's connection — the same error and code path as a full
file system, without needing to mount one. A read-only folder is a real one: as root (CI), the
program runs without CAP_DAC_OVERRIDE (`setpriv`), so file permissions bind it as they bind a
person's account.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from outpost.adapters.base import AddAccountRequest
from outpost.domain.enums import Network, PostStatus
from outpost.domain.errors import StoreError
from outpost.engine import Engine, PostInput, When
from tests.fakes import FakeClock, FakeNetwork, MemorySecretStore, fake_registry
from tests.support.program import outpost_env, run_outpost


def _cap_pages(engine: Engine, extra: int) -> None:
    """From now on the database may grow by `extra` pages only (then SQLITE_FULL)."""
    conn: sqlite3.Connection = engine._core.store.db._conn  # the engine's own connection
    used = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {used + extra}")


def _uncap(engine: Engine) -> None:
    engine._core.store.db._conn.execute("PRAGMA max_page_count = 1073741823")


async def _engine_with_an_account(data: Path) -> tuple[Engine, str]:
    engine = Engine.open(
        data, registry=fake_registry(FakeNetwork()), secrets=MemorySecretStore(), clock=FakeClock()
    )
    account = await engine.accounts.add(Network.MASTODON, AddAccountRequest(access_token="good-token"))
    return engine, account.id


@pytest.mark.asyncio
async def test_a_full_disk_refuses_the_write_clearly_and_keeps_every_draft(tmp_path: Path) -> None:
    engine, account = await _engine_with_an_account(tmp_path / "data")
    try:
        kept = await engine.posts.create(
            PostInput(text="the draft I care about", accounts=(account,)), When.draft()
        )
        _cap_pages(engine, 0)  # the disk is full from here on
        saved = 0
        with pytest.raises(StoreError) as caught:
            for n in range(2000):
                await engine.posts.create(PostInput(text=f"filler {n} " + "x" * 400, accounts=(account,)))
                saved += 1
        message = str(caught.value)
        assert "full" in message and "nothing was lost" in message and str(tmp_path / "data") in message
        assert (await engine.posts.get(kept.id)).text == "the draft I care about"
        assert len(await engine.posts.list()) == saved + 1  # the refused one is not half there
        _uncap(engine)  # space freed
        again = await engine.posts.create(PostInput(text="after freeing space", accounts=(account,)))
        assert again.status is PostStatus.DRAFT
    finally:
        await engine.close()
    check = sqlite3.connect(tmp_path / "data" / "outpost.sqlite3")
    assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    check.close()


def _as_a_person() -> tuple[str, ...]:
    """A prefix that binds the program by file permissions, even when the tests run as root."""
    if os.geteuid() != 0:
        return ()
    setpriv = shutil.which("setpriv")
    assert setpriv, "setpriv (util-linux) is needed to drop root's permission override"
    return (setpriv, "--bounding-set=-dac_override,-dac_read_search")


def _outpost(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_outpost(data, *args, env=outpost_env(), timeout=60, prefix=_as_a_person())


def test_a_read_only_data_folder_is_named_and_nothing_is_touched(tmp_path: Path) -> None:
    data = tmp_path / "data"

    async def write_a_draft() -> None:
        engine, account = await _engine_with_an_account(data)
        await engine.posts.create(PostInput(text="written before the folder locked", accounts=(account,)))
        await engine.close()

    asyncio.run(write_a_draft())
    database = data / "outpost.sqlite3"
    before = database.read_bytes()
    modes = {path: path.stat().st_mode for path in [data, *data.rglob("*")]}
    for path in modes:
        path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        refused = _outpost(data, "post", "list")
        assert refused.returncode == 1
        assert f"cannot write to the data folder {data}" in refused.stderr
        assert "Permission denied" in refused.stderr
        assert json.loads(refused.stdout)["error"]["message"].startswith("cannot write")
        assert database.read_bytes() == before
    finally:
        for path, mode in modes.items():
            path.chmod(mode)
    listed = _outpost(data, "post", "list")
    assert [p["text"] for p in json.loads(listed.stdout)] == ["written before the folder locked"]
