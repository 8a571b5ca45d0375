"""A strict OAuth 2.0 authorization server for the fakes of networks with developer apps (X, LinkedIn).

It checks what the real ones check (RFC 6749, RFC 7636 and the notes in ../shared/platforms):
the client id, the redirect URI *exactly* as registered, `state` passed through, the PKCE S256
verifier, a code used once and within its lifetime, the client secret of confidential clients,
refresh tokens that rotate (the old one dies the moment a new one is issued) and revocation.
Consent is given at once (a person who clicks "Authorize"), unless `deny_next` is set.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode

import httpx


@dataclass
class App:
    client_id: str
    redirect_uris: tuple[str, ...]
    secret: str = ""  # "": a public client (X Native App)
    scopes: frozenset[str] = frozenset()
    requires_pkce: bool = False  # LinkedIn enables PKCE per app on request


@dataclass
class Grant:
    user: str
    scopes: tuple[str, ...]
    client_id: str
    expires_at: float
    revoked: bool = False


@dataclass
class AuthorizationServer:
    """Apps, codes and tokens of one network's OAuth; `now` is the server's clock (seconds)."""

    apps: dict[str, App] = field(default_factory=dict)
    users_by_login: dict[str, str] = field(default_factory=lambda: {"default": "alice"})
    access_lifetime_s: int = 7200
    refresh_lifetime_s: int | None = None
    code_lifetime_s: int = 30
    rotate_refresh_tokens: bool = True
    issue_refresh_tokens: bool = True
    refresh_scope: str | None = "offline.access"  # X: refresh tokens only with this scope
    basic_auth: bool = True  # confidential clients authenticate with HTTP Basic (X); else body (LinkedIn)
    client_id_param: str = "client_id"  # TikTok names it client_key
    pkce_hex: bool = False  # TikTok: the challenge is the hex SHA-256 of the verifier, not base64url
    deny_next: bool = False
    now: Callable[[], float] = time.time
    access: dict[str, Grant] = field(default_factory=dict)
    refresh: dict[str, Grant] = field(default_factory=dict)
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    refreshes: int = 0
    revoked: list[str] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    # -- helpers for tests ----------------------------------------------------------------------

    def issue(self, user: str, scopes: tuple[str, ...], client_id: str = "") -> tuple[str, str]:
        """Tokens as if the person had signed in: (access token, refresh token)."""
        n = next(self._ids)
        access, refresh = f"at-{user}-{n}", f"rt-{user}-{n}"
        self.access[access] = Grant(user, scopes, client_id, self.now() + self.access_lifetime_s)
        refresh_ends = self.now() + (self.refresh_lifetime_s or 10**9)
        self.refresh[refresh] = Grant(user, scopes, client_id, refresh_ends)
        return access, refresh

    def expire_access_tokens(self) -> None:
        for grant in self.access.values():
            grant.expires_at = self.now() - 1

    def user_of(self, request: httpx.Request) -> Grant | None:
        """The grant behind the request's bearer token, if it is valid now."""
        auth = request.headers.get("authorization", "")
        grant = self.access.get(auth.removeprefix("Bearer ")) if auth.startswith("Bearer ") else None
        if grant is None or grant.revoked or grant.expires_at <= self.now():
            return None
        return grant

    # -- endpoints ------------------------------------------------------------------------------

    def authorize(self, request: httpx.Request) -> httpx.Response:
        """The consent page: redirects back with a code (or an error), or shows an error page."""
        query = {k: v[0] for k, v in parse_qs(request.url.query.decode()).items()}
        app = self.apps.get(query.get(self.client_id_param, ""))
        redirect = query.get("redirect_uri", "")
        if app is None:
            return httpx.Response(400, text="Something went wrong: unknown client_id")
        if redirect not in app.redirect_uris:
            # The real pages show an error and never redirect to an unregistered address.
            return httpx.Response(
                400, text=f"Something went wrong: redirect_uri {redirect} is not registered"
            )
        back: dict[str, str] = {"state": query.get("state", "")}
        scopes = tuple(query.get("scope", "").replace(",", " ").split())
        problems = [
            query.get("response_type") != "code" and "response_type must be code",
            not query.get("state") and "state is required",
            len(query.get("state", "")) > 500 and "state is longer than 500",
            app.scopes and not set(scopes) <= app.scopes and "scope not allowed for this app",
        ]
        if (not app.secret or app.requires_pkce) and query.get("code_challenge_method") != "S256":
            problems.append("this app must use PKCE S256")
        problem = next((p for p in problems if p), None)
        if problem or self.deny_next:
            self.deny_next = False
            back |= {"error": "access_denied" if not problem else "invalid_request"}
            if problem:
                back["error_description"] = problem
        else:
            code = f"code-{next(self._ids)}"
            self.codes[code] = {
                "client_id": app.client_id,
                "redirect_uri": redirect,
                "challenge": query.get("code_challenge", ""),
                "scopes": " ".join(scopes),
                "issued": str(self.now()),
                "user": self.users_by_login["default"],
            }
            back["code"] = code
        return httpx.Response(302, headers={"Location": f"{redirect}?{urlencode(back)}"})

    def token(self, request: httpx.Request) -> httpx.Response:
        if request.headers.get("content-type", "").split(";")[0] != "application/x-www-form-urlencoded":
            return _oauth_error(
                400, "invalid_request", "Content-Type must be application/x-www-form-urlencoded"
            )
        form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
        app = self._client(request, form)
        if isinstance(app, httpx.Response):
            return app
        if form.get("grant_type") == "authorization_code":
            return self._exchange(app, form)
        if form.get("grant_type") == "refresh_token":
            return self._refresh(app, form)
        return _oauth_error(400, "unsupported_grant_type", "grant_type is not supported")

    def revoke(self, request: httpx.Request) -> httpx.Response:
        form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
        app = self._client(request, form)
        if isinstance(app, httpx.Response):
            return app
        token = form.get("token", "")
        grant = self.access.get(token) or self.refresh.get(token)
        if grant is not None:
            grant.revoked = True
            for other in (*self.access.values(), *self.refresh.values()):
                if other.user == grant.user and other.client_id == grant.client_id:
                    other.revoked = True
            self.revoked.append(token)
        return httpx.Response(200, json={"revoked": True})

    # -- internals ------------------------------------------------------------------------------

    def _client(self, request: httpx.Request, form: dict[str, str]) -> App | httpx.Response:
        auth = request.headers.get("authorization", "")
        client_id, secret = form.get(self.client_id_param, ""), form.get("client_secret", "")
        if auth.startswith("Basic "):
            client_id, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
        app = self.apps.get(client_id)
        if app is None:
            return _oauth_error(401, "invalid_client", "Missing valid authorization header")
        if app.secret:
            if secret != app.secret:
                return _oauth_error(401, "invalid_client", "Client authentication failed")
            if self.basic_auth and not auth.startswith("Basic "):
                return _oauth_error(401, "invalid_client", "Missing valid authorization header")
        return app

    def _exchange(self, app: App, form: dict[str, str]) -> httpx.Response:
        code = self.codes.pop(form.get("code", ""), None)  # a code works once
        if code is None or code["client_id"] != app.client_id:
            return _oauth_error(400, "invalid_grant", "Value passed for the authorization code was invalid.")
        if self.now() - float(code["issued"]) > self.code_lifetime_s:
            return _oauth_error(400, "invalid_grant", "The authorization code has expired.")
        if form.get("redirect_uri") != code["redirect_uri"]:
            return _oauth_error(400, "invalid_grant", "redirect_uri does not match the authorization request")
        if code["challenge"]:
            verifier = form.get("code_verifier", "")
            sha = hashlib.sha256(verifier.encode())
            digest = (
                sha.hexdigest()
                if self.pkce_hex
                else base64.urlsafe_b64encode(sha.digest()).rstrip(b"=").decode()
            )
            if not 43 <= len(verifier) <= 128 or digest != code["challenge"]:
                return _oauth_error(400, "invalid_request", "Value passed for the code verifier was invalid.")
        scopes = tuple(code["scopes"].split())
        return self._tokens(code["user"], scopes, app.client_id)

    def _refresh(self, app: App, form: dict[str, str]) -> httpx.Response:
        token = form.get("refresh_token", "")
        grant = self.refresh.get(token)
        if (
            grant is None
            or grant.revoked
            or grant.expires_at <= self.now()
            or grant.client_id != app.client_id
        ):
            return _oauth_error(400, "invalid_request", "Value passed for the token was invalid.")
        self.refreshes += 1
        if self.rotate_refresh_tokens:
            grant.revoked = True  # rotation: the old refresh token is dead from now on
            return self._tokens(grant.user, grant.scopes, app.client_id, refresh_expires_at=grant.expires_at)
        n = next(self._ids)
        access = f"at-{grant.user}-{n}"
        self.access[access] = Grant(
            grant.user, grant.scopes, app.client_id, self.now() + self.access_lifetime_s
        )
        return httpx.Response(
            200,
            json={
                "access_token": access,
                "expires_in": self.access_lifetime_s,
                "scope": " ".join(grant.scopes),
            },
        )

    def _tokens(
        self, user: str, scopes: tuple[str, ...], client_id: str, refresh_expires_at: float | None = None
    ) -> httpx.Response:
        access, refresh = self.issue(user, scopes, client_id)
        body: dict[str, object] = {
            "token_type": "bearer",
            "expires_in": self.access_lifetime_s,
            "access_token": access,
            "scope": " ".join(scopes),
        }
        wants_refresh = self.issue_refresh_tokens and (
            self.refresh_scope is None or self.refresh_scope in scopes
        )
        if wants_refresh:
            body["refresh_token"] = refresh
            if refresh_expires_at is not None:
                self.refresh[refresh].expires_at = refresh_expires_at
            if self.refresh_lifetime_s:
                body["refresh_token_expires_in"] = int(self.refresh[refresh].expires_at - self.now())
        else:
            del self.refresh[refresh]
        return httpx.Response(200, json=body)


def _oauth_error(status: int, error: str, description: str) -> httpx.Response:
    return httpx.Response(status, json={"error": error, "error_description": description})
