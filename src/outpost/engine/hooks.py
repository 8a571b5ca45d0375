"""Hooks: the engine's events sent to the creator's own receivers (INTERFACE.md "Events and hooks").

`engine.hooks` adds, lists and removes hooks, and delivers the five events — `post_published`,
`post_failed`, `account_disconnected`, `engagement_spike`, `mention_received` — as one JSON body:

    {"event": "post_published", "at": "…Z", "sent_at": 1764676800, "delivery_id": "dlv_…",
     "data": {…the post or account as `outpost --json` prints it…}}

- A URL hook gets it as a POST with `X-Outpost-Signature: sha256=<hex HMAC-SHA256 of the raw
  body>` (the hook's secret, kept only in the keyring and shown once when the hook is made),
  `X-Outpost-Timestamp` (= the body's `sent_at`, so the signature covers it: a receiver refuses
  old or replayed bodies) and `X-Outpost-Delivery` (the same on every try: a receiver dedupes).
  A refused or failed try (no answer, 408, 429, 5xx) is tried again with exponential backoff and
  jitter — 5 tries over about half an hour; other 4xx answers are final.
- A command hook runs the command (split like a shell would, but without one) with the JSON on
  its standard input, under a time limit; its exit code is logged and kept.

Delivery never blocks publishing: events go into a bounded queue (a full queue drops and logs,
rather than holding the publisher), worked off by a task of its own. How each hook's latest
delivery went is kept in the store (`outpost hooks list`); secrets never reach the store or logs.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import random
import secrets
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from outpost import __version__
from outpost.domain.accounts import is_sandbox
from outpost.domain.enums import HealthState, PostStatus
from outpost.domain.errors import KnownError, SecretStoreError
from outpost.domain.hooks import Hook, HookDelivery, HookEvent, checked_event, checked_target
from outpost.domain.ids import new_id
from outpost.domain.shapes import account_json, iso, post_json
from outpost.engine.core import EngineCore
from outpost.engine.events import (
    AccountHealthDidChange,
    EngagementSpike,
    Event,
    MentionReceived,
    PostDidChange,
)

log = logging.getLogger("outpost.engine.hooks")

TRIES = 5
#: Pause after try n (seconds, before jitter): 1, 3, 9, then 20 minutes — about 33 minutes in all.
BACKOFF_S = (60.0, 180.0, 540.0, 1200.0)
JITTER = 0.2  # each pause is ±20 %, so many hooks failing together do not retry in step
REQUEST_TIMEOUT_S = 10.0
COMMAND_TIMEOUT_S = 30.0
QUEUE_SIZE = 200  # events waiting for delivery; past it new ones are dropped (and logged)
PARALLEL = 4  # deliveries in flight at once
CLOSE_GRACE_S = 5.0  # at shutdown, how long deliveries under way may finish
_RETRY_STATUSES = {408, 425, 429}
_HEALTH_CHECKPOINT = "hooks.health"  # per account: the health state hooks last saw


@dataclass(frozen=True)
class NewHook:
    """A hook just made, and its signing secret (URL hooks): the only time the secret is shown."""

    hook: Hook
    secret: str | None


@dataclass(frozen=True)
class _Outgoing:
    event: HookEvent
    at: datetime
    data: dict[str, Any]
    accounts: tuple[str, ...]  # the accounts it is about (none on the sandbox: it is not sent)


class HooksService:
    """`engine.hooks`: the creator's hooks, and their delivery in the background."""

    def __init__(
        self,
        core: EngineCore,
        *,
        backoff_s: tuple[float, ...] = BACKOFF_S,
        command_timeout_s: float = COMMAND_TIMEOUT_S,
        transport: httpx.AsyncBaseTransport | None = None,
        jitter: Callable[[], float] = lambda: random.uniform(1 - JITTER, 1 + JITTER),
    ) -> None:
        """The service over the engine's core.

        `backoff_s`: pauses between tries (the clock's `sleep`); `transport`: for the receivers'
        HTTP client (default: the real network — never the networks' fakes of a test).
        """
        self._core = core
        self._backoff = backoff_s
        self._command_timeout = command_timeout_s
        self._transport = transport
        self._jitter = jitter
        self._queue: asyncio.Queue[_Outgoing | PostDidChange | AccountHealthDidChange] | None = None
        self._worker: asyncio.Task[None] | None = None
        self._deliveries: set[asyncio.Task[None]] = set()
        self._slots = asyncio.Semaphore(PARALLEL)
        self._client: httpx.AsyncClient | None = None
        self._told: dict[str, PostStatus] = {}  # post id → the outcome hooks were told
        core.events.subscribe(self._on_event)

    # -- the creator's hooks -------------------------------------------------------------------------

    async def add(self, event: str, *, url: str | None = None, command: str | None = None) -> NewHook:
        """Make a hook; a URL hook's signing secret goes to the keyring first, then the hook is saved.

        Raises:
            ValidationError: an unknown event, both or neither of url/command, a malformed one.
            SecretStoreError: no keyring to keep the secret in (nothing is saved then).
        """
        kind = checked_event(event)
        url, command = checked_target(url, command)
        hook = Hook(
            id=new_id("hook"), event=kind, url=url, command=command, created_at=self._core.clock.now()
        )
        secret = None
        if url is not None:
            secret = secrets.token_hex(32)
            await self._core.secrets.write(hook.secret_ref, {"secret": secret})
        try:
            await self._core.db.run(self._core.store.hooks.insert, hook)
        except BaseException:
            if secret is not None:
                await self._core.secrets.delete(hook.secret_ref)
            raise
        log.info("hook %s added for %s (%s)", hook.id, kind.value, _where(hook))
        return NewHook(hook, secret)

    async def list(self) -> list[Hook]:
        """Every hook, oldest first, with how its latest delivery went."""
        return await self._core.db.run(self._core.store.hooks.all)

    async def remove(self, hook_id: str) -> Hook:
        """Forget a hook and delete its secret from the keyring.

        Raises:
            NotFoundError: no such hook.
        """
        hook = await self._core.db.run(self._core.store.hooks.get, hook_id)
        await self._core.db.run(self._core.store.hooks.delete, hook.id)
        if hook.url is not None:
            try:
                await self._core.secrets.delete(hook.secret_ref)
            except SecretStoreError as exc:
                log.warning("hook %s removed, but its secret stays in the keyring: %s", hook.id, exc)
        return hook

    # -- from events to deliveries ---------------------------------------------------------------

    def _on_event(self, event: Event) -> None:
        """Called by the event bus (synchronously): queue what hooks may want, never wait."""
        item: _Outgoing | PostDidChange | AccountHealthDidChange | None = None
        if isinstance(event, PostDidChange):
            item = self._post_outcome(event)
        elif isinstance(event, AccountHealthDidChange):
            item = event  # whether it is a disconnection needs the store: the worker decides
        elif isinstance(event, MentionReceived):
            item = _Outgoing(
                HookEvent.MENTION_RECEIVED, self._core.clock.now(), _mention_json(event), (event.account_id,)
            )
        elif isinstance(event, EngagementSpike):
            data = {
                "post_id": event.post_id,
                "account_id": event.account_id,
                "network": event.network,
                "message": event.message,
            }
            item = _Outgoing(HookEvent.ENGAGEMENT_SPIKE, self._core.clock.now(), data, (event.account_id,))
        if item is not None:
            self._enqueue(item)

    def _post_outcome(self, event: PostDidChange) -> _Outgoing | None:
        post = event.post
        if post is None or post.status not in (
            PostStatus.PUBLISHED,
            PostStatus.PARTIALLY_PUBLISHED,
            PostStatus.FAILED,
        ):
            return None
        if self._told.get(post.id) is post.status:
            return None
        self._told[post.id] = post.status
        kind = HookEvent.POST_FAILED if post.status is PostStatus.FAILED else HookEvent.POST_PUBLISHED
        accounts = tuple(t.account_id for t in post.targets)
        return _Outgoing(kind, self._core.clock.now(), post_json(post), accounts)

    def _enqueue(self, item: _Outgoing | PostDidChange | AccountHealthDidChange) -> None:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return  # no loop (a synchronous caller): nothing can be delivered from here
        if self._queue is None:
            self._queue = asyncio.Queue(QUEUE_SIZE)
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._work(), name="outpost-hooks")
        try:
            self._queue.put_nowait(item)
        except asyncio.QueueFull:
            log.warning("hooks: %d events wait for delivery already; one was dropped", QUEUE_SIZE)

    async def _work(self) -> None:
        assert self._queue is not None
        while True:
            item = await self._queue.get()
            try:
                outgoing = (
                    await self._disconnection(item) if isinstance(item, AccountHealthDidChange) else item
                )
                if isinstance(outgoing, _Outgoing):
                    await self._dispatch(outgoing)
            except KnownError as exc:
                log.warning("hooks: %s", exc)
            except Exception:
                log.exception("hooks: delivering an event failed")
            finally:
                self._queue.task_done()

    async def _disconnection(self, event: AccountHealthDidChange) -> _Outgoing | None:
        """An account that turned broken (its previous state as hooks last saw it, across restarts)."""
        account, core = event.account, self._core
        key = f"{account.id}:{_HEALTH_CHECKPOINT}"
        before = await core.db.run(core.store.checkpoints.get, key)
        state = account.health.state.value
        if before != state:
            await core.db.run(core.store.checkpoints.put, key, state, core.clock.now())
        if account.health.state is not HealthState.BROKEN or before == HealthState.BROKEN.value:
            return None
        return _Outgoing(
            HookEvent.ACCOUNT_DISCONNECTED, core.clock.now(), account_json(account), (account.id,)
        )

    async def _dispatch(self, outgoing: _Outgoing) -> None:
        if await self._only_sandbox(outgoing.accounts):
            return  # nothing written in sandbox mode leaves the computer (issue #17)
        hooks = await self._core.db.run(self._core.store.hooks.for_event, outgoing.event)
        for hook in hooks:
            task = asyncio.create_task(self._deliver(hook, outgoing), name=f"outpost-hook-{hook.id}")
            self._deliveries.add(task)
            task.add_done_callback(self._deliveries.discard)

    async def _only_sandbox(self, account_ids: tuple[str, ...]) -> bool:
        """Whether every account the event is about lives on the simulated network."""
        if not account_ids:
            return False
        for account_id in account_ids:
            try:
                account = await self._core.db.run(self._core.store.accounts.get, account_id)
            except KnownError:
                return False
            if not is_sandbox(account):
                return False
        return True

    async def _deliver(self, hook: Hook, outgoing: _Outgoing) -> None:
        delivery_id = new_id("dlv")
        async with self._slots:
            try:
                if hook.url is not None:
                    result = await self._post(hook, outgoing, delivery_id)
                else:
                    result = await self._run_command(hook, outgoing, delivery_id)
            except KnownError as exc:  # e.g. the keyring is locked: say it, keep the other hooks going
                log.warning("hook %s: %s", hook.id, exc)
                result = self._result(hook, outgoing, False, str(exc))
        try:
            await self._core.db.run(self._core.store.hooks.record_delivery, hook.id, result)
        except KnownError as exc:
            log.warning("hook %s: could not record the delivery: %s", hook.id, exc)

    # -- URL hooks ---------------------------------------------------------------------------------

    async def _post(self, hook: Hook, outgoing: _Outgoing, delivery_id: str) -> HookDelivery:
        assert hook.url is not None
        stored = await self._core.secrets.read(hook.secret_ref) or {}
        secret = stored.get("secret")
        if not secret:
            return self._result(hook, outgoing, False, "no signing secret in the keyring: add the hook again")
        status = ""
        for attempt in range(1, TRIES + 1):
            sent_at = int(self._core.clock.now().timestamp())
            body = _body(outgoing, delivery_id, sent_at)
            headers = {
                "Content-Type": "application/json",
                "User-Agent": f"Outpost/{__version__}",
                "X-Outpost-Event": outgoing.event.value,
                "X-Outpost-Delivery": delivery_id,
                "X-Outpost-Timestamp": str(sent_at),
                "X-Outpost-Signature": f"sha256={sign(secret, body)}",
            }
            retry = True
            try:
                response = await self._http().post(hook.url, content=body, headers=headers)
            except httpx.HTTPError as exc:
                status = f"no answer ({type(exc).__name__})"
            else:
                if response.is_success:
                    log.info(
                        "hook %s: %s delivered (HTTP %d)", hook.id, outgoing.event.value, response.status_code
                    )
                    return self._result(hook, outgoing, True, f"HTTP {response.status_code}")
                status = f"HTTP {response.status_code}"
                retry = response.status_code >= 500 or response.status_code in _RETRY_STATUSES
            if not retry or attempt == TRIES:
                break
            pause = self._backoff[min(attempt - 1, len(self._backoff) - 1)] * self._jitter()
            log.warning(
                "hook %s (%s): %s on try %d of %d; trying again in %.0f s",
                hook.id, _where(hook), status, attempt, TRIES, pause,
            )  # fmt: skip
            await self._core.clock.sleep(pause)
        final = f"{status}, gave up after {attempt} {'try' if attempt == 1 else 'tries'}"
        log.warning("hook %s (%s): %s %s", hook.id, _where(hook), outgoing.event.value, final)
        return self._result(hook, outgoing, False, final)

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(
                transport=self._transport, timeout=REQUEST_TIMEOUT_S, follow_redirects=False
            )
        return self._client

    # -- command hooks -----------------------------------------------------------------------------

    async def _run_command(self, hook: Hook, outgoing: _Outgoing, delivery_id: str) -> HookDelivery:
        assert hook.command is not None
        body = _body(outgoing, delivery_id, int(self._core.clock.now().timestamp()))
        words = shlex.split(hook.command)
        try:
            process = await asyncio.create_subprocess_exec(
                *words,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.PIPE,
            )
        except OSError as exc:
            log.warning("hook %s: cannot run %r: %s", hook.id, words[0], exc)
            return self._result(hook, outgoing, False, f"cannot run {words[0]}: {exc.strerror or exc}")
        try:
            _, errors = await asyncio.wait_for(process.communicate(body), self._command_timeout)
        except TimeoutError:
            process.kill()
            await process.wait()
            log.warning(
                "hook %s: %r still ran after %.0f s; stopped", hook.id, words[0], self._command_timeout
            )
            return self._result(hook, outgoing, False, f"timed out after {self._command_timeout:.0f} s")
        code = process.returncode
        said = errors.decode(errors="replace").strip().splitlines()[-1:] if errors else []
        if code == 0:
            log.info("hook %s: %s given to %r (exit 0)", hook.id, outgoing.event.value, words[0])
        else:
            log.warning("hook %s: %r exited %s%s", hook.id, words[0], code, f": {said[0]}" if said else "")
        return self._result(hook, outgoing, code == 0, f"exit {code}")

    def _result(self, hook: Hook, outgoing: _Outgoing, ok: bool, status: str) -> HookDelivery:
        return HookDelivery(at=self._core.clock.now(), ok=ok, status=status, event=outgoing.event.value)

    # -- lifecycle ---------------------------------------------------------------------------------

    async def drain(self) -> None:
        """Wait until every queued event has been handed to its hooks and every delivery ended."""
        while True:
            if self._queue is not None:
                await self._queue.join()
            if not self._deliveries:
                return
            await asyncio.gather(*list(self._deliveries), return_exceptions=True)

    async def close(self) -> None:
        """Give queued events and deliveries under way a moment, then stop.

        A one-shot command (`outpost post create --now`) still delivers what it published; a
        retry still waiting when the moment is up is abandoned (and said in the log).
        """
        try:
            async with asyncio.timeout(CLOSE_GRACE_S):
                await self.drain()
        except TimeoutError:
            log.warning("hooks: deliveries still under way at shutdown were abandoned")
        tasks = [*self._deliveries, *([self._worker] if self._worker else [])]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._worker = None
        if self._client is not None:
            await self._client.aclose()
            self._client = None


def sign(secret: str, body: bytes) -> str:
    """The hex HMAC-SHA256 of `body` with the hook's secret (what `X-Outpost-Signature` carries)."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _body(outgoing: _Outgoing, delivery_id: str, sent_at: int) -> bytes:
    document = {
        "event": outgoing.event.value,
        "at": iso(outgoing.at),
        "sent_at": sent_at,
        "delivery_id": delivery_id,
        "data": outgoing.data,
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def _mention_json(event: MentionReceived) -> dict[str, Any]:
    return {
        "account_id": event.account_id,
        "network": event.network,
        "author": event.author,
        "text": event.text,
        "url": event.url,
        "id": event.mention_id,
        "created_at": iso(event.created_at),
    }


def _where(hook: Hook) -> str:
    """Where a hook goes, for logs: a URL's host only (its path may hold a token), a command's name."""
    if hook.url is not None:
        return urlsplit(hook.url).netloc
    return shlex.split(hook.command or "")[0] if hook.command else "?"
