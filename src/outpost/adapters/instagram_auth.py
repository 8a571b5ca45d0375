"""Instagram's sign-in (Business Login for Instagram) and its 60-day tokens, kept alive.

Sources (../shared/platforms/meta-linkedin-tiktok-youtube.md §2.1, checked against Meta's pages):
- Business Login (developers.facebook.com/documentation/instagram-platform/instagram-api-with-
  instagram-login/business-login): authorize → the browser comes back to an https redirect with
  `code` (Meta appends `#_`) → `POST api.instagram.com/oauth/access_token` (form: client id and
  secret, `authorization_code`, the redirect URI, the code) → a short-lived token (1 hour), the
  Instagram user id and the permissions granted. Meta documents the answer wrapped in `data: [...]`
  and live servers answer it flat, with `permissions` a string or a list: all are read.
- Access Token reference: `GET graph.instagram.com/access_token?grant_type=ig_exchange_token
  &client_secret=…&access_token=SHORT` → a long-lived token (60 days, `expires_in`).
- Refresh Access Token reference (updated 2025-07-17): `GET graph.instagram.com/refresh_access_token
  ?grant_type=ig_refresh_token&access_token=LONG` refreshes a token "at least 24 hours old but
  [that] has not expired"; the new one is valid 60 days from then. No app secret is needed, so
  Outpost keeps none per account: the secret is used once, at sign-in.

Credentials kept per account (keyring only): `access_token`, `expires_at` (if known), `user_id`,
and `scope` (the permissions granted, comma-separated, when the sign-in said).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from outpost.adapters import instagram_errors
from outpost.adapters.base import AccountContext, Credentials, DeveloperApp
from outpost.adapters.http import send
from outpost.adapters.tokens import expires_at
from outpost.auth.oauth import AskPasted, OpenUrl, new_state
from outpost.auth.providers import OAuthProvider, authorize_url, code_from_pasted_url, pasted_redirect_uri
from outpost.domain.clock import Clock
from outpost.domain.enums import Network
from outpost.domain.errors import AuthExpired, InvalidStateError, PublishError, SecretStoreError

log = logging.getLogger("outpost.adapters.instagram")

#: Renew a long-lived token once less than this is left of its 60 days: any use of the account in
#: its second month renews it, so a creator who opens Outpost monthly never has to sign in again.
REFRESH_MARGIN = timedelta(days=30)
#: After a refused renewal, the token is used as it is and renewal waits this long.
RETRY_REFRESH_AFTER = timedelta(hours=1)


async def sign_in(
    client: httpx.AsyncClient,
    provider: OAuthProvider,
    api: str,
    app: DeveloperApp,
    open_url: OpenUrl,
    ask_pasted: AskPasted,
    *,
    clock: Clock,
) -> Credentials:
    """The browser sign-in: authorize → the pasted https address → code → long-lived token."""
    state = new_state()
    redirect_uri = app.redirect_url or pasted_redirect_uri(app.redirect_port)
    await open_url(authorize_url(provider, app.client_id, redirect_uri, state, None))
    pasted = await ask_pasted(
        f"After you allow Outpost, Instagram opens {redirect_uri}?code=… in the browser (nothing answers "
        f"there: the page shows an error, which is fine). Copy the whole address from the address bar "
        f"and paste it here: "
    )
    code = code_from_pasted_url(pasted, state)
    form = {
        "client_id": app.client_id,
        "client_secret": app.client_secret,
        "grant_type": "authorization_code",
        "redirect_uri": redirect_uri,
        "code": code,
    }
    request = client.build_request("POST", provider.token_url, data=form)
    answer = _token_answer(await _send(client, request, clock, what="finish signing in"))
    short, user_id = answer.get("access_token"), answer.get("user_id")
    if not isinstance(short, str) or not short:
        raise PublishError("Instagram finished the sign-in without a token; sign in again.")
    granted = answer.get("permissions")
    scope = ",".join(granted) if isinstance(granted, list) else str(granted or "")
    asked_at = clock.now()
    exchange = client.build_request(
        "GET",
        f"{api}/access_token",
        params={"grant_type": "ig_exchange_token", "client_secret": app.client_secret, "access_token": short},
    )
    long_lived = _token_answer(await _send(client, exchange, clock, what="make the sign-in last 60 days"))
    credentials = _credentials(long_lived, asked_at)
    if user_id is not None:
        credentials["user_id"] = str(user_id)
    if scope:
        credentials["scope"] = scope
    return credentials


class InstagramTokens:
    """Hands out the account's token, renewed (under the account's lock) before its 60 days end.

    A token whose end is unknown (added by hand without `--expires-at`) is renewed at its first use:
    the answer says how long the renewed one lasts. A renewal Meta refuses (the token is younger
    than a day, say) is not fatal while the token still works: it is used as it is, and renewal is
    tried again an hour later.
    """

    def __init__(
        self, client: httpx.AsyncClient, clock: Clock, *, margin: timedelta = REFRESH_MARGIN
    ) -> None:
        self._client = client
        self._clock = clock
        self._margin = margin
        self._refused_at: dict[str, datetime] = {}  # account id → when a renewal was last refused

    def needs_refresh(self, account_id: str, credentials: Credentials) -> bool:
        """Whether to renew now: unknown end or within the margin, and not refused within the hour."""
        refused = self._refused_at.get(account_id)
        if refused is not None and self._clock.now() - refused < RETRY_REFRESH_AFTER:
            return False
        ends = expires_at(credentials)
        return ends is None or ends - self._clock.now() < self._margin

    async def access_token(self, ctx: AccountContext, api: str) -> str:
        """The account's token, renewed first where that is due."""
        credentials = await ctx.credentials()
        token = credentials.get("access_token")
        if not token:
            raise AuthExpired(f"No access token for {ctx.account.ref} in the keyring; reconnect the account.")
        ends = expires_at(credentials)
        if ends is not None and ends <= self._clock.now():
            raise AuthExpired(
                f"The Instagram sign-in of {ctx.account.ref} ended on {ends:%Y-%m-%d} (they last 60 days "
                f"unless Outpost renews them in time). Reconnect the account in Outpost."
            )
        if not self.needs_refresh(ctx.account.id, credentials):
            return token
        async with ctx.lock:
            credentials = await ctx.credentials()  # another request may have renewed it meanwhile
            if self.needs_refresh(ctx.account.id, credentials):
                credentials = await self._refresh(ctx, credentials, api)
        return credentials["access_token"]

    async def _refresh(self, ctx: AccountContext, credentials: Credentials, api: str) -> Credentials:
        renewed = await renew(self._client, api, credentials["access_token"], self._clock)
        if renewed is None:
            self._refused_at[ctx.account.id] = self._clock.now()
            log.info("Instagram did not renew %s's sign-in now; using it as it is", ctx.account.ref)
            return credentials
        fresh = {**credentials, **renewed}
        try:
            await ctx.replace_credentials(fresh)  # kept before it is used
        except SecretStoreError as exc:
            log.warning("the renewed Instagram sign-in of %s could not be kept: %s", ctx.account.ref, exc)
            return credentials  # the old token still works until its own end
        log.info("renewed the Instagram sign-in of %s", ctx.account.ref)
        return fresh


async def renew(client: httpx.AsyncClient, api: str, token: str, clock: Clock) -> Credentials | None:
    """A renewed token and its end (60 days from now), or None when Meta will not renew it now.

    Meta renews only tokens "at least 24 hours old" that have not expired; a refusal leaves the
    token as it was, so it is no reason to stop: the caller keeps using the current one.
    """
    request = client.build_request(
        "GET", f"{api}/refresh_access_token", params={"grant_type": "ig_refresh_token", "access_token": token}
    )
    asked_at = clock.now()
    try:
        return _credentials(
            _token_answer(await _send(client, request, clock, what="renew the sign-in")), asked_at
        )
    except PublishError as exc:
        log.info("Instagram did not renew a sign-in: %s", exc)
        return None


async def _send(
    client: httpx.AsyncClient, request: httpx.Request, clock: Clock, *, what: str
) -> httpx.Response:
    """A token request; a refusal is AuthExpired with Meta's reason (never the token or secret)."""
    response = await send(client, request, network=Network.INSTAGRAM, clock=clock, check=False)
    if response.is_success:
        return response
    error = instagram_errors.parse(response)
    if response.status_code >= 500:
        raise PublishError(
            f"Instagram could not {what} (HTTP {response.status_code}); try again later.",
            may_have_taken_effect=False,
        )
    raise AuthExpired(f"Instagram refused to {what} ({error.said or f'HTTP {response.status_code}'}).")


def _token_answer(response: httpx.Response) -> dict[str, Any]:
    """A token answer as one object (Meta's documented `data: [...]` wrapper or the flat one)."""
    try:
        body: Any = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("data"), list) and body["data"]:
        body = body["data"][0]
    if not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
        raise PublishError(
            "Instagram answered the sign-in without an access token; try again later.",
            may_have_taken_effect=False,
        )
    return body


def _credentials(answer: dict[str, Any], asked_at: datetime) -> Credentials:
    """The token and its end; the lifetime counts from when it was asked for (never too late)."""
    credentials: Credentials = {"access_token": answer["access_token"]}
    seconds = answer.get("expires_in")
    if isinstance(seconds, int | float) and not isinstance(seconds, bool) and seconds > 0:
        credentials["expires_at"] = (asked_at + timedelta(seconds=float(seconds))).astimezone(UTC).isoformat()
    return credentials


def require_ask(ask_address: AskPasted | None) -> AskPasted:
    """The way to ask for the pasted address, or a refusal saying where signing in works."""
    if ask_address is None:
        raise InvalidStateError(
            "Instagram sends the browser back to an https address, which Outpost cannot receive: the "
            "sign-in needs you to paste that address. Run `outpost accounts connect instagram` in a "
            "terminal, or add a token you made with `outpost accounts add instagram --access-token -`."
        )
    return ask_address


__all__ = ["REFRESH_MARGIN", "InstagramTokens", "renew", "require_ask", "sign_in"]
