"""Settings pages of issue #22's composer tools: snippets, UTM tags on links, X's prices.

Snippets are saved at once (like developer apps: they live in the store, not in the settings
file); the UTM and price fields are settings, saved with the dialog's Save. Their editors give
`setting_value()`, which the dialog's `changes()` reads instead of guessing from the widget.
"""

from __future__ import annotations

from typing import Any

from outpost.domain import costs
from outpost.domain.enums import Network
from outpost.domain.errors import KnownError, ValidationError
from outpost.domain.snippets import Snippet
from outpost.engine import Engine
from outpost.gui.qt import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
)
from outpost.gui.tasks import run_op
from outpost.gui.theme import follow_theme

SNIPPETS = "Snippets"
LINKS_AND_COSTS = "Links & costs"
SNIPPETS_INTRO = (
    "Reusable text: a signature, a hashtag group, a disclaimer. In the composer, type a snippet's "
    "trigger (like ;sig) and a space, or press Ctrl+Shift+Space to pick one. A network can have its "
    "own variant, e.g. a shorter hashtag group for X."
)
LINKS_INTRO = (
    "UTM tags tell your analytics where a visit came from. Outpost adds them only to the links you "
    "tick in the composer, only for the networks or accounts named here, and never to a link that "
    "already has utm_ parameters. It never shortens links. X charges your developer app for every "
    "post: the composer shows what a post will cost."
)
LABELS = {
    "utm_for": "Tag links for",
    "utm_medium": "Medium",
    "utm_campaign": "Campaign",
    "x_prices": "X's prices (USD)",
}
HELP = {
    "utm_medium": "What kind of traffic it is, as your analytics names it (usually social).",
    "utm_campaign": "The campaign's name in your analytics; empty leaves it out.",
    "utm_for": "Networks (mastodon, bluesky, x…) or accounts (mastodon:you@example.social), separated "
    "by commas. utm_source is the network's name. Empty: no tags.",
    "x_prices": f"Read on {costs.PRICES_READ} from {costs.PRICES_SOURCE}. Change them when X does.",
}


class UtmForEditor(QLineEdit):
    """The networks and accounts whose chosen links get tags, as one comma-separated line."""

    def __init__(self, value: list[str], parent: QWidget | None = None) -> None:
        super().__init__(", ".join(value), parent)
        self.setPlaceholderText("e.g. mastodon, bluesky, x:you")

    def setting_value(self) -> list[str]:
        """The list the `utm_for` setting takes."""
        return [item.strip() for item in self.text().replace(";", ",").split(",") if item.strip()]


class PricesEditor(QWidget):
    """X's prices, one line each, starting from the table; only changed prices are saved."""

    def __init__(self, value: dict[str, float], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        rows = QFormLayout(self)
        rows.setContentsMargins(0, 0, 0, 0)
        table = costs.prices(value)
        self.lines: dict[str, QLineEdit] = {}
        for key, name in costs.PRICE_NAMES.items():
            line = QLineEdit(f"{table[key]:g}")
            line.setObjectName(f"price:{key}")
            line.setMaximumWidth(120)
            rows.addRow(name[:1].upper() + name[1:], line)
            self.lines[key] = line

    def setting_value(self) -> dict[str, float]:
        """The prices that differ from Outpost's table (the `x_prices` setting).

        Raises:
            ValidationError: a price is not a number.
        """
        changed: dict[str, float] = {}
        for key, line in self.lines.items():
            try:
                price = float(line.text().strip().removeprefix("$"))
            except ValueError:
                raise ValidationError.single(
                    "x_prices", f"x_prices: {line.text()!r} is not a price; type a number like 0.015."
                ) from None
            if price != costs.X_PRICES[key]:
                changed[key] = price
        return changed


class PlainTextEditor(QLineEdit):
    """A text setting that may be empty (empty is "", not "unset")."""

    def setting_value(self) -> str:
        """The text, trimmed."""
        return self.text().strip()


#: The editors that say their own value (the dialog asks them for `setting_value()`).
EDITORS = (UtmForEditor, PricesEditor, PlainTextEditor)


def editor(name: str, value: Any) -> QWidget | None:
    """This module's editor for a setting, or None where the dialog's own will do."""
    if name in ("utm_medium", "utm_campaign"):
        return PlainTextEditor(str(value))
    if name == "utm_for":
        return UtmForEditor(list(value))
    if name == "x_prices":
        return PricesEditor(dict(value))
    return None


class MonthOnX(QLabel):
    """This month's total on X's developer app, counted from the posts Outpost published."""

    def __init__(self, engine: Engine, parent: QWidget | None = None) -> None:
        super().__init__("This month on X: counting…", parent)
        self.setObjectName("x_month")
        self.setWordWrap(True)
        run_op(engine.tools.x_month(), on_success=self._show, on_failure=lambda e: self.setText(str(e)))

    def _show(self, found: tuple[float, int]) -> None:
        total, count = found
        self.setText(
            f"<b>This month on X:</b> {costs.money(total)} for {count} post{'s' if count != 1 else ''} "
            f"published through your X developer app (at the prices above)."
        )


class SnippetsSection(QWidget):
    """The snippets: a list on the left, the chosen one's fields on the right; saved at once."""

    def __init__(self, engine: Engine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.snippets: list[Snippet] = []
        self.current: str | None = None
        self._said = ""  # said once the list is read again (choosing a row clears the message)
        self.variants: dict[str, str] = {}
        self.list = QListWidget()
        self.list.setObjectName("snippet_list")
        self.list.setMaximumWidth(200)
        self.list.currentRowChanged.connect(self._chosen)
        self.name = QLineEdit()
        self.name.setObjectName("snippet_name")
        self.name.setPlaceholderText("e.g. Signature")
        self.trigger = QLineEdit()
        self.trigger.setObjectName("snippet_trigger")
        self.trigger.setPlaceholderText(";sig")
        self.trigger.setMaximumWidth(140)
        self.text = QPlainTextEdit()
        self.text.setObjectName("snippet_text")
        self.text.setMaximumHeight(90)
        self.variant_network = QComboBox()
        self.variant_network.setObjectName("snippet_variant_network")
        for network in Network:
            self.variant_network.addItem(network.label, network.value)
        self._shown_variant = str(self.variant_network.currentData())
        self.variant_network.currentIndexChanged.connect(self._variant_network_changed)
        self.variant = QPlainTextEdit()
        self.variant.setObjectName("snippet_variant")
        self.variant.setPlaceholderText("Empty: this network gets the text above.")
        self.variant.setMaximumHeight(70)
        self.variant_list = QLabel()
        self.variant_list.setWordWrap(True)
        follow_theme(self.variant_list, lambda c: f"color: {c.muted}; font-size: small;")
        self.message = QLabel()
        self.message.setObjectName("snippet_message")
        self.message.setWordWrap(True)
        self.save_button = QPushButton("Save snippet")
        self.save_button.setObjectName("snippet_save")
        self.save_button.clicked.connect(self.save)
        new = QPushButton("New")
        new.clicked.connect(self.new)
        self.delete_button = QPushButton("Delete")
        self.delete_button.clicked.connect(self.delete)
        self._layout(new)
        self.reload()

    def _layout(self, new: QPushButton) -> None:
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Trigger", self.trigger)
        form.addRow("Text", self.text)
        variant_row = QHBoxLayout()
        variant_row.addWidget(QLabel("Variant for"))
        variant_row.addWidget(self.variant_network)
        variant_row.addStretch(1)
        form.addRow("", variant_row)
        form.addRow("", self.variant)
        form.addRow("", self.variant_list)
        buttons = QHBoxLayout()
        buttons.addWidget(new)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        right = QVBoxLayout()
        right.addLayout(form)
        right.addLayout(buttons)
        right.addWidget(self.message)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.list)
        row.addLayout(right, 1)

    def reload(self, select: str | None = None) -> None:
        """Read the snippets again (in the background) and show them."""
        run_op(
            self.engine.tools.snippets(),
            on_success=lambda found: self._show(found, select),
            on_failure=self._fail,
        )

    def _show(self, found: list[Snippet], select: str | None) -> None:
        self.snippets = found
        self.list.blockSignals(True)
        self.list.clear()
        for snippet in found:
            item = QListWidgetItem(f"{snippet.name}   {snippet.trigger}".rstrip())
            item.setData(Qt.ItemDataRole.UserRole, snippet.id)
            self.list.addItem(item)
        self.list.blockSignals(False)
        ids = [s.id for s in found]
        if select in ids:
            self.list.setCurrentRow(ids.index(select))
        elif found and self.current is None:
            self.list.setCurrentRow(0)
        elif not found:
            self.new()
        self.message.setText(self._said)
        self._said = ""

    def _chosen(self, row: int) -> None:
        if not 0 <= row < len(self.snippets):
            return
        snippet = self.snippets[row]
        self.current = snippet.id
        self.name.setText(snippet.name)
        self.trigger.setText(snippet.trigger)
        self.text.setPlainText(snippet.text)
        self.variants = dict(snippet.variants)
        self._show_variant()
        self.message.clear()

    def new(self) -> None:
        """Empty fields for a new snippet."""
        self.current = None
        self.list.clearSelection()
        for line in (self.name, self.trigger):
            line.clear()
        self.text.clear()
        self.variants = {}
        self._show_variant()
        self.name.setFocus()

    def _variant_network_changed(self) -> None:
        self._keep_variant()
        self._shown_variant = str(self.variant_network.currentData())
        self._show_variant()

    def _keep_variant(self) -> None:
        text = self.variant.toPlainText()
        if text.strip():
            self.variants[self._shown_variant] = text
        else:
            self.variants.pop(self._shown_variant, None)

    def _show_variant(self) -> None:
        self.variant.setPlainText(self.variants.get(str(self.variant_network.currentData()), ""))
        named = [Network(k).label for k in sorted(self.variants)]
        self.variant_list.setText(
            f"Own variants: {', '.join(named)}" if named else "No variants: every network gets the text."
        )

    def save(self) -> None:
        """Save the snippet in the fields (every problem said at once)."""
        self._keep_variant()
        run_op(
            self.engine.tools.save_snippet(
                name=self.name.text(),
                trigger=self.trigger.text(),
                text=self.text.toPlainText(),
                variants=self.variants,
                snippet_id=self.current,
            ),
            on_success=self._saved,
            on_failure=self._fail,
        )

    def _saved(self, snippet: Snippet) -> None:
        self.current = snippet.id
        self._said = f"Saved “{snippet.name}”."
        self.reload(select=snippet.id)

    def delete(self) -> None:
        """Forget the chosen snippet."""
        if self.current is None:
            return
        gone, self.current = self.current, None
        run_op(
            self.engine.tools.delete_snippet(gone), on_success=lambda _: self.reload(), on_failure=self._fail
        )

    def _fail(self, error: KnownError) -> None:
        self.message.setText(str(error))
