"""How the window names accounts, and how it cuts text: at words, never inside one."""

from __future__ import annotations

from outpost.domain.accounts import SANDBOX_BLUESKY_HANDLE
from outpost.domain.enums import Network
from outpost.domain.models import Account
from outpost.gui.decor import elide_words, wrap_words
from outpost.gui.names import account_handle, account_label, account_name, account_tooltip
from outpost.gui.qt import QFontMetrics, QWidget
from tests.fakes import START


def _account(
    network: Network, handle: str, display_name: str = "", service_url: str | None = None
) -> Account:
    return Account(
        id="acc",
        network=network,
        handle=handle,
        display_name=display_name,
        service_url=service_url,
        secret_ref="r",
        created_at=START,
    )


def test_accounts_go_by_their_names_and_sandbox_accounts_by_you() -> None:
    """Issue #17: the queue said `mastodon:you@127.0.0.1:34927` where the chips said "you"."""
    real = _account(Network.MASTODON, "alice@social.example", "Alice A.", "https://social.example")
    sandbox = _account(Network.MASTODON, "you@127.0.0.1:34927", "You (sandbox)", "http://127.0.0.1:34927")
    sandbox_sky = _account(
        Network.BLUESKY, SANDBOX_BLUESKY_HANDLE, SANDBOX_BLUESKY_HANDLE, "http://127.0.0.1:5"
    )
    unnamed = _account(Network.X, "studio_dyes")
    assert (account_name(real), account_handle(real)) == ("Alice A.", "@alice@social.example")
    assert account_label(real) == "Mastodon · Alice A."
    assert account_tooltip(real) == "Mastodon · Alice A. (@alice@social.example)"
    assert [account_name(a) for a in (sandbox, sandbox_sky)] == ["You (sandbox)", "You (sandbox)"]
    assert account_label(sandbox_sky) == "Sandbox Bluesky · you" and account_handle(sandbox) == ""
    assert "127.0.0.1" not in account_tooltip(sandbox) + account_label(sandbox)
    assert (account_name(unnamed), account_tooltip(unnamed)) == (
        "studio_dyes",
        "X · @studio_dyes",
    )


def test_text_is_cut_after_the_last_whole_word_that_fits(qapp) -> None:
    metrics = QFontMetrics(QWidget().font())
    text = "Our spring workshop schedule is out"
    width = metrics.horizontalAdvance("Our spring works")  # room for part of "workshop" only
    assert elide_words(text, metrics, width) == "Our spring…"
    assert elide_words("Short", metrics, 500) == "Short"
    assert elide_words("Hello, world again", metrics, metrics.horizontalAdvance("Hello, wor")) == "Hello…"
    room = metrics.horizontalAdvance("Our spring workshop")
    assert wrap_words(text, metrics, room, 2) == ["Our spring workshop", "schedule is out"]
    long = " ".join([text] * 3)
    lines = wrap_words(long, metrics, room, 2)
    assert len(lines) == 2 and lines[-1].endswith("…")
    words = " ".join(lines).removesuffix("…").split(" ")
    assert words == long.split(" ")[: len(words)]  # whole words, in order
