"""Adding an account: each network's own way (browser sign-in, token, or app password).

Without a keyring the dialog still opens: it says why no account can be added yet and shows the
commands that set one up on this computer, ready to copy (issue #17).
"""

from __future__ import annotations

from outpost.auth.providers import PROVIDERS
from outpost.auth.secrets import KeyringFix, this_computers_fixes
from outpost.domain.enums import Network
from outpost.engine import AddAccountRequest, DeveloperApp
from outpost.gui.dialogs.developer_app import DeveloperAppFields, setup_steps
from outpost.gui.qt import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFontDatabase,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPalette,
    QPushButton,
    QScrollArea,
    QShowEvent,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)

HELP = {
    Network.MASTODON: "Outpost opens your server's sign-in page in the browser. Or paste an access token "
    "from Preferences → Development → New application.",
    Network.BLUESKY: "Create an app password in Bluesky: Settings → Privacy and security → App passwords. "
    "Never use your main password.",
}
#: Networks that can have pages besides the member (the `target` field).
WITH_PAGES = {Network.LINKEDIN: "urn:li:organization:… (a page you administer; empty: yourself)"}


class CommandRow(QWidget):
    """One shell command, shown whole (wrapped, never cut) in a fixed-width font, with Copy.

    Attributes:
        command: the label showing it (plain text: selecting it copies exactly the command).
        copy: the button that puts it on the clipboard.
    """

    def __init__(self, command: str) -> None:
        super().__init__()
        self.command = QLabel(command)
        self.command.setObjectName("command")
        self.command.setTextFormat(Qt.TextFormat.PlainText)
        self.command.setWordWrap(True)
        self.command.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.command.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.command.setFrameShape(QFrame.Shape.StyledPanel)
        self.command.setMargin(4)
        self.command.setAutoFillBackground(True)  # the theme's own colours: follows a live switch
        self.command.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        self.copy = QPushButton("Copy")
        self.copy.setObjectName("copy")
        self.copy.setAutoDefault(False)  # Enter in the dialog adds the account, never copies
        self.copy.setToolTip("Copy the command, to paste it in a terminal")
        self.copy.clicked.connect(self._copy)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.command, 1)
        row.addWidget(self.copy, 0, Qt.AlignmentFlag.AlignTop)

    def _copy(self) -> None:
        QApplication.clipboard().setText(self.command.text())
        self.copy.setText("Copied")


class KeyringHelp(QFrame):
    """Why no account can be added yet (no keyring), and how to get one: this computer's way first.

    Signals:
        did_resize(): another system's fix was shown or hidden.

    Attributes:
        commands: every command row, this computer's and the other systems' (one shown at a time).
        others: the other systems' fixes, in `other_systems` order; only the chosen one shows.
    """

    did_resize = Signal()

    def __init__(self, here: tuple[KeyringFix, ...], elsewhere: tuple[KeyringFix, ...]) -> None:
        super().__init__()
        self.setObjectName("keyring_help")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.commands: list[CommandRow] = []
        heading = QLabel("<b>This computer has no keyring</b>")
        intro = QLabel(
            "Outpost keeps passwords and tokens only in your system's keyring, never in a file of "
            "its own, and none is running here. Set one up, then add the account:"
            if here or elsewhere
            else "Outpost keeps account passwords and tokens only in your system's keyring, and it "
            "did not answer. Restart your computer, then add the account."
        )
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        for fix in here or elsewhere:
            layout.addWidget(self._fix(fix))
        self.others: list[QWidget] = []  # one other system's fix at a time: the dialog stays on screen
        if here and elsewhere:
            self.other_systems = QComboBox()
            self.other_systems.setObjectName("other_systems")
            self.other_systems.addItem("Another system…")
            layout.addWidget(self.other_systems, 0, Qt.AlignmentFlag.AlignLeft)
            for fix in elsewhere:
                self.other_systems.addItem(fix.system)
                shown = self._fix(fix)
                shown.setVisible(False)
                self.others.append(shown)
                layout.addWidget(shown)
            self.other_systems.currentIndexChanged.connect(self._other_chosen)

    def _other_chosen(self, index: int) -> None:
        for number, fix in enumerate(self.others, start=1):
            fix.setVisible(number == index)
        self.did_resize.emit()

    def _fix(self, fix: KeyringFix) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 4, 0, 0)
        system = QLabel(f"<b>{fix.system}</b>")
        system.setWordWrap(True)
        column.addWidget(system)
        for command in fix.commands:
            row = CommandRow(command)
            self.commands.append(row)
            column.addWidget(row)
        if fix.then:
            then = QLabel(fix.then)
            then.setWordWrap(True)
            column.addWidget(then)
        return box


class AddAccountDialog(QDialog):
    """Choose a network and give what it needs; `result_request()` says what to do.

    For Mastodon without a token the app runs the browser sign-in; otherwise it verifies the
    token or app password with the network before saving anything. Without a keyring
    (`keyring_missing`) it shows how to get one (`keyring_help`) and cannot be accepted.
    """

    def __init__(
        self,
        networks: list[Network],
        parent: QWidget | None = None,
        *,
        apps: dict[Network, DeveloperApp] | None = None,
        keyring_missing: bool = False,
    ) -> None:
        """`apps`: the developer apps already in the keyring, to fill in their fields."""
        super().__init__(parent)
        self.keyring_missing = keyring_missing
        self.keyring_help: KeyringHelp | None = None
        self._apps = apps or {}
        self.setWindowTitle("Add account")
        self.network = QComboBox()
        for network in Network:
            self.network.addItem(
                network.label if network in networks else f"{network.label} (not available yet)",
                network.value,
            )
            if network not in networks:
                index = self.network.count() - 1
                self.network.model().item(index).setEnabled(False)  # type: ignore[attr-defined]
        self.server = QLineEdit()
        self.server.setObjectName("server")
        self.handle = QLineEdit()
        self.handle.setObjectName("handle")
        self.secret = QLineEdit()
        self.secret.setObjectName("secret")
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.app = DeveloperAppFields.build(steps_width=460)
        self.client_id, self.client_secret, self.port, self.pkce = (
            self.app.client_id,
            self.app.client_secret,
            self.app.port,
            self.app.pkce,
        )
        self.target = QLineEdit()
        self.target.setObjectName("target")
        self.help = self.app.steps  # a developer app's steps, or how to get a token / app password
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.form = QFormLayout(self)
        if keyring_missing:
            self.keyring_help = KeyringHelp(*this_computers_fixes())
            self._help_area = QScrollArea()  # a long fix scrolls: the form stays on screen
            self._help_area.setObjectName("keyring_help_area")
            self._help_area.setWidgetResizable(True)
            self._help_area.setFrameShape(QFrame.Shape.NoFrame)
            self._help_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            self._help_area.setWidget(self.keyring_help)
            self.keyring_help.did_resize.connect(self._fit_keyring_help)
            self.form.addRow(self._help_area)
        self.form.addRow("Network", self.network)
        self.form.addRow("Server", self.server)
        self.form.addRow("Handle", self.handle)
        self.form.addRow("Token or app password", self.secret)
        self.form.addRow(self.help)
        self.app.add_rows(self.form)
        self.form.addRow("Page", self.target)
        self.form.addRow(self.buttons)
        self.network.currentIndexChanged.connect(self._network_changed)
        self.port.valueChanged.connect(self._network_changed)
        self._network_changed()

    def showEvent(self, event: QShowEvent) -> None:
        """Size the keyring advice once the dialog knows its width."""
        super().showEvent(event)
        if self.keyring_help is not None:
            self._fit_keyring_help()

    def _fit_keyring_help(self) -> None:
        """As tall as the advice, up to 60 % of the screen (then it scrolls)."""
        if self.keyring_help is None:
            return
        screen = self.screen().availableGeometry().height()
        for _ in range(2):  # the width settles once the dialog has its size: measure again then
            width = self._help_area.viewport().width() or self.keyring_help.sizeHint().width()
            wanted = self.keyring_help.heightForWidth(width)
            self._help_area.setMinimumHeight(min(max(wanted, 0), screen * 6 // 10))
            self._fit_size()

    def _fit_size(self) -> None:
        """`adjustSize`, but as tall as the rows need: it alone stops at 2/3 of the screen."""
        self.adjustSize()
        screen = self.screen().availableGeometry().height()
        self.resize(self.width(), min(max(self.height(), self.sizeHint().height()), screen))

    @property
    def chosen(self) -> Network:
        """The network picked."""
        return Network(self.network.currentData())

    def _network_changed(self, *_: object) -> None:
        network = self.chosen
        mastodon = network is Network.MASTODON
        provider = PROVIDERS.get(network)
        self.app.show_rows(self.form, provider)
        self.form.setRowVisible(self.target, network in WITH_PAGES)
        self.form.setRowVisible(self.secret, provider is None)
        self.form.setRowVisible(self.server, network in (Network.MASTODON, Network.BLUESKY))
        self.form.setRowVisible(self.handle, network is Network.BLUESKY)
        self.server.setPlaceholderText(
            "https://mastodon.social" if mastodon else "https://bsky.social (default)"
        )
        self.secret.setPlaceholderText(
            "leave empty to sign in with the browser" if mastodon else "xxxx-xxxx-xxxx-xxxx"
        )
        if provider is not None:
            stored = self._apps.get(network)
            if stored is not None and not self.client_id.text():
                self.client_id.setText(stored.client_id)
                self.port.setValue(stored.redirect_port)
                self.pkce.setChecked(stored.pkce)
                self.app.redirect_url.setText(stored.redirect_url)
            self.client_secret.setPlaceholderText(
                "kept in the keyring"
                if stored and stored.client_secret
                else "required"
                if provider.client_secret_required
                else "none for a Native App"
            )
            self.target.setPlaceholderText(WITH_PAGES.get(network, ""))
            self.help.setText(setup_steps(provider, self.port.value()))
        else:
            self.help.setText(HELP.get(network, ""))
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        browser = provider is not None or (mastodon and not self.secret.text())
        ok.setText("Sign in with browser" if browser else "Add")
        self.secret.textChanged.connect(
            lambda _: ok.setText("Add" if self.secret.text() or not mastodon else "Sign in with browser")
        )
        if self.keyring_missing:  # nothing could be saved: the help above says what to do first
            ok.setEnabled(False)
            ok.setToolTip("Set up a keyring first (see above), then start Outpost again.")
        self._fit_size()

    def result_request(self) -> tuple[Network, AddAccountRequest | None]:
        """What to do: a request to verify, or one without a token for the browser sign-in.

        For networks with a developer app the request carries the app's fields (`app`, None when
        the keyring already has it and nothing was typed) and the page (`target_id`).
        """
        network = self.chosen
        if network in PROVIDERS:
            client_id = self.client_id.text().strip()
            stored = self._apps.get(network)
            app = None
            if client_id:
                secret = self.client_secret.text().strip()
                if not secret and stored is not None and stored.client_id == client_id:
                    secret = stored.client_secret
                app = DeveloperApp(
                    client_id,
                    secret,
                    self.port.value(),
                    self.pkce.isChecked(),
                    self.app.redirect_url.text().strip(),
                )
            return network, AddAccountRequest(target_id=self.target.text().strip() or None, app=app)
        server = self.server.text().strip() or None
        secret = self.secret.text().strip()
        if network is Network.MASTODON:
            if not secret:
                return network, AddAccountRequest(service_url=server)
            return network, AddAccountRequest(service_url=server, access_token=secret)
        return network, AddAccountRequest(
            service_url=server, handle=self.handle.text().strip(), app_password=secret
        )
