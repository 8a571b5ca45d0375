"""Threads tokens: short-lived → long-lived after signing in, then renewed before their 60 days end.

From developers.facebook.com/docs/threads/get-started/long-lived-tokens (x-bluesky-mastodon-
threads.md §4.1):

- the code exchange gives a short-lived token (one hour); `GET /access_token?grant_type=
  th_exchange_token&client_secret=…&access_token=SHORT` turns it into a long-lived one
  (`expires_in` ≈ 60 days). The app secret is needed once, here, and is not kept per account;
- `GET /refresh_access_token?grant_type=th_refresh_token&access_token=LONG` gives a fresh 60-day
  token, without the secret, once the token is at least 24 hours old and not yet expired. A
  token not renewed within its 60 days is dead: only a new sign-in helps.

So Outpost renews a token once less than `REFRESH_WHEN_LEFT` of it is left, on the first request
or health check after that (the window, `outpost run` and every command do both), under the
account's lock, and writes the new token to the keyring before using it. A token added by hand
(`accounts add threads --access-token`, no `--expires-at`) has an unknown end: Outpost renews it
at the first chance (which also tells the end) and, while Threads says no (younger than a day),
asks again at most once a day.

Credentials kept (keyring only): `access_token`, `expires_at` (ISO-8601, if known), `issued_at`
(when Outpost got it), `refresh_tried_at` (the last refused renewal), `user_id`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from outpost.adapters.base import AccountContext, Credentials
from outpost.adapters.http import send
from outpost.adapters.meta_errors import graph_error
from outpost.adapters.tokens import expires_at
from outpost.domain.clock import Clock
from outpost.domain.enums import Network
from outpost.domain.errors import AuthExpired, PublishError, SecretStoreError, ServerError

log = logging.getLogger("outpost.adapters.threads")

REFRESH_WHEN_LEFT = timedelta(days=30)  # renew a 60-day token once it is a month old
MIN_AGE = timedelta(hours=24)  # Threads renews only tokens at least a day old
RETRY_REFUSED_AFTER = timedelta(days=1)


class ThreadsTokens:
    """Exchanges, renews and hands out an account's Threads token.

    Methods take `api`, the API origin the account talks to (`https://graph.threads.net`, its
    `OUTPOST_API_URL_THREADS` override, or the sandbox's simulated Threads).
    """

    def __init__(self, client: httpx.AsyncClient, *, clock: Clock) -> None:
        self._client = client
        self._clock = clock

    async def long_lived(self, api: str, short: Credentials, client_secret: str) -> Credentials:
        """Trade the short-lived token of a fresh sign-in for a long-lived one (60 days)."""
        asked_at = self._clock.now()
        body = await self._token_request(
            f"{api}/access_token",
            {
                "grant_type": "th_exchange_token",
                "client_secret": client_secret,
                "access_token": short["access_token"],
            },
            what="finish signing in (long-lived token)",
        )
        return self._credentials(body, asked_at, short)

    async def access_token(self, ctx: AccountContext, api: str) -> str:
        """The account's token, renewed first when it is due (see the module docstring)."""
        credentials = await ctx.credentials()
        self._refuse_dead(ctx, credentials)
        if self.due(credentials):
            async with ctx.lock:
                credentials = await ctx.credentials()  # another request may have renewed it meanwhile
                if self.due(credentials):
                    credentials = await self._renew(ctx, api, credentials)
        return credentials["access_token"]

    def due(self, credentials: Mapping[str, str]) -> bool:
        """Whether to renew now: little of it left, or its end unknown and not asked today."""
        now = self._clock.now()
        issued = _time(credentials.get("issued_at"))
        if issued is not None and now - issued < MIN_AGE:
            return False  # Threads would refuse: too young
        tried = _time(credentials.get("refresh_tried_at"))
        if tried is not None and now - tried < RETRY_REFUSED_AFTER:
            return False  # refused lately: not on every request
        ends = expires_at(dict(credentials))
        return ends is None or ends - now < REFRESH_WHEN_LEFT

    def _refuse_dead(self, ctx: AccountContext, credentials: Mapping[str, str]) -> None:
        if not credentials.get("access_token"):
            raise AuthExpired(
                f"No Threads token for {ctx.account.ref} in the keyring; reconnect the account."
            )
        ends = expires_at(dict(credentials))
        if ends is not None and ends <= self._clock.now():
            raise AuthExpired(
                f"The Threads sign-in of {ctx.account.ref} ended on {ends:%Y-%m-%d} (Threads tokens last "
                f"60 days unless renewed). Reconnect the account in Outpost."
            )

    async def _renew(self, ctx: AccountContext, api: str, credentials: Credentials) -> Credentials:
        """Renew (th_refresh_token); a refusal other than a dead token keeps the current one."""
        asked_at = self._clock.now()
        try:
            body = await self._token_request(
                f"{api}/refresh_access_token",
                {"grant_type": "th_refresh_token", "access_token": credentials["access_token"]},
                what="renew the sign-in",
            )
        except AuthExpired:
            raise
        except PublishError as exc:
            # Too young, or Threads busy: the token still works; note the try so it is not repeated
            # on every request, and carry on with it.
            log.info("Threads did not renew the token of %s now (%s)", ctx.account.ref, exc)
            kept = {**credentials, "refresh_tried_at": asked_at.isoformat()}
            await self._keep(ctx, kept)
            return kept
        fresh = self._credentials(body, asked_at, credentials)
        fresh.pop("refresh_tried_at", None)
        await self._keep(ctx, fresh)
        log.info("renewed the Threads token of %s until %s", ctx.account.ref, fresh.get("expires_at"))
        return fresh

    async def _keep(self, ctx: AccountContext, credentials: Credentials) -> None:
        try:
            await ctx.replace_credentials(credentials)
        except SecretStoreError as exc:
            raise AuthExpired(
                f"Threads renewed the sign-in of {ctx.account.ref}, but the keyring refused to keep it "
                f"({exc}). Unlock the keyring; Outpost renews it again then."
            ) from None

    async def _token_request(self, url: str, params: dict[str, str], *, what: str) -> dict[str, Any]:
        """A GET to a token endpoint (Threads takes these as query parameters, as its docs show)."""
        request = self._client.build_request("GET", url, params=params)
        response = await send(self._client, request, network=Network.THREADS, clock=self._clock, check=False)
        if not response.is_success:
            error = graph_error(response, network=Network.THREADS, now=self._clock.now())
            error.may_have_taken_effect = False
            raise error
        try:
            body = response.json()
        except ValueError:
            body = None
        if (
            not isinstance(body, dict)
            or not isinstance(body.get("access_token"), str)
            or not body["access_token"]
        ):
            raise ServerError(
                f"Threads answered the request to {what} without a token; try again later.",
                may_have_taken_effect=False,
            )
        return body

    def _credentials(
        self, body: dict[str, Any], asked_at: datetime, before: Mapping[str, str]
    ) -> Credentials:
        """What to keep of a token answer; its lifetime counts from when we asked (never too late)."""
        kept: Credentials = {key: value for key, value in before.items() if key in ("user_id",) and value}
        kept["access_token"] = body["access_token"]
        kept["issued_at"] = asked_at.isoformat()
        seconds = body.get("expires_in")
        if isinstance(seconds, int | float) and not isinstance(seconds, bool) and seconds > 0:
            kept["expires_at"] = (asked_at + timedelta(seconds=float(seconds))).isoformat()
        return kept


def _time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).astimezone(UTC)
    except ValueError:
        return None


__all__ = ["REFRESH_WHEN_LEFT", "ThreadsTokens"]
