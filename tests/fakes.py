"""Fakes that satisfy Outpost's real interfaces: a scriptable network, a clock, a secret store.

`FakeNetwork` behaves like a strict remote service: it keeps what was published, refuses what a
real network refuses (over-length text, a bad token), and can be told to fail the next calls in
the ways networks fail (5xx, 429, timeouts after receiving the request). Tests assert on what
the *network* received — e.g. that nothing arrived twice — not on which functions were called.
"""

from __future__ import annotations

import asyncio
import functools
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx

from outpost.adapters.base import (
    AccountContext,
    AddAccountRequest,
    MediaHost,
    NetworkAdapter,
    PartRequest,
    UploadedMedia,
    VerifiedAccount,
)
from outpost.adapters.registry import AdapterRegistry
from outpost.domain.capabilities import Capabilities, OptionKind, OptionSpec
from outpost.domain.clock import Clock
from outpost.domain.enums import Network
from outpost.domain.errors import (
    AuthExpired,
    NetworkUnavailable,
    PublishError,
    RateLimited,
    Rejected,
    ServerError,
)
from outpost.domain.media_rules import ImageRules, MediaRules, VideoRules
from outpost.domain.models import HealthReport, MediaAsset, PublishedPart

START = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


class FakeClock:
    """A clock that moves only when told; `sleep` advances it at once and records the wait."""

    def __init__(self, start: datetime = START) -> None:
        self._now = start
        self._monotonic = 1000.0
        self.sleeps: list[float] = []
        self._waiters: list[tuple[datetime | None, asyncio.Future[None]]] = []

    def now(self) -> datetime:
        return self._now

    def monotonic(self) -> float:
        return self._monotonic

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.advance(timedelta(seconds=seconds))
        await asyncio.sleep(0)

    async def wait_until(self, deadline: datetime | None, wake: asyncio.Event) -> None:
        if deadline is not None and deadline <= self._now:
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry = (deadline, future)
        self._waiters.append(entry)
        woken = asyncio.ensure_future(wake.wait())
        try:
            await asyncio.wait({future, woken}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            woken.cancel()
            self._waiters.remove(entry)

    @property
    def waiting_until(self) -> list[datetime | None]:
        """Deadlines of everyone waiting now (the scheduler's next wake-up)."""
        return [d for d, _ in self._waiters]

    def advance(self, delta: timedelta) -> None:
        self.set(self._now + delta)

    def set(self, when: datetime) -> None:
        """Move the clock (forwards or backwards); monotonic time moves forwards alike, never back."""
        self._monotonic += max(0.0, (when - self._now).total_seconds())
        self._move_wall(when)

    def suspend(self, delta: timedelta) -> None:
        """The machine sleeps for `delta`: the wall clock jumps, monotonic time stands still."""
        self._move_wall(self._now + delta)

    def _move_wall(self, when: datetime) -> None:
        self._now = when
        for deadline, future in self._waiters:
            if deadline is not None and deadline <= when and not future.done():
                future.set_result(None)


class MemorySecretStore:
    """The SecretStore protocol over a dict (what the keyring would hold)."""

    def __init__(self) -> None:
        self.secrets: dict[str, dict[str, str]] = {}

    def get(self, ref: str) -> dict[str, str] | None:
        return self.secrets.get(ref)

    def set(self, ref: str, secret: dict[str, str]) -> None:
        self.secrets[ref] = dict(secret)

    def delete(self, ref: str) -> None:
        self.secrets.pop(ref, None)


@dataclass
class Received:
    """A create request as the network received it."""

    account: str
    text: str
    index: int
    idempotency_key: str
    reply_to: str | None
    media: tuple[str, ...]
    options: dict[str, object]


Failure = Callable[[], PublishError] | None  # None: this request succeeds


@dataclass
class FakeNetwork:
    """The remote side: what it holds and how it will misbehave next.

    Attributes:
        posts: every create it *acted on*, in order (a duplicate shows up twice).
        fail_next_create: failures for the next create requests, in order (None: that one
            succeeds); a failure built with
            `may_have_taken_effect=True` is applied *after* the post was stored (the answer was lost).
        delay: seconds each create takes (real time), to observe concurrency.
        gate: when set, creates wait for it (to look at the store mid-publish).
    """

    network: Network = Network.MASTODON
    max_length: int = 500
    server_max_length: int | None = None
    idempotent: bool = False
    #: How it takes a first comment ("self_reply", "comment"), None for not at all (issue #22).
    first_comment: str | None = None
    posts: list[Received] = field(default_factory=list)
    uploads: list[str] = field(default_factory=list)
    tokens: set[str] = field(default_factory=lambda: {"good-token"})
    fail_next_create: list[Failure] = field(default_factory=list)
    fail_next_upload: list[Failure] = field(default_factory=list)
    delay: float = 0.0
    gate: asyncio.Event | None = None
    gated_handles: set[str] | None = None
    gate_after_store: bool = False
    gate_index: int | None = None
    upload_calls: int = 0
    upload_gate: asyncio.Event | None = None
    in_flight: int = 0
    max_in_flight: int = 0
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _by_key: dict[str, PublishedPart] = field(default_factory=dict)


def may_have_published(message: str = "read timeout") -> Failure:
    return lambda: NetworkUnavailable(message, may_have_taken_effect=True)


def refused_connection() -> Failure:
    return lambda: NetworkUnavailable("connection refused", may_have_taken_effect=False)


def server_error() -> Failure:
    return lambda: ServerError("HTTP 503", may_have_taken_effect=True)


def rate_limited(clock: FakeClock, seconds: float) -> Failure:
    return lambda: RateLimited(
        "HTTP 429", retry_at=clock.now() + timedelta(seconds=seconds), retry_after_s=seconds
    )


class FakeAdapter(NetworkAdapter):
    """A `NetworkAdapter` whose network is a `FakeNetwork` in memory."""

    network = Network.MASTODON

    def __init__(
        self,
        client: httpx.AsyncClient,
        remote: FakeNetwork,
        *,
        clock: Clock,
        media_host: MediaHost | None = None,
    ) -> None:
        super().__init__(client, clock=clock, media_host=media_host)
        self.remote = remote
        self.idempotent_publish = remote.idempotent  # type: ignore[misc]
        self.network = remote.network  # type: ignore[misc]
        self.first_comment = remote.first_comment  # type: ignore[assignment]

    async def capabilities(self, ctx: AccountContext | None) -> Capabilities:
        return Capabilities(
            network=self.remote.network,
            max_length=self.remote.max_length,
            length_unit="characters",
            count_length=len,
            media=MediaRules(
                self.remote.network,
                max_items=4,
                image=ImageRules(frozenset({"image/png", "image/jpeg"}), max_bytes=10_000_000),
                gif=ImageRules(frozenset({"image/gif"}), max_bytes=10_000_000, convert_to=None),
                video=VideoRules(frozenset({"video/mp4"})),
            ),
            max_alt_text=1500,
            supports_threads=True,
            options=(
                OptionSpec(
                    "visibility", OptionKind.CHOICE, "Who can see it", ("public", "unlisted", "private")
                ),
                OptionSpec("sensitive", OptionKind.BOOL, "Mark media as sensitive"),
            ),
        )

    async def add_account(self, request: AddAccountRequest) -> VerifiedAccount:
        if request.access_token not in self.remote.tokens:
            raise AuthExpired("The access token is invalid")
        return VerifiedAccount(
            handle=request.handle or "alice@fake.example",
            display_name="Alice",
            service_url=request.service_url or "https://fake.example",
            credentials={"access_token": request.access_token or ""},
            health=HealthReport.summarise(checked_at=START),
        )

    async def verify_credentials(self, ctx: AccountContext) -> HealthReport:
        token = (await ctx.credentials()).get("access_token")
        if token not in self.remote.tokens:
            raise AuthExpired("The access token was revoked")
        return HealthReport.summarise()

    async def upload_media(self, ctx: AccountContext, media: MediaAsset, progress=None) -> UploadedMedia:
        await self._authorise(ctx)
        self.remote.upload_calls += 1
        if self.remote.upload_gate is not None:
            await self.remote.upload_gate.wait()
        script = self.remote.fail_next_upload.pop(0) if self.remote.fail_next_upload else None
        if script is not None:
            raise script()
        self.remote.uploads.append(media.path)
        return UploadedMedia(media, remote_id=f"m{len(self.remote.uploads)}")

    async def publish(self, ctx: AccountContext, part: PartRequest) -> PublishedPart:
        await self._authorise(ctx)
        remote = self.remote
        remote.in_flight += 1
        remote.max_in_flight = max(remote.max_in_flight, remote.in_flight)
        try:
            if remote.delay:
                await asyncio.sleep(remote.delay)
            gated = (
                remote.gate is not None
                and (remote.gated_handles is None or ctx.account.handle in remote.gated_handles)
                and (remote.gate_index is None or part.index == remote.gate_index)
            )
            if gated and not remote.gate_after_store:
                await remote.gate.wait()
            published = self._create(ctx, part)
            if gated and remote.gate_after_store:
                await remote.gate.wait()  # stored; the answer is still to come
            return published
        finally:
            remote.in_flight -= 1

    async def post_comment(
        self, ctx: AccountContext, on: PublishedPart, text: str, idempotency_key: str
    ) -> PublishedPart:
        """A first comment: one more create, replying to `on` (failures scripted as for posts)."""
        if self.first_comment is None:
            return await super().post_comment(ctx, on, text, idempotency_key)
        await self._authorise(ctx)
        request = PartRequest(
            index=-1, text=text, media=(), options={}, idempotency_key=idempotency_key, reply_to=on
        )
        return self._create(ctx, request)

    def _create(self, ctx: AccountContext, part: PartRequest) -> PublishedPart:
        remote = self.remote
        script = remote.fail_next_create.pop(0) if remote.fail_next_create else None
        failure = script() if script is not None else None
        if failure is not None and not failure.may_have_taken_effect:
            raise failure
        if remote.idempotent and part.idempotency_key in remote._by_key:
            published = remote._by_key[part.idempotency_key]
        else:
            published = self._store(ctx, part)
        if failure is not None:
            raise failure  # acted on, but the answer never arrived
        return published

    def _store(self, ctx: AccountContext, part: PartRequest) -> PublishedPart:
        remote = self.remote
        limit = remote.server_max_length or remote.max_length
        if len(part.text) > limit:
            raise Rejected(f"Text character limit of {limit} exceeded")
        number = next(remote._ids)
        remote.posts.append(
            Received(
                account=ctx.account.handle,
                text=part.text,
                index=part.index,
                idempotency_key=part.idempotency_key,
                reply_to=part.reply_to.platform_post_id if part.reply_to else None,
                media=tuple(m.remote_id for m in part.media),
                options=dict(part.options),
            )
        )
        published = PublishedPart(
            platform_post_id=str(number), permalink=f"https://fake.example/@alice/{number}"
        )
        remote._by_key[part.idempotency_key] = published
        return published

    async def _authorise(self, ctx: AccountContext) -> None:
        token = (await ctx.credentials()).get("access_token")
        if token not in self.remote.tokens:
            raise AuthExpired("The access token is invalid")


def fake_registry(*remotes: FakeNetwork) -> AdapterRegistry:
    """A registry whose networks are the given fakes (one per network)."""
    return AdapterRegistry({r.network: functools.partial(FakeAdapter, remote=r) for r in remotes})
