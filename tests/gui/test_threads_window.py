"""Threads in the window: a preview that looks like Threads, and its problems in the window's words."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from outpost.auth.oauth import AuthorizationError
from outpost.domain.accounts import DeveloperApp
from outpost.domain.enums import Network
from outpost.domain.errors import Problem
from outpost.domain.models import Account
from outpost.gui.composer.words import problem_text
from outpost.gui.dialogs.add_account import AddAccountDialog
from outpost.gui.links import PasteDialog, paste_asker
from outpost.gui.previews.renderers import PreviewMedia, PreviewPost, render
from outpost.gui.qt import QWidget
from tests.gui.helpers import run_on_qasync


def _post(*parts: str, media: int = 0, **options: object) -> PreviewPost:
    files = tuple(PreviewMedia(f"thumb://{n}", "video" if n == 1 else "image") for n in range(media))
    return PreviewPost(Network.THREADS, "Alice Example", "alice.makes", parts, files, options)


def test_the_username_and_topic_head_the_post_and_the_reply_setting_is_said_under_it() -> None:
    shown = render(_post("Dye day <b>!</b>", "Indigo", topic_tag="Weaving", reply_control="mentioned_only"))
    assert "<b>alice.makes</b>" in shown and "Alice Example" not in shown  # Threads shows no display name
    assert "›</span> Weaving" in shown and shown.count("Weaving") == 1  # on the first post only
    assert "&lt;b&gt;!&lt;/b&gt;" in shown  # text is text, never markup
    assert shown.count("♡") == 2 and shown.count("⇄") == 2 and "Only profiles you mention can reply" in shown


def test_a_carousel_is_one_row_of_three_then_how_many_more() -> None:
    shown = render(_post("Twelve views", media=12))
    assert shown.count("<img") == 3 and "+9 ›" in shown and "▶ video" in shown
    assert "Link preview" not in shown


def test_a_link_without_media_gets_a_card() -> None:
    shown = render(_post("New pattern: https://example.com/shop/indigo-scarf"))
    assert "example.com" in shown and "Link preview" in shown


THREADS_ACCOUNT = Account(
    id="acc_t",
    network=Network.THREADS,
    handle="alice.makes",
    display_name="Alice Example",
    secret_ref="s",
    created_at=datetime(2026, 1, 1, tzinfo=UTC),
)


def test_a_missing_media_host_is_said_with_where_to_set_it() -> None:
    problem = Problem(
        field="media_host",
        rule="media_host",
        network="threads",
        account="threads:alice.makes",
        message="media_host: Threads fetches … set a public media host first: `outpost media-host set …`",
    )
    text = problem_text(problem, [THREADS_ACCOUNT])
    assert "Settings → Media host" in text and "Threads · Alice Example" in text
    assert "outpost" not in text and "--" not in text


def test_too_many_links_names_the_part() -> None:
    problem = Problem(
        field="thread[1]", rule="max_links", network="threads", account="threads:alice.makes",
        limit=5, actual=7, message="thread[1]: 7 different links for threads:alice.makes, …",
    )  # fmt: skip
    text = problem_text(problem, [THREADS_ACCOUNT])
    assert text.startswith("Thread part 2 for Threads · Alice Example has 7 different links")
    assert "at most 5" in text


def test_add_account_asks_threads_for_its_https_redirect_address_not_a_port(qtbot) -> None:
    stored = {
        Network.THREADS: DeveloperApp("990602627938098", "secret", redirect_url="https://example.com/cb")
    }
    dialog = AddAccountDialog([Network.THREADS], apps=stored)
    qtbot.addWidget(dialog)
    dialog.network.setCurrentIndex(dialog.network.findData("threads"))
    dialog.client_id.clear()
    dialog._network_changed()  # the kept app fills the fields in
    redirect = dialog.app.redirect_url
    assert dialog.form.isRowVisible(redirect) and not dialog.form.isRowVisible(dialog.port)
    assert redirect.text() == "https://example.com/cb" and "Threads app ID" in dialog.help.text()
    redirect.setText("https://example.com/other")
    network, request = dialog.result_request()
    assert network is Network.THREADS and request is not None and request.app is not None
    assert (request.app.client_secret, request.app.redirect_url) == ("secret", "https://example.com/other")


def test_the_pasted_address_comes_back_and_cancelling_ends_the_sign_in(qapp, qtbot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)

    async def scenario() -> None:
        ask = paste_asker(parent, "Threads")
        asking = asyncio.ensure_future(ask("Paste the address here: "))
        while (dialog := parent.findChild(PasteDialog)) is None:
            await asyncio.sleep(0.01)
        dialog.address.setText("https://example.com/cb?code=abc&state=s#_")
        dialog.accept()
        assert await asking == "https://example.com/cb?code=abc&state=s#_"
        cancelled = asyncio.ensure_future(ask("Paste the address here: "))
        while (dialog := parent.findChild(PasteDialog)) is None or not dialog.isVisible():
            await asyncio.sleep(0.01)
        dialog.reject()
        with pytest.raises(AuthorizationError, match="cancelled"):
            await cancelled

    run_on_qasync(qapp, scenario)
