"""The one-shot sign-in listener, driven by a real HTTP client over loopback."""

from __future__ import annotations

import asyncio
import socket

import httpx
import pytest

from outpost.auth.oauth import AuthorizationError, LoopbackRedirect

pytestmark = pytest.mark.asyncio


async def _browser_visits(url: str) -> httpx.Response:
    async with httpx.AsyncClient() as client:
        return await client.get(url)


async def test_the_code_comes_back_and_the_browser_is_told_to_close_the_tab() -> None:
    async with LoopbackRedirect(timeout=5) as redirect:
        assert redirect.uri.startswith("http://127.0.0.1:") and redirect.uri.endswith("/callback")
        visit = asyncio.create_task(_browser_visits(f"{redirect.uri}?code=abc&state=s1"))
        assert await redirect.code("s1") == "abc"
        response = await visit
    assert response.status_code == 200
    assert "close this tab" in response.text


async def test_a_stray_request_elsewhere_is_ignored_and_the_real_one_still_counts() -> None:
    async with LoopbackRedirect(timeout=5) as redirect:
        base = redirect.uri.removesuffix("/callback")
        stray = await _browser_visits(f"{base}/favicon.ico")
        assert stray.status_code == 404
        visit = asyncio.create_task(_browser_visits(f"{redirect.uri}?code=abc&state=s1"))
        assert await redirect.code("s1") == "abc"
        await visit


async def test_an_answer_for_another_sign_in_is_refused() -> None:
    async with LoopbackRedirect(timeout=5) as redirect:
        visit = asyncio.create_task(_browser_visits(f"{redirect.uri}?code=abc&state=forged"))
        with pytest.raises(AuthorizationError, match="state mismatch"):
            await redirect.code("s1")
        await visit


async def test_a_denied_consent_says_so() -> None:
    async with LoopbackRedirect(timeout=5) as redirect:
        url = f"{redirect.uri}?error=access_denied&error_description=The+user+denied&state=s1"
        visit = asyncio.create_task(_browser_visits(url))
        with pytest.raises(AuthorizationError, match="The user denied"):
            await redirect.code("s1")
        assert "not completed" in (await visit).text


async def test_waiting_gives_up_after_the_timeout_and_frees_the_port() -> None:
    async with LoopbackRedirect(timeout=0.2) as redirect:
        port = int(redirect.uri.split(":")[2].split("/")[0])
        with pytest.raises(AuthorizationError, match="timed out"):
            await redirect.code("s1")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", port))  # free again: a retry can listen there


async def test_a_taken_port_is_named_in_the_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(AuthorizationError, match=f"127.0.0.1:{port}.*another program"):
            async with LoopbackRedirect(port):
                pass
