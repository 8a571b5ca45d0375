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

    def pick_target(self, account: Account) -> None:
        self.asked.append(("pick_target", account.id))


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
    assert card.where.text().startswith("@studio.example · Bluesky · <a href=")
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


def test_a_card_shows_the_profile_as_its_network_does(qtbot) -> None:
    """Issue #24: kind, followers, a link to the profile and the permissions granted, by name."""
    health = HealthReport(followers=1234, granted_permissions=("pages_manage_posts", "read_insights"))
    page = _account(Network.FACEBOOK, "studio", "Studio Dyes", health).model_copy(
        update={"target_id": "1029384756"}
    )
    asked = Asked()
    card = AccountCard(page, asked)
    qtbot.addWidget(card)

    where = card.where.text()
    assert "Page" in where and "1,234 followers" in where
    assert 'href="https://www.facebook.com/1029384756"' in where
    assert "Permissions granted: pages_manage_posts, read_insights" in card.facts.text()
    more = next(b for b in card.findChildren(QPushButton) if b.text() == "Add another Page…")
    more.click()
    assert asked.asked == [("pick_target", page.id)]


def test_a_member_without_counts_shows_no_made_up_numbers(qtbot) -> None:
    person = _account(
        Network.MASTODON, "alice@masto.example", "Alice", HealthReport(), url="https://masto.example"
    )
    card = AccountCard(person, Asked())
    qtbot.addWidget(card)
    assert "followers" not in card.where.text()
    assert 'href="https://masto.example/@alice"' in card.where.text()
    assert not [b for b in card.findChildren(QPushButton) if b.text().startswith("Add ")]


def test_the_target_picker_offers_what_is_not_added_yet(qtbot) -> None:
    from outpost.domain.accounts import AccountTarget
    from outpost.gui.dialogs.targets import TargetPicker

    member = _account(Network.LINKEDIN, "alice-example", "Alice", HealthReport())
    targets = [
        AccountTarget(id="urn:li:organization:1", name="Devtestco", kind="organization"),
        AccountTarget(id="urn:li:organization:2", name="Side Project", kind="organization"),
    ]
    picker = TargetPicker(member, targets, {"urn:li:organization:1"}, None)
    qtbot.addWidget(picker)
    chosen: list[str] = []
    picker.chosen.connect(chosen.append)
    picker.list.setCurrentRow(0)
    assert not picker.add.isEnabled()  # already an account
    picker.list.setCurrentRow(1)
    picker.add.click()
    assert chosen == ["urn:li:organization:2"]


def test_a_composer_chip_says_the_profiles_kind_and_followers(qtbot) -> None:
    from outpost.gui.composer.chips import AccountChip

    page = _account(Network.FACEBOOK, "studio", "Studio Dyes", HealthReport(followers=1234))
    chip = AccountChip(page)
    qtbot.addWidget(chip)
    assert "Page · 1,234 followers" in chip.toolTip()
