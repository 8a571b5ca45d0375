"""`engine.accounts`: connected accounts, the creator's developer apps, and their health.

Adding an account verifies the credentials with the network first; the secret goes to the
keyring before the account row is written, so a keyring failure leaves nothing half-saved.
"""

from __future__ import annotations

import asyncio
import builtins
import dataclasses
import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from outpost.adapters.base import AddAccountRequest, DeveloperApp, VerifiedAccount
from outpost.auth.oauth import AskPasted, OpenUrl, open_in_browser
from outpost.auth.providers import DEFAULT_PORT, PROVIDERS, Redirect
from outpost.auth.secrets import sandbox_ref
from outpost.domain.accounts import AccountTarget, is_sandbox
from outpost.domain.capabilities import Capabilities
from outpost.domain.enums import Network
from outpost.domain.errors import (
    AuthExpired,
    InvalidStateError,
    KnownError,
    RateLimited,
    Rejected,
    ValidationError,
)
from outpost.domain.ids import new_id
from outpost.domain.models import Account, HealthReport
from outpost.engine.core import EngineCore
from outpost.engine.events import AccountDidChange, AccountHealthDidChange
from outpost.private_files import write_private

log = logging.getLogger("outpost.engine.accounts")

AVATAR_BYTES = 2_000_000  # a profile picture larger than this is not one
_AVATAR_TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "image/gif": ".gif"}


@dataclass(frozen=True)
class Removal:
    """A removed account, and one sentence on Outpost's access at the network (revoked or what to do)."""

    account: Account
    network_access: str


class AccountsService:
    """Accounts: list, add (credentials or browser sign-in), reconnect, check, remove; developer apps."""

    def __init__(self, core: EngineCore) -> None:
        self._core = core
        self._avatars: dict[str, asyncio.Task[Path | None]] = {}  # fetches under way, by address

    @property
    def networks(self) -> list[Network]:
        """The networks this version can talk to."""
        return self._core.connections.registry.networks

    async def list(self) -> list[Account]:
        """Connected accounts."""
        return await self._core.db.run(self._core.store.accounts.all)

    async def get(self, ref: str) -> Account:
        """The connected account named by id or `network:handle`."""
        return await self._core.db.run(self._core.store.accounts.find, ref)

    async def capabilities(self, account: Account) -> Capabilities:
        """The rules posts to `account` must follow (for live counters and checks)."""
        connections = self._core.connections
        return await connections.adapter(account.network).capabilities(connections.context(account))

    # -- developer apps ----------------------------------------------------------------------------

    async def set_app(
        self,
        network: Network,
        client_id: str,
        client_secret: str = "",
        redirect_port: int = DEFAULT_PORT,
        *,
        pkce: bool = False,
        redirect_url: str = "",
    ) -> None:
        """Keep the client id (and secret) of the person's own developer app, in the keyring only.

        `redirect_port` is the port of the redirect URI registered with the app
        (`http://127.0.0.1:PORT/callback`), which X and LinkedIn match exactly; `pkce` says the
        network enabled PKCE for the app where that is optional (LinkedIn); `redirect_url` is
        the https address registered with the app where the network refuses loopback redirects
        (Threads, Instagram, Facebook: the person pastes back the address the browser ends on).
        """
        if not client_id.strip():
            raise ValidationError.single(
                "client_id", f"client_id: give the client id of your {network.label} app."
            )
        if not 1024 <= redirect_port <= 65535:
            raise ValidationError.single(
                "redirect_port",
                f"redirect_port: {redirect_port} is not a port Outpost can listen on (1024-65535).",
            )
        redirect_url = redirect_url.strip()
        if redirect_url and not (urlsplit(redirect_url).scheme == "https" and urlsplit(redirect_url).netloc):
            raise ValidationError.single(
                "redirect_url",
                f"redirect_url: {redirect_url!r} is not an https address; give the redirect URL "
                f"registered with your {network.label} app exactly (e.g. https://example.com/outpost).",
            )
        await self._core.secrets.write(
            _app_ref(network),
            {
                "client_id": client_id.strip(),
                "client_secret": client_secret.strip(),
                "redirect_port": str(redirect_port),
                "pkce": "1" if pkce else "0",
                "redirect_url": redirect_url,
            },
        )

    async def app(self, network: Network) -> DeveloperApp | None:
        """The developer app kept for `network`, if any (its secret stays in the keyring)."""
        stored = await self._core.secrets.read(_app_ref(network))
        return DeveloperApp.from_secret(stored) if stored and stored.get("client_id") else None

    async def apps(self) -> dict[Network, DeveloperApp]:
        """Every developer app kept, by network, also those for networks not available yet."""
        found = {network: await self.app(network) for network in Network}
        return {network: app for network, app in found.items() if app is not None}

    async def remove_app(self, network: Network) -> bool:
        """Forget the developer app kept for `network`; False if there was none."""
        if await self.app(network) is None:
            return False
        await self._core.secrets.delete(_app_ref(network))
        return True

    # -- connecting --------------------------------------------------------------------------------

    async def add(self, network: Network, request: AddAccountRequest, *, sandbox: bool = False) -> Account:
        """Verify credentials with the network, keep the secret in the keyring, save the account.

        `sandbox` adds an account on the simulated network (`outpost.sandbox`): its made-up
        credentials stay out of the keyring and no developer app is looked up for it, so the
        sandbox works on a computer without a keyring (issue #17).

        Raises:
            NetworkNotAvailableError: no adapter for `network`.
            ValidationError: the network refused the credentials (with its reason).
            SecretStoreError: no usable keyring; nothing was saved.
            InvalidStateError: `sandbox`, but the account is not on the simulated network.
        """
        adapter = self._core.connections.adapter(network)
        if request.app is None and not sandbox:
            request = dataclasses.replace(request, app=await self.app(network))
        try:
            verified = await adapter.add_account(request)
        except (Rejected, AuthExpired) as exc:
            raise ValidationError.single(
                "credentials", f"{network.label} refused the credentials: {exc}", network=network.value
            ) from None
        return await self._save(network, verified, sandbox=sandbox)

    async def connect(
        self,
        network: Network,
        *,
        instance: str | None = None,
        target: str | None = None,
        open_url: OpenUrl = open_in_browser,
        ask_pasted: AskPasted | None = None,
    ) -> Account:
        """Connect an account through the network's sign-in page in the browser.

        `ask_pasted` asks the person for the address the browser ended on, for networks whose
        sign-in cannot come back to Outpost by itself (Threads: https redirects only).

        Raises:
            NetworkNotAvailableError: no adapter for `network`.
            InvalidStateError: the network has no browser sign-in here (use `add`).
            AuthorizationError: the sign-in was refused, timed out or did not match.
        """
        adapter = self._core.connections.adapter(network)
        app = await self.app(network)
        verified = await adapter.connect(
            service_url=instance,
            open_url=open_url,
            app=app,
            target_id=target,
            **_pasting(network, ask_pasted),
        )
        return await self._save(network, verified)

    async def reconnect(
        self,
        ref: str,
        request: AddAccountRequest | None = None,
        *,
        open_url: OpenUrl = open_in_browser,
        ask_pasted: AskPasted | None = None,
    ) -> Account:
        """New credentials for an existing account (browser sign-in when `request` is None).

        The account keeps its id and history; the new secret replaces the old one in the keyring.

        Raises:
            ValidationError: the network refused, or the sign-in was for a different account.
        """
        account = await self.get(ref)
        adapter = self._core.connections.adapter(account.network)
        try:
            app = await self.app(account.network)
            if request is None:
                verified = await adapter.connect(
                    service_url=account.service_url,
                    open_url=open_url,
                    app=app,
                    target_id=account.target_id,
                    **_pasting(account.network, ask_pasted),
                )
            else:
                verified = await adapter.add_account(
                    request if request.app else dataclasses.replace(request, app=app)
                )
        except (Rejected, AuthExpired) as exc:
            raise ValidationError.single(
                "credentials", f"{account.network.label} refused the credentials: {exc}"
            ) from None
        if verified.handle.lower() != account.handle.lower():
            raise ValidationError.single(
                "credentials",
                f"That signed in as {verified.handle}, not {account.handle}. Sign in as {account.handle}, "
                f"or add {verified.handle} as another account.",
            )
        await self._core.secrets.write(
            account.secret_ref, await self._keeping_refresh_token(account, verified)
        )
        if verified.avatar_url and verified.avatar_url != account.avatar_url:
            await self._core.db.run(self._core.store.accounts.set_avatar_url, account.id, verified.avatar_url)
        return await self._set_health(account.id, verified.health)

    async def _keeping_refresh_token(self, account: Account, verified: VerifiedAccount) -> dict[str, str]:
        """The new credentials, with the stored refresh token kept if the network sent none this time.

        Google sends a refresh token only on the first consent unless asked again; a reconnect
        that dropped the one Outpost holds would leave the account to die within the hour. It is
        kept only for the same developer app (a refresh token belongs to the client it was made for).
        """
        fresh = dict(verified.credentials)
        if fresh.get("refresh_token"):
            return fresh
        stored = await self._core.secrets.read(account.secret_ref) or {}
        if stored.get("refresh_token") and stored.get("client_id") == fresh.get("client_id"):
            fresh["refresh_token"] = stored["refresh_token"]
            if stored.get("refresh_expires_at"):
                fresh["refresh_expires_at"] = stored["refresh_expires_at"]
        return fresh

    async def _save(self, network: Network, verified: VerifiedAccount, *, sandbox: bool = False) -> Account:
        """Keyring first, then the database: a keyring failure leaves nothing half-saved."""
        account_id = new_id("acc")
        ref = f"{network.value}/{account_id}"
        account = Account(
            id=account_id,
            network=network,
            handle=verified.handle,
            display_name=verified.display_name,
            service_url=verified.service_url,
            target_id=verified.target_id,
            secret_ref=sandbox_ref(ref) if sandbox else ref,
            created_at=self._core.clock.now(),
            health=verified.health,
            avatar_url=verified.avatar_url,
        )
        if sandbox and not is_sandbox(account):
            raise InvalidStateError(f"{account.ref} is not on the sandbox network; it was not added.")
        await self._core.secrets.write(account.secret_ref, verified.credentials)
        try:
            await self._core.db.run(self._core.store.accounts.insert, account)
        except BaseException:
            await self._core.secrets.delete(account.secret_ref)
            raise
        self._core.events.emit(AccountDidChange(account))
        return account

    # -- pictures ----------------------------------------------------------------------------------

    async def avatar(self, account: Account) -> Path | None:
        """The account's picture, fetched from the network once and kept in the data folder.

        The file is named after the picture's address, so a new picture (networks give it a new
        address) is fetched again and an unchanged one never is. Only the owner can read it
        (0600). None when the network gave no picture or it cannot be fetched now (the card then
        shows the account's first letter; the next refresh tries again).
        """
        url = account.avatar_url
        if not url or urlsplit(url).scheme not in ("http", "https"):
            return None
        if url not in self._avatars:  # two cards asking at once share one fetch
            self._avatars[url] = asyncio.ensure_future(self._fetch_avatar(account, url))
        task = self._avatars[url]
        try:
            return await asyncio.shield(task)
        finally:
            if task.done():
                self._avatars.pop(url, None)

    async def _fetch_avatar(self, account: Account, url: str) -> Path | None:
        folder = self._core.data_dir / "cache" / "avatars"
        name = hashlib.sha256(url.encode()).hexdigest()
        found = await asyncio.to_thread(_cached, folder, name)
        if found is not None:
            return found
        try:
            kind, data = await self._download(url)
        except httpx.HTTPError as exc:
            log.info("the picture of %s could not be fetched: %s", account.ref, exc)
            return None
        if kind not in _AVATAR_TYPES or data is None:
            log.info("the picture of %s is not one Outpost shows (%s)", account.ref, kind or "no type")
            return None
        path = folder / f"{name}{_AVATAR_TYPES[kind]}"
        await asyncio.to_thread(write_private, path, data)
        return path

    async def _download(self, url: str) -> tuple[str, bytes | None]:
        """The picture's type and bytes (None when the answer is an error or too large)."""
        async with self._core.connections.client.stream("GET", url, follow_redirects=True) as response:
            kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if not response.is_success:
                return kind, None
            data = b""
            async for chunk in response.aiter_bytes():
                data += chunk
                if len(data) > AVATAR_BYTES:
                    return kind, None
            return kind, data

    # -- health and removal ------------------------------------------------------------------------

    async def targets(self, ref: str) -> builtins.list[AccountTarget]:
        """What the account can publish to (Pages, organizations, channels, boards), from its network."""
        account = await self.get(ref)
        connections = self._core.connections
        return await connections.adapter(account.network).list_targets(connections.context(account))

    async def check(self, ref: str | None = None) -> builtins.list[Account]:
        """Ask each network (or the one account named) whether the connection works."""
        accounts = [await self.get(ref)] if ref else await self.list()
        return [await self._set_health(account.id, await self._check(account)) for account in accounts]

    async def _set_health(self, account_id: str, health: HealthReport) -> Account:
        """Store an account's health, tell the window, return the account as it is now."""
        await self._core.db.run(self._core.store.accounts.set_health, account_id, health)
        updated = await self._core.db.run(self._core.store.accounts.get, account_id)
        self._core.events.emit(AccountHealthDidChange(updated))
        return updated

    async def _check(self, account: Account) -> HealthReport:
        now = self._core.clock.now()
        previous = account.health
        connections = self._core.connections
        try:
            adapter = connections.adapter(account.network)
            report = await adapter.verify_credentials(connections.context(account))
        except AuthExpired as exc:
            return HealthReport.summarise(token_is_valid=False, checked_at=now, message=str(exc))
        except RateLimited as exc:
            return HealthReport.summarise(
                rate_limited=True, rate_limit_reset_at=exc.retry_at, checked_at=now, message=str(exc)
            )
        except KnownError as exc:
            return previous.model_copy(update={"checked_at": now, "message": str(exc)})
        return report.model_copy(
            update={
                "checked_at": report.checked_at or now,
                "followers": await self._followers(account, previous),
                "granted_permissions": report.granted_permissions or await self._granted(account),
            }
        )

    async def _followers(self, account: Account, previous: HealthReport) -> int | None:
        """The follower count, where the network says; the last one known if it cannot say now.

        Not where each read costs the creator money (X): the stats collector reads those, if allowed.
        """
        connections = self._core.connections
        adapter = connections.adapter(account.network)
        if adapter.metrics_cost is not None or is_sandbox(account):  # sandbox: nothing leaves the machine
            return previous.followers
        try:
            found = await adapter.follower_count(connections.context(account))
        except KnownError:
            return previous.followers
        return previous.followers if found is None else found

    async def _granted(self, account: Account) -> tuple[str, ...]:
        """The permissions the sign-in holds, from the token's `scope` where the network sent one."""
        stored = await self._core.secrets.read(account.secret_ref) or {}
        return tuple(sorted(set(stored.get("scope", "").replace(",", " ").split())))

    async def add_target(self, ref: str, target_id: str) -> Account:
        """Add what an account can also publish to (a Page, an organization, a channel) as its own account.

        The person picks from `targets(ref)` instead of typing an id; the new account uses the same
        sign-in (its credentials are copied to its own keyring entry) and is verified with the
        network like any other.

        Raises:
            ValidationError: `target_id` is not among the account's targets, or the network refused.
        """
        account = await self.get(ref)
        found = {t.id: t for t in await self.targets(ref)}
        if target_id not in found:
            names = ", ".join(f"{t.name} ({t.id})" for t in found.values()) or "none"
            raise ValidationError.single(
                "target",
                f"target: {account.ref} cannot publish to {target_id!r}; it can publish to: {names}.",
                network=account.network.value,
            )
        stored = await self._core.secrets.read(account.secret_ref) or {}
        request = AddAccountRequest(
            service_url=account.service_url,
            handle=account.handle,
            access_token=stored.get("access_token"),
            refresh_token=stored.get("refresh_token"),
            target_id=target_id,
            app=await self.app(account.network),
        )
        adapter = self._core.connections.adapter(account.network)
        try:
            verified = await adapter.add_account(request)
        except (Rejected, AuthExpired) as exc:
            raise ValidationError.single(
                "target",
                f"{account.network.label} refused {found[target_id].name}: {exc}",
                network=account.network.value,
            ) from None
        kept = {**stored, **verified.credentials}  # the sign-in's refresh token and app stay with it
        return await self._save(account.network, dataclasses.replace(verified, credentials=kept))

    async def remove(self, ref: str) -> Removal:
        """Revoke Outpost's access at the network, stop using the account and delete its secrets.

        Its posts keep their history. The account is removed even when the network cannot be
        reached (the person asked for it); `Removal.network_access` says what is left to do there.
        """
        account = await self.get(ref)
        connections = self._core.connections
        try:
            adapter = connections.adapter(account.network)
            network_access = await adapter.revoke(connections.context(account))
        except KnownError as exc:
            network_access = (
                f"Outpost could not revoke its access at {account.network.label} ({exc}); remove it "
                f"in the account's settings there."
            )
            log.warning("revoking access for %s failed: %s", account.ref, exc)
        await self._core.db.run(self._core.store.accounts.mark_removed, account.id, self._core.clock.now())
        await self._core.secrets.delete(account.secret_ref)
        removed = await self._core.db.run(self._core.store.accounts.get, account.id)
        self._core.events.emit(AccountDidChange(removed))
        return Removal(removed, network_access)


def _pasting(network: Network, ask_pasted: AskPasted | None) -> dict[str, AskPasted]:
    """`ask_pasted` for the networks whose sign-in ends on a pasted https address, else nothing.

    Only those adapters take it (`Redirect.HTTPS_PASTE` in auth/providers.py); the others keep
    the plain `connect` signature.
    """
    provider = PROVIDERS.get(network)
    if ask_pasted is None or provider is None or provider.redirect is not Redirect.HTTPS_PASTE:
        return {}
    return {"ask_pasted": ask_pasted}


def _app_ref(network: Network) -> str:
    """Where a network's developer app is kept in the keyring."""
    return f"devapp/{network.value}"


def _cached(folder: Path, name: str) -> Path | None:
    """The picture already kept under `name`, whatever its type."""
    kept = (folder / f"{name}{suffix}" for suffix in _AVATAR_TYPES.values())
    return next((path for path in kept if path.exists()), None)
