"""Settings → Media host: the bucket Instagram and Threads fetch media from, with Save, Test, Remove.

The same as `outpost media-host set|test|remove` (INTERFACE.md), through `engine.media_host`. The
secret access key goes to the keyring and is never shown back: its field stays empty and says
whether the keyring holds one. Test and Save run through `run_op` (the window never waits on the
network) and the outcome is said under the buttons in plain words.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from outpost.domain.errors import KnownError, Problem, ValidationError
from outpost.engine import BucketSettings, Engine, MediaHostCheck
from outpost.gui.qt import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QShowEvent,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
    is_alive,
)
from outpost.gui.tasks import run_op
from outpost.gui.theme import Colours, colours, follow_theme

INTRO = (
    "Threads and Instagram fetch images and videos from a public web address instead of receiving "
    "them. Outpost puts each file in a bucket of yours (AWS S3, Cloudflare R2, Backblaze B2, MinIO) "
    "under a random name, gives the network an address that expires within the hour, and deletes "
    "the file once the network has it."
)
#: How each field is named in the window (the engine's problems name them by key).
LABELS = {
    "endpoint": "Endpoint",
    "bucket": "Bucket",
    "region": "Region",
    "access_key_id": "Access key id",
    "secret_access_key": "Secret access key",
    "public_base_url": "Public base URL",
}
FIELD_WIDTH = 340
SECRET_KEPT = "kept in your keyring; type a new one to replace it"
SECRET_NEEDED = "the key's secret; it goes to your keyring"
T = TypeVar("T")


class MediaHostSection(QWidget):
    """The media host's fields, Save / Test / Remove, and what the last of them came to.

    Signals:
        host_did_change(): the host was saved or removed.
    """

    host_did_change = Signal()

    def __init__(self, engine: Engine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("media_host")
        self.engine = engine
        self._kind = "ok"
        self._present = False

        self.endpoint = self._line("endpoint", "https://s3.eu-west-1.amazonaws.com")
        self.bucket = self._line("bucket", "my-outpost-media")
        self.region = self._line("region", "us-east-1 (Cloudflare R2: auto)")
        self.access_key_id = self._line("access_key_id", "AKIA…")
        self.secret = self._line("secret_access_key", SECRET_NEEDED)
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.path_style = QCheckBox("Path-style addresses (MinIO, most self-hosted servers)")
        self.path_style.setObjectName("path_style")
        self.public_base_url = self._line("public_base_url", "optional: https://media.example.com")
        self.save_button = self._button("Save media host", "media_host_save", self.save)
        self.test_button = self._button("Test", "media_host_test", self.test)
        self.remove_button = self._button("Remove", "media_host_remove", self.remove)
        self.result = QLabel()
        self.result.setObjectName("media_host_result")
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        follow_theme(self.result, self._result_style)
        self._layout()
        self._set_present(False)
        self._loaded = False

    def showEvent(self, event: QShowEvent) -> None:
        """Read what is set when the page is first shown (opening Settings never waits on the keyring)."""
        super().showEvent(event)
        if not self._loaded:
            self._loaded = True
            self.load()

    def _line(self, name: str, placeholder: str) -> QLineEdit:
        line = QLineEdit()
        line.setObjectName(name)
        line.setPlaceholderText(placeholder)
        line.setMinimumWidth(FIELD_WIDTH)
        line.setMaximumWidth(FIELD_WIDTH + 120)
        return line

    def _button(self, text: str, name: str, slot: object) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.clicked.connect(slot)
        return button

    def _layout(self) -> None:
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        for name, line in (
            ("endpoint", self.endpoint),
            ("bucket", self.bucket),
            ("region", self.region),
            ("access_key_id", self.access_key_id),
            ("secret_access_key", self.secret),
        ):
            form.addRow(LABELS[name], line)
        form.addRow("", self.path_style)
        form.addRow(LABELS["public_base_url"], self.public_base_url)
        note = QLabel(
            "Only for a bucket whose files are public at that address (a CDN, R2's public bucket "
            "address); otherwise networks get a presigned address."
        )
        note.setWordWrap(True)
        note.setFixedWidth(FIELD_WIDTH + 60)
        follow_theme(note, lambda c: f"color: {c.muted}; font-size: small;")
        form.addRow("", note)
        buttons = QHBoxLayout()
        for button in (self.save_button, self.test_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(form)
        column.addSpacing(6)
        column.addLayout(buttons)
        column.addWidget(self.result)

    def _run(
        self,
        coro: Coroutine[Any, Any, T],
        on_success: Callable[[T], None],
        on_failure: Callable[[KnownError], None] | None = None,
    ) -> None:
        """`run_op`, with the outcome dropped if the dialog closed meanwhile (the work still finishes)."""
        run_op(
            coro,
            on_success=lambda result: on_success(result) if is_alive(self.result) else None,
            on_failure=lambda error: (on_failure or self._failed)(error) if is_alive(self.result) else None,
        )

    # -- showing what is set ----------------------------------------------------------------------

    def load(self) -> None:
        """Fill the fields with the host that is set (the secret only as "kept")."""
        self._run(self._current(), self._fill, lambda e: self.say("error", e.text()))

    async def _current(self) -> tuple[BucketSettings | None, bool]:
        return await self.engine.media_host.show(), await self.engine.media_host.has_secret()

    def _fill(self, current: tuple[BucketSettings | None, bool]) -> None:
        settings, has_secret = current
        if settings is not None:
            self.endpoint.setText(settings.endpoint)
            self.bucket.setText(settings.bucket)
            self.region.setText(settings.region)
            self.access_key_id.setText(settings.access_key_id)
            self.path_style.setChecked(settings.path_style)
            self.public_base_url.setText(settings.public_base_url or "")
        self.secret.clear()
        self.secret.setPlaceholderText(SECRET_KEPT if has_secret else SECRET_NEEDED)
        self._set_present(settings is not None)

    def _set_present(self, present: bool) -> None:
        """Test and Remove only when a host is set."""
        self._present = present
        self.test_button.setEnabled(present)
        self.remove_button.setEnabled(present)

    # -- Save, Test, Remove -----------------------------------------------------------------------

    def save(self) -> None:
        """Check the fields, keep them (the secret in the keyring), and use this host from now on."""
        try:
            settings = BucketSettings.checked(
                endpoint=self.endpoint.text(),
                bucket=self.bucket.text(),
                region=self.region.text(),
                access_key_id=self.access_key_id.text(),
                path_style=self.path_style.isChecked(),
                public_base_url=self.public_base_url.text(),
            )
        except ValidationError as error:
            self._refused(error)
            return
        self._busy("Saving…")
        self._run(self.engine.media_host.set(settings, self.secret.text() or None), lambda _: self._saved())

    def _saved(self) -> None:
        self._done(present=True)
        self.say(
            "ok", "Saved: the secret is in your keyring. Press Test to check that networks can fetch from it."
        )
        self.host_did_change.emit()
        self.load()

    def test(self) -> None:
        """Upload a small file, fetch it as a network would, delete it; say how that went."""
        self._busy("Testing: uploading a small file, fetching it back, deleting it…")
        self._run(self.engine.media_host.test(), self._tested)

    def _tested(self, check: MediaHostCheck) -> None:
        self._done(present=True)
        minutes = check.expires_in_s // 60
        self.say(
            "ok",
            f"It works: Outpost uploaded a test file to {check.bucket}, fetched it back through the kind "
            f"of address networks get (valid {minutes} minutes) and deleted it.",
        )

    def remove(self) -> None:
        """Forget the host and its secret (the bucket itself is left as it is)."""
        self._busy("Removing…")
        self._run(self.engine.media_host.remove(), lambda _: self._removed())

    def _removed(self) -> None:
        self._done(present=False)
        for line in (self.endpoint, self.bucket, self.region, self.access_key_id, self.public_base_url):
            line.clear()
        self.path_style.setChecked(False)
        self.say("ok", "Removed. Instagram and Threads cannot publish media until a media host is set again.")
        self.host_did_change.emit()
        self.load()

    # -- saying things ----------------------------------------------------------------------------

    def _busy(self, text: str) -> None:
        for button in (self.save_button, self.test_button, self.remove_button):
            button.setEnabled(False)
        self.say("busy", text)

    def _done(self, *, present: bool) -> None:
        self.save_button.setEnabled(True)
        self._set_present(present)

    def _failed(self, error: KnownError) -> None:
        self._done(present=self._present)
        if isinstance(error, ValidationError):
            self._refused(error)
        else:
            self.say("error", error.text())

    def _refused(self, error: ValidationError) -> None:
        self.say("error", "\n".join(field_text(p) for p in error.problems))
        first = error.problems[0].field
        widget = self.findChild(QLineEdit, first)
        if widget is not None:
            widget.setFocus()

    def say(self, kind: str, text: str) -> None:
        """Show `text` under the buttons: `ok` (green), `error` (red) or `busy` (muted)."""
        self._kind = kind
        self.result.setStyleSheet(self._result_style(colours()))
        self.result.setText(text)

    def _result_style(self, c: Colours) -> str:
        colour = {"ok": c.good, "error": c.bad}.get(self._kind, c.muted)
        return f"color: {colour};"


def field_text(problem: Problem) -> str:
    """A problem as the window names its field: "Bucket: 'No_Such' is not a bucket name…"."""
    message = problem.message.removeprefix(f"{problem.field}: ")
    message = message.replace(" (--path-style, or the tick in Settings)", " (tick “Path-style addresses”)")
    label = LABELS.get(problem.field)
    return f"{label}: {message}" if label else message
