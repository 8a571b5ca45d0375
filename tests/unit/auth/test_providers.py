"""The authorize address each network is sent, and reading a pasted redirect address."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from outpost.auth.oauth import AuthorizationError
from outpost.auth.providers import (
    LOOPBACK,
    PROVIDERS,
    Redirect,
    authorize_url,
    code_from_pasted_url,
    new_pkce,
)
from outpost.domain.enums import Network


def _query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


@pytest.mark.parametrize("network", list(PROVIDERS))
def test_every_provider_sends_the_client_state_redirect_and_scopes(network: Network) -> None:
    provider = PROVIDERS[network]
    pkce = new_pkce(provider)
    url = authorize_url(provider, "client-123", LOOPBACK, "state-abc", pkce)
    query = _query(url)
    assert url.startswith(provider.authorize_url + "?")
    assert query[provider.client_id_param] == "client-123"
    assert query["redirect_uri"] == LOOPBACK
    assert query["state"] == "state-abc"
    assert query["response_type"] == "code"
    assert query["scope"].split(provider.scope_separator) == list(provider.scopes)
    assert ("code_challenge" in query) == (provider.pkce is not None)
    assert provider.setup, f"{network} has no setup steps to show"


def test_tiktok_names_the_client_key_joins_scopes_with_commas_and_hashes_pkce_in_hex() -> None:
    provider = PROVIDERS[Network.TIKTOK]
    pkce = new_pkce(provider)
    assert pkce is not None
    query = _query(authorize_url(provider, "key", LOOPBACK, "s", pkce))
    assert "client_id" not in query and query["client_key"] == "key"
    assert query["scope"] == "user.info.basic,video.publish,video.list,user.info.stats"
    assert re.fullmatch(r"[0-9a-f]{64}", query["code_challenge"])
    assert query["code_challenge"] == hashlib.sha256(pkce.verifier.encode()).hexdigest()


def test_x_uses_base64url_pkce_and_asks_for_a_refresh_token() -> None:
    provider = PROVIDERS[Network.X]
    pkce = new_pkce(provider)
    assert pkce is not None
    query = _query(authorize_url(provider, "id", LOOPBACK, "s", pkce))
    assert query["code_challenge_method"] == "S256"
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", query["code_challenge"])
    assert "offline.access" in query["scope"].split(" ")


def test_google_asks_for_offline_access_so_youtube_stays_connected() -> None:
    query = _query(authorize_url(PROVIDERS[Network.YOUTUBE], "id", LOOPBACK, "s", None))
    assert query["access_type"] == "offline"
    assert query["prompt"] == "consent"


def test_threads_and_instagram_redirect_to_https_and_are_pasted_back() -> None:
    for network in (Network.THREADS, Network.INSTAGRAM):
        assert PROVIDERS[network].redirect is Redirect.HTTPS_PASTE


def test_facebook_signs_in_through_localhost_which_meta_allows_for_apps_in_development() -> None:
    provider = PROVIDERS[Network.FACEBOOK]
    assert provider.redirect is Redirect.LOOPBACK_FIXED_PORT
    assert any("http://localhost:" in step for step in provider.setup)


def test_a_pasted_address_gives_its_code_without_the_fragment() -> None:
    pasted = "  https://example.com/cb?code=AQDx_123&state=st#_  "
    assert code_from_pasted_url(pasted, "st") == "AQDx_123"


@pytest.mark.parametrize(
    ("pasted", "message"),
    [
        ("https://example.com/cb", "copy the whole address bar"),
        ("just some words", "copy the whole address bar"),
        ("https://example.com/cb?code=x&state=other", "state mismatch"),
        ("https://example.com/cb?error=access_denied&error_description=User+denied&state=st", "User denied"),
        ("https://example.com/cb?state=st", "no authorization code"),
    ],
)
def test_a_wrong_pasted_address_says_what_went_wrong(pasted: str, message: str) -> None:
    with pytest.raises(AuthorizationError, match=message):
        code_from_pasted_url(pasted, "st")
