"""OAuth 2.0 tokens of the networks where the person brings their own developer app (X, LinkedIn…).

One place for the token lifecycle, so every OAuth adapter behaves the same:

- the code exchange after the browser sign-in (with the PKCE verifier where the network uses it);
- refresh *before* expiry (a margin per network) and after a 401, under the account's lock, so
  concurrent requests refresh once;
- a rotated refresh token is written to the keyring **before** the new access token is used:
  X invalidates the old refresh token the moment it answers (x-bluesky-mastodon-threads.md §1.2,
  "Refresh tokens rotate — always save the newest one"), so losing the answer disconnects the
  account;
- a refused refresh is `AuthExpired` with the network's own reason (the engine then marks the
  account broken and tells the person to reconnect).

Credentials kept per account (in the keyring only): `access_token`, `refresh_token` (if any),
`expires_at` (ISO-8601 UTC, if the network said), `scope`, and the developer app's `client_id` /
`client_secret`, so the account keeps working if the app settings change later.
"""

from __future__ import annotations

import base64
import dataclasses
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from outpost.adapters.base import AccountContext, Credentials, DeveloperApp
from outpost.adapters.http import api_base, auth_base, send, server_message
from outpost.auth.oauth import LoopbackRedirect, OpenUrl, new_state
from outpost.auth.providers import OAuthProvider, authorize_url, new_pkce
from outpost.domain.clock import Clock
from outpost.domain.enums import Network
from outpost.domain.errors import AuthExpired, PublishError, SecretStoreError

log = logging.getLogger("outpost.adapters.tokens")


@dataclass(frozen=True)
class TokenEndpoint:
    """A network's token and revoke endpoints and how it wants the client to authenticate.

    Attributes:
        basic_auth_with_secret: send client id + secret as HTTP Basic (X's confidential clients);
            otherwise both go in the form body (LinkedIn; X's public clients send only the id).
        client_id_param: the form field naming the client ("client_key" on TikTok).
        extra_form: fields every token request carries besides the standard ones (Pinterest's
            `continuous_refresh=true`).
    """

    network: Network
    token_url: str
    revoke_url: str | None = None
    basic_auth_with_secret: bool = False
    client_id_param: str = "client_id"
    extra_form: tuple[tuple[str, str], ...] = ()

    def _client_auth(self, form: dict[str, str], client_id: str, secret: str) -> dict[str, str]:
        """Adds the client's identity to `form`; returns the headers to send."""
        if secret and self.basic_auth_with_secret:
            pair = base64.b64encode(f"{client_id}:{secret}".encode()).decode("ascii")
            return {"Authorization": f"Basic {pair}"}
        form[self.client_id_param] = client_id
        if secret:
            form["client_secret"] = secret
        return {}

    async def exchange(
        self,
        client: httpx.AsyncClient,
        app: DeveloperApp,
        *,
        code: str,
        redirect_uri: str,
        verifier: str | None,
        clock: Clock,
    ) -> Credentials:
        """Trade the authorization code for tokens (RFC 6749 §4.1.3, RFC 7636 §4.5)."""
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
        form.update(self.extra_form)
        if verifier is not None:
            form["code_verifier"] = verifier
        headers = self._client_auth(form, app.client_id, app.client_secret)
        asked_at = clock.now()
        body = await self._post(client, form, headers, what="finish signing in", clock=clock)
        return self._credentials(body, asked_at, client_id=app.client_id, client_secret=app.client_secret)

    async def refresh(self, client: httpx.AsyncClient, current: Credentials, clock: Clock) -> Credentials:
        """New tokens for `current`'s refresh token (which the network may now invalidate)."""
        form = {"grant_type": "refresh_token", "refresh_token": current["refresh_token"]}
        form.update(self.extra_form)
        client_id, secret = current.get("client_id", ""), current.get("client_secret", "")
        headers = self._client_auth(form, client_id, secret)
        asked_at = clock.now()
        body = await self._post(client, form, headers, what="renew the sign-in", clock=clock)
        fresh = self._credentials(body, asked_at, client_id=client_id, client_secret=secret)
        if "refresh_token" not in fresh and "refresh_token" in current:
            fresh["refresh_token"] = current["refresh_token"]  # LinkedIn keeps the old one valid
            if "refresh_expires_at" in current:
                fresh["refresh_expires_at"] = current["refresh_expires_at"]
        return fresh

    async def revoke(self, client: httpx.AsyncClient, credentials: Credentials, clock: Clock) -> None:
        """Revoke the account's token (RFC 7009) where the network has an endpoint for it."""
        assert self.revoke_url is not None
        form = {"token": credentials["access_token"]}
        headers = self._client_auth(
            form, credentials.get("client_id", ""), credentials.get("client_secret", "")
        )
        request = client.build_request("POST", self.revoke_url, data=form, headers=headers)
        await send(client, request, network=self.network, clock=clock)

    async def _post(
        self,
        client: httpx.AsyncClient,
        form: dict[str, str],
        headers: dict[str, str],
        *,
        what: str,
        clock: Clock,
    ) -> dict[str, Any]:
        request = client.build_request("POST", self.token_url, data=form, headers=headers)
        response = await send(client, request, network=self.network, clock=clock, check=False)
        if response.status_code in (400, 401, 403) or _oauth_error(response):
            # RFC 6749 §5.2: invalid_grant & co. The refresh token is dead: only a new sign-in helps.
            # TikTok may say so with HTTP 200 and an `error` body (developers.tiktok.com/doc/
            # oauth-error-handling names the body, not the status), so the body counts too.
            reason = server_message(response) or f"HTTP {response.status_code}"
            raise AuthExpired(
                f"{self.network.label} refused to {what} ({reason}). Reconnect the account in Outpost."
            )
        if not response.is_success:
            raise PublishError(
                f"{self.network.label} could not {what} (HTTP {response.status_code}); Outpost will "
                f"try again.",
                may_have_taken_effect=False,
            )
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
            raise PublishError(
                f"{self.network.label} answered the token request without an access token; try again later.",
                may_have_taken_effect=False,
            )
        return body

    @staticmethod
    def _credentials(
        body: dict[str, Any], asked_at: datetime, *, client_id: str, client_secret: str
    ) -> Credentials:
        """What to keep of a token answer; lifetimes count from when we asked (never too late)."""
        creds: Credentials = {"access_token": body["access_token"], "client_id": client_id}
        if client_secret:
            creds["client_secret"] = client_secret
        if isinstance(body.get("refresh_token"), str):
            creds["refresh_token"] = body["refresh_token"]
        lifetimes = (
            ("expires_in", "expires_at"),
            ("refresh_token_expires_in", "refresh_expires_at"),  # X, LinkedIn
            ("refresh_expires_in", "refresh_expires_at"),  # TikTok
        )
        for key, target in lifetimes:
            seconds = body.get(key)
            if isinstance(seconds, int | float) and seconds > 0:
                creds[target] = (asked_at + timedelta(seconds=float(seconds))).isoformat()
        if isinstance(body.get("scope"), str):
            creds["scope"] = body["scope"]
        return creds


def _oauth_error(response: httpx.Response) -> bool:
    """A successful status whose body is an OAuth error (`{"error": "invalid_grant", …}`)."""
    if not response.is_success:
        return False
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and isinstance(body.get("error"), str) and "access_token" not in body


def expires_at(credentials: Credentials, key: str = "expires_at") -> datetime | None:
    """When the access token (or with `key`, the refresh token) stops working, if known."""
    value = credentials.get(key)
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).astimezone(UTC)
    except ValueError:
        return None


class TokenKeeper:
    """Hands adapters a working access token: refreshed before expiry and after a 401.

    Args:
        margin: refresh when less than this is left (X: minutes of a 2-hour token; LinkedIn:
            days of a 60-day token, so a health check while the app is open renews it in time).
        clock: the adapter's (the engine's) clock, which decides when "less than this is left".
    """

    def __init__(
        self, endpoint: TokenEndpoint, client: httpx.AsyncClient, *, margin: timedelta, clock: Clock
    ) -> None:
        self.endpoint = endpoint
        self._client = client
        self._margin = margin
        self._clock = clock

    def needs_refresh(self, credentials: Credentials) -> bool:
        """Whether to renew the token now: within the margin if it can be renewed, else once expired.

        A token without a refresh token (LinkedIn's usual 60-day sign-in) keeps working to its
        last minute; the health card warns ahead instead (HealthReport.sign_in_ending).
        """
        ends = expires_at(credentials)
        if ends is None:
            return False
        left = ends - self._clock.now()
        return left <= timedelta(0) or (left < self._margin and bool(credentials.get("refresh_token")))

    async def access_token(self, ctx: AccountContext) -> str:
        """The account's access token, refreshed first if it is about to expire."""
        credentials = await ctx.credentials()
        if not credentials.get("access_token"):
            raise AuthExpired(f"No access token for {ctx.account.ref} in the keyring; reconnect the account.")
        if not self.needs_refresh(credentials):
            return credentials["access_token"]
        async with ctx.lock:
            credentials = await ctx.credentials()  # another request may have refreshed meanwhile
            if self.needs_refresh(credentials):
                credentials = await self._refresh(ctx, credentials, why="it is about to expire")
        return credentials["access_token"]

    async def after_unauthorized(self, ctx: AccountContext, rejected_token: str) -> str:
        """A token the network refused with 401: refresh it once (unless someone already did)."""
        async with ctx.lock:
            credentials = await ctx.credentials()
            if credentials.get("access_token") not in (None, rejected_token):
                return credentials["access_token"]
            credentials = await self._refresh(ctx, credentials, why="the network refused it")
        return credentials["access_token"]

    async def refresh_now(self, ctx: AccountContext) -> Credentials:
        """Refresh unconditionally (a health check that proves the grant is still alive)."""
        async with ctx.lock:
            return await self._refresh(ctx, await ctx.credentials(), why="checking the connection")

    async def _refresh(self, ctx: AccountContext, credentials: Credentials, *, why: str) -> Credentials:
        label = self.endpoint.network.label
        if not credentials.get("refresh_token"):
            raise AuthExpired(
                f"The {label} sign-in of {ctx.account.ref} has expired and cannot be renewed "
                f"automatically (no refresh token). Reconnect the account in Outpost."
            )
        log.info("refreshing the %s token of %s (%s)", label, ctx.account.ref, why)
        try:
            fresh = await self.endpoint.refresh(self._client, credentials, self._clock)
        except AuthExpired:
            # Another Outpost process (the window and `outpost run` share the keyring) may have
            # rotated the refresh token a moment ago; its new tokens are then in the keyring.
            stored = await ctx.credentials()
            if stored.get("refresh_token") not in (None, credentials["refresh_token"]):
                log.info("another Outpost process renewed %s's sign-in; using its tokens", ctx.account.ref)
                return stored
            raise
        # Persist first: the network may already have invalidated the refresh token we sent.
        try:
            await ctx.replace_credentials(fresh)
        except SecretStoreError as exc:
            # The new tokens are not used unsaved: with the old refresh token possibly dead, the
            # account needs a new sign-in once the keyring works again.
            raise AuthExpired(
                f"{label} renewed the sign-in of {ctx.account.ref}, but the keyring refused to keep "
                f"it ({exc}). Nothing was sent. Unlock the keyring, then reconnect the account."
            ) from None
        return fresh


def _origin(url: str) -> str:
    scheme, rest = url.split("://", 1)
    return f"{scheme}://{rest.split('/', 1)[0]}"


def with_overrides(provider: OAuthProvider) -> OAuthProvider:
    """`provider` with `OUTPOST_AUTH_URL_<NETWORK>` / `OUTPOST_API_URL_<NETWORK>` applied.

    An endpoint on the API origin (X's token endpoint is on api.x.com) follows the API override;
    every other endpoint follows the auth override.
    """
    auth_origin = _origin(provider.authorize_url)
    auth = auth_base(provider.network, auth_origin)
    api = api_base(provider.network, provider.api_url) if provider.api_url else None

    def resolve(url: str | None) -> str | None:
        if url is None:
            return None
        if provider.api_url and api and url.startswith(provider.api_url):
            return api + url[len(provider.api_url) :]
        if url.startswith(auth_origin):
            return auth + url[len(auth_origin) :]
        return url

    return dataclasses.replace(
        provider,
        authorize_url=resolve(provider.authorize_url) or provider.authorize_url,
        token_url=resolve(provider.token_url) or provider.token_url,
        revoke_url=resolve(provider.revoke_url),
        api_url=api,
    )


def missing_app_message(provider: OAuthProvider) -> str:
    """What to do when no developer app is set up for `provider`'s network."""
    steps = " ".join(f"({i}) {step}" for i, step in enumerate(provider.setup, start=1))
    return (
        f"{provider.network.label} needs your own developer app before Outpost can connect: {steps} "
        f"Then enter the client id in Settings → Developer apps, or run "
        f"`outpost accounts connect {provider.network.value}` and answer its questions."
    )


async def sign_in(
    client: httpx.AsyncClient,
    provider: OAuthProvider,
    endpoint: TokenEndpoint,
    app: DeveloperApp,
    open_url: OpenUrl,
    *,
    clock: Clock,
) -> Credentials:
    """The browser sign-in: authorize (state + PKCE) → loopback redirect → code exchange.

    The redirect listens on the app's registered port on 127.0.0.1 only, for one callback.
    """
    if app.pkce and provider.pkce is None and provider.pkce_optional:
        provider = dataclasses.replace(provider, pkce="S256")
    pkce, state = new_pkce(provider), new_state()
    async with LoopbackRedirect(app.redirect_port) as redirect:
        await open_url(authorize_url(provider, app.client_id, redirect.uri, state, pkce))
        code = await redirect.code(state)
        # X's codes live 30 seconds (§1.2): exchange at once, still inside the listener's scope.
        return await endpoint.exchange(
            client,
            app,
            code=code,
            redirect_uri=redirect.uri,
            verifier=pkce.verifier if pkce else None,
            clock=clock,
        )
