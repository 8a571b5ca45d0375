"""Settings → Media host against a real S3 server, and the composer's way there when a network needs it."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from outpost.adapters.registry import AdapterRegistry
from outpost.domain.capabilities import Capabilities
from outpost.domain.enums import Network
from outpost.domain.errors import Problem
from outpost.domain.models import Account, Post, Target
from outpost.engine import AddAccountRequest, Engine
from outpost.gui.dialogs.media_host import MediaHostSection
from outpost.gui.dialogs.settings import MEDIA_HOST, SettingsDialog
from outpost.gui.mainwindow import MainWindow
from outpost.gui.qt import QPushButton
from outpost.gui.tasks import settle_ops
from tests.fakes import FakeAdapter, FakeClock, FakeNetwork, MemorySecretStore
from tests.gui.helpers import run_on_qasync
from tests.support.s3 import S3Server

Scenario = Callable[[MainWindow, Engine, MemorySecretStore], Awaitable[None]]


class NeedsMediaHost(FakeAdapter):
    """A network that fetches media by URL, as Instagram and Threads do: no host, no post."""

    def validate(self, post: Post, target: Target, account: Account, caps: Capabilities) -> list[Problem]:
        problems = super().validate(post, target, account, caps)
        if not self.media_host.configured:
            problems.append(
                Problem(
                    field="media_host",
                    message="media_host: Mastodon fetches media from a public URL: set a media host first.",
                    network=self.network.value,
                    account=account.ref,
                    rule="media_host",
                )
            )
        return problems


@pytest.fixture
def run(qapp, qtbot, tmp_path: Path, s3: S3Server) -> Callable[[Scenario], None]:
    def go(scenario: Scenario) -> None:
        async def main() -> None:
            clock = FakeClock()
            secrets = MemorySecretStore()
            remote = FakeNetwork()
            registry = AdapterRegistry({Network.MASTODON: functools.partial(NeedsMediaHost, remote=remote)})
            engine = Engine.open(tmp_path / "data", registry=registry, secrets=secrets, clock=clock)
            await engine.accounts.add(Network.MASTODON, AddAccountRequest(access_token="good-token"))
            window = MainWindow(engine, tray=False)
            qtbot.addWidget(window)
            window.show()
            try:
                with s3.clock(clock.now):  # the bucket and Outpost share one time
                    await scenario(window, engine, secrets)
            finally:
                await settle_ops()
                window.composer._check_timer.stop()
                window.composer._save_timer.stop()
                await engine.close()

        run_on_qasync(qapp, main)

    return go


def _media_host_page(window: MainWindow, *, open_it: bool = True) -> tuple[SettingsDialog, MediaHostSection]:
    if open_it:
        window.open_settings(MEDIA_HOST)
    [dialog] = [d for d in window.findChildren(SettingsDialog) if d.isVisible()]
    assert dialog.list.currentItem().text() == MEDIA_HOST and dialog.media_host is not None
    return dialog, dialog.media_host


async def _until(condition: Callable[[], bool]) -> None:
    async with asyncio.timeout(10):
        while not condition():
            await asyncio.sleep(0.01)


def _fill(section: MediaHostSection, s3: S3Server, bucket: str, secret: str) -> None:
    section.endpoint.setText(s3.url)
    section.bucket.setText(bucket)
    section.access_key_id.setText(s3.outpost.access_key_id)
    section.secret.setText(secret)
    section.path_style.setChecked(True)


def test_save_test_and_remove_the_media_host_in_settings(run, s3: S3Server) -> None:
    bucket = s3.new_bucket()

    async def scenario(window: MainWindow, engine: Engine, secrets: MemorySecretStore) -> None:
        dialog, section = _media_host_page(window)
        await settle_ops()
        assert not section.test_button.isEnabled() and not section.remove_button.isEnabled()  # nothing set
        section.bucket.setText("Not_A_Bucket")
        section.save_button.click()
        assert section.result.text().startswith("Endpoint: ''")  # every field at fault, named in words
        assert "Bucket: 'Not_A_Bucket' is not a bucket name" in section.result.text()

        _fill(section, s3, bucket, s3.outpost.secret)
        section.save_button.click()
        await settle_ops()
        assert section.result.text().startswith("Saved")
        assert secrets.secrets["mediahost/s3"] == {"secret_access_key": s3.outpost.secret}
        assert section.secret.text() == "" and "kept in your keyring" in section.secret.placeholderText()
        for name in ("media-host.json", "settings.json"):
            path = engine.data_dir / name
            assert not path.exists() or s3.outpost.secret not in path.read_text()

        section.test_button.click()
        assert not section.test_button.isEnabled() and section.result.text().startswith("Testing")
        await settle_ops()
        assert section.result.text().startswith("It works"), section.result.text()
        assert s3.keys(bucket) == []

        section.secret.setText("not-the-secret")  # a new, wrong secret
        section.save_button.click()
        await settle_ops()
        section.test_button.click()
        await settle_ops()
        assert "secret access key does not belong" in section.result.text()
        assert "not-the-secret" not in section.result.text()

        section.remove_button.click()
        await settle_ops()
        assert await engine.media_host.show() is None and "mediahost/s3" not in secrets.secrets
        assert section.bucket.text() == "" and not section.test_button.isEnabled()
        dialog.reject()

    run(scenario)


def test_settings_show_the_host_that_is_set_but_never_its_secret(run, s3: S3Server) -> None:
    bucket = s3.new_bucket()

    async def scenario(window: MainWindow, engine: Engine, secrets: MemorySecretStore) -> None:
        await engine.media_host.set(s3.settings(bucket, region="us-east-1"), s3.outpost.secret)
        dialog, section = _media_host_page(window)
        await _until(lambda: section.bucket.text() == bucket)
        assert section.endpoint.text() == s3.url and section.path_style.isChecked()
        assert section.secret.text() == "" and section.test_button.isEnabled()
        dialog.reject()

    run(scenario)


def test_a_network_that_needs_a_media_host_offers_the_way_to_settings(run, s3: S3Server) -> None:
    bucket = s3.new_bucket()

    async def scenario(window: MainWindow, engine: Engine, secrets: MemorySecretStore) -> None:
        composer = window.composer
        await window.open_composer()
        await settle_ops()
        composer.select(composer.accounts[0].ref)
        composer.text.setPlainText("A photo for the feed")
        await _until(lambda: bool(composer.problem_list.texts()))
        [line] = composer.problem_list.texts()
        assert "fetches images and videos from a public web address" in line and "Settings" in line
        assert "outpost media-host" not in line
        links = composer.problem_list.links
        assert not links.isHidden()
        [button] = links.findChildren(QPushButton)
        assert button.text() == "Set up a media host in Settings…"

        button.click()
        dialog, section = _media_host_page(window, open_it=False)  # the button opened it at Media host
        _fill(section, s3, bucket, s3.outpost.secret)
        section.save_button.click()
        await settle_ops()
        dialog.reject()
        await _until(lambda: composer.problem_list.texts() == [])  # the composer checked again
        assert links.isHidden() and composer.publish_button.isEnabled()

    run(scenario)
