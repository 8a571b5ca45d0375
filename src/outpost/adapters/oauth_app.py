"""What every adapter of a network reached through the person's own developer app shares.

X and LinkedIn (and the OAuth networks to come) differ in their endpoints, rules and error
answers, not in how they sign in, keep tokens fresh or send an authorised request: that lives
here once, on top of adapters/tokens.py.
"""

from __future__ import annotations

from abc import abstractmethod
from datetime import UTC, timedelta
from typing import Any, ClassVar

import httpx

from outpost.adapters.base import (
    AccountContext,
    AddAccountRequest,
    Credentials,
    DeveloperApp,
    MediaHost,
    NetworkAdapter,
)
from outpost.adapters.http import send
from outpost.adapters.tokens import TokenEndpoint, TokenKeeper, missing_app_message, sign_in, with_overrides
from outpost.auth.oauth import OpenUrl
from outpost.auth.providers import PROVIDERS
from outpost.domain.clock import Clock
from outpost.domain.errors import AuthExpired, PublishError, ValidationError


def local_api(service_url: str | None) -> str | None:
    """An account's own API address, honoured only on this computer (the sandbox's simulation).

    These networks have one API for everyone; an address on 127.0.0.1 is the sandbox's simulated
    network (issue #17). Any other given address is ignored, so a real token only ever goes to
    the network itself.
    """
    return service_url if service_url and service_url.startswith("http://127.0.0.1:") else None


class OAuthAppAdapter(NetworkAdapter):
    """A network signed in to with the person's developer app (`auth.providers.PROVIDERS`).

    Subclasses set `refresh_margin` (how long before expiry to renew) and answer `_error`;
    `_headers` adds what every request of the network carries (LinkedIn's version headers).
    """

    refresh_margin: ClassVar[timedelta]
    #: X's confidential clients authenticate with HTTP Basic; LinkedIn sends the secret in the form.
    basic_auth_with_secret: ClassVar[bool] = False

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        clock: Clock,
        api_base: str | None = None,
        media_host: MediaHost | None = None,
    ) -> None:
        self.provider = with_overrides(PROVIDERS[self.network])
        self._api = (api_base or self.provider.api_url or "").rstrip("/")
        super().__init__(client, clock=clock, api_base=self._api, media_host=media_host)
        self._endpoint = TokenEndpoint(
            self.network,
            self.provider.token_url,
            self.provider.revoke_url,
            basic_auth_with_secret=self.basic_auth_with_secret,
            client_id_param=self.provider.client_id_param,
            extra_form=tuple(self.provider.token_extra.items()),
        )
        self._tokens = TokenKeeper(self._endpoint, client, margin=self.refresh_margin, clock=clock)

    # -- signing in ----------------------------------------------------------------------------

    async def _sign_in(
        self, app: DeveloperApp | None, open_url: OpenUrl, extra_scopes: tuple[str, ...] = ()
    ) -> Credentials:
        """The browser sign-in with the person's app; without one, the steps to create it."""
        if app is None:
            raise ValidationError.single(
                "client_id", missing_app_message(self.provider), network=self.network.value
            )
        provider = self.provider.with_scopes((*self.provider.scopes, *extra_scopes))
        return await sign_in(self.client, provider, self._endpoint, app, open_url, clock=self.clock)

    def _hand_made_credentials(self, request: AddAccountRequest, *, access_hint: str) -> Credentials:
        """Credentials from tokens made elsewhere (`accounts add NETWORK --access-token …`).

        A refresh token is only worth keeping with the app that can use it: the client id, and
        the secret where the network's app has one.
        """
        label, name = self.network.label, self.network.value
        if not request.access_token:
            raise ValidationError.single(
                "--access-token",
                f"--access-token: give {access_hint}, or run `outpost accounts connect {name}` to sign "
                f"in through the browser.",
            )
        credentials = {"access_token": request.access_token}
        if request.app is not None:
            credentials["client_id"] = request.app.client_id
            if request.app.client_secret:
                credentials["client_secret"] = request.app.client_secret
        if request.refresh_token:
            needs = "client id and secret" if self.provider.client_secret_required else "client id"
            secret_missing = self.provider.client_secret_required and not credentials.get("client_secret")
            if request.app is None or secret_missing:
                raise ValidationError.single(
                    "--refresh-token",
                    f"--refresh-token: Outpost needs your {label} app's {needs} to renew tokens; add "
                    f"them in Settings → Developer apps (or `outpost accounts connect {name}`) first.",
                )
            credentials["refresh_token"] = request.refresh_token
        if request.expires_at is not None:
            credentials["expires_at"] = request.expires_at.astimezone(UTC).isoformat()
        return credentials

    # -- requests ------------------------------------------------------------------------------

    async def _authorised(
        self, ctx: AccountContext, method: str, path: str, **content: Any
    ) -> httpx.Response:
        """A request with the account's token, sent once more after a 401 and a refresh.

        A 401 means the network did nothing, so sending again cannot duplicate a post. Without a
        refresh token the 401 stands: the person must reconnect.
        """
        token = await self._tokens.access_token(ctx)
        base = local_api(ctx.account.service_url)
        try:
            return await self._request(method, path, token=token, base=base, **content)
        except AuthExpired:
            if not (await ctx.credentials()).get("refresh_token"):
                raise
            token = await self._tokens.after_unauthorized(ctx, token)
            return await self._request(method, path, token=token, base=base, **content)

    async def _request(
        self, method: str, path: str, *, token: str, base: str | None = None, **content: Any
    ) -> httpx.Response:
        """`path` at the network's API (or at `base`, an API simulated on this computer)."""
        headers = {"Authorization": f"Bearer {token}", **self._headers()}
        url = f"{(base or self._api).rstrip('/')}{path}"
        request = self.client.build_request(method, url, headers=headers, **content)
        response = await send(self.client, request, network=self.network, clock=self.clock, check=False)
        if response.is_success:
            return response
        raise self._error(response)

    def _headers(self) -> dict[str, str]:
        """Headers every API request of this network carries besides the token."""
        return {}

    @abstractmethod
    def _error(self, response: httpx.Response) -> PublishError:
        """The network's error answer in Outpost's words: what happened and what to do."""
