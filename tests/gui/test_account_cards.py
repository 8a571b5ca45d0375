"""Account cards: the account by its name, its network's logo and colour, its state as a pill."""

from __future__ import annotations

import functools

import httpx

from outpost.adapters.mastodon import MastodonAdapter
from outpost.adapters.registry import AdapterRegistry
from outpost.domain.enums import Network
from outpost.domain.models import Account, HealthReport
from outpost.engine import AddAccountRequest, Engine
from outpost.gui.decor import Tone, tone_colour
from outpost.gui.health.card import AccountCard
from outpost.gui.health.panel import HealthPanel
from outpost.gui.messages import MessageBridge
from outpost.gui.qt import QColor, QImage, QPushButton, QRect
from outpost.gui.tasks import settle_ops
from tests.contract.fake_mastodon import BASE, FakeMastodon
from tests.fakes import START, FakeClock, MemorySecretStore
from tests.gui.helpers import run_on_qasync


class Asked:
    """The panel as a card sees it: records what its buttons asked for."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, str]] = []

    def check(self, account: Account) -> None:
        self.asked.append(("check", account.id))

    def reconnect(self, account: Account) -> None:
        self.asked.append(("reconnect", account.id))

    def remove(self, account: Account) -> None:
        self.asked.append(("remove", account.id))


def _account(
    network: Network, handle: str, name: str, health: HealthReport, url: str | None = None
) -> Account:
    return Account(
        id=f"acc_{network.value}",
        network=network,
        handle=handle,
        display_name=name,
        service_url=url,
        secret_ref="r",
        created_at=START,
        health=health,
    )


def _near(colour: QColor, wanted: QColor, tolerance: int = 40) -> bool:
    return all(
        abs(a - b) <= tolerance
        for a, b in (
            (colour.red(), wanted.red()),
            (colour.green(), wanted.green()),
            (colour.blue(), wanted.blue()),
        )
    )


def _has(image: QImage, rect: QRect, wanted: QColor) -> bool:
    return any(
        _near(image.pixelColor(x, y), wanted)
        for x in range(max(0, rect.left()), min(image.width(), rect.right()))
        for y in range(max(0, rect.top()), min(image.height(), rect.bottom()))
    )


def test_a_card_leads_with_the_name_shows_the_network_and_its_state_as_a_pill(qtbot) -> None:
    broken = HealthReport.summarise(token_is_valid=False, checked_at=START, message="The token was revoked")
    account = _account(Network.BLUESKY, "studio.example", "Studio Dyes", broken, "https://pds.example")
    panel = Asked()
    card = AccountCard(account, panel)
    qtbot.addWidget(card)
    card.resize(700, 170)
    card.show()
    assert card.name.text() == "Studio Dyes" and card.name.font().bold()
    assert card.name.font().pointSizeF() > card.facts.font().pointSizeF()  # the name is prominent
    assert card.where.text() == "@studio.example · Bluesky"
    assert card.state.text() == "Needs reconnecting" and card.state.tone is Tone.BAD
    assert "Last problem: The token was revoked" in card.facts.text()
    picture = card.grab().toImage()
    assert _has(picture, QRect(0, 0, 8, card.height()), QColor("#1185FE"))  # the stripe: Bluesky blue
    assert _has(picture, card.avatar.geometry(), QColor("#1185FE"))  # the letter avatar and logo
    assert _has(picture, card.state.geometry(), tone_colour(Tone.BAD, card.palette()))  # a red pill
    buttons = {b.text(): b for b in card.findChildren(QPushButton)}
    buttons["Reconnect"].click()
    buttons["Check now"].click()
    assert panel.asked == [("reconnect", account.id), ("check", account.id)]


def test_a_sandbox_account_is_you_and_a_healthy_one_is_connected(qtbot) -> None:
    sandbox = _account(
        Network.MASTODON,
        "you@127.0.0.1:34927",
        "You (sandbox)",
        HealthReport.summarise(checked_at=START),
        "http://127.0.0.1:34927",
    )
    card = AccountCard(sandbox, Asked())
    qtbot.addWidget(card)
    assert card.name.text() == "You (sandbox)" and "127.0.0.1" not in card.where.text()
    assert (
        card.where.text() == "Mastodon" and card.state.text() == "Connected" and card.state.tone is Tone.GOOD
    )


def test_the_accounts_picture_is_fetched_once_and_shown_on_its_card(qapp, qtbot, tmp_path) -> None:
    """The real Mastodon adapter against the strict fake: its verify_credentials names the picture."""
    server = FakeMastodon()

    async def scenario() -> None:
        registry = AdapterRegistry({Network.MASTODON: functools.partial(MastodonAdapter, media_poll_s=0.001)})
        engine = Engine.open(
            tmp_path,
            registry=registry,
            secrets=MemorySecretStore(),
            clock=FakeClock(),
            transport=httpx.MockTransport(server.handle),
        )
        try:
            account = await engine.accounts.add(
                Network.MASTODON, AddAccountRequest(service_url=BASE, access_token="token-alice")
            )
            panel = HealthPanel(engine, messages=MessageBridge())
            qtbot.addWidget(panel)
            panel.resize(800, 400)
            panel.show()
            panel.refresh()
            await settle_ops()
            await settle_ops()
            card = panel.cards[account.id]
            assert card.avatar.picture is not None  # the orange square the fake serves
            painted = card.avatar.grab().toImage()
            assert _near(painted.pixelColor(12, 22), QColor("#f08830"))
            panel.refresh()  # new cards: the picture comes from memory, not the network again
            await settle_ops()
            assert panel.cards[account.id].avatar.picture is not None
            fetched = [r for r in server.requests if r.url.path.startswith("/system/accounts/avatars/")]
            assert len(fetched) == 1
        finally:
            await settle_ops()
            await engine.close()

    run_on_qasync(qapp, scenario)
