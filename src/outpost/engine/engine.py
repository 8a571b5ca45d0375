"""The engine facade: the only API the window and the command line call.

Everything here is async and Qt-free. The engine owns the store (through one worker thread),
the adapters and their shared HTTP client, the publisher and the scheduler. It reports what
changed through `events` (an `EventBus`), which the GUI turns into Qt signals.

Lifecycle: `Engine.open(...)` → optionally `await start()` (recover abandoned publishes, handle
missed posts, run the scheduler) → calls → `await close()`. It is also an async context manager.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from types import TracebackType
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from pydantic import ValidationError as PydanticValidationError

from outpost.adapters.base import AddAccountRequest, DeveloperApp, VerifiedAccount
from outpost.adapters.http import build_client
from outpost.adapters.registry import AdapterRegistry, default_registry
from outpost.auth.oauth import OpenUrl, open_in_browser
from outpost.auth.providers import DEFAULT_PORT
from outpost.auth.secrets import KeyringSecretStore, SecretStore, SecretVault
from outpost.config.settings import WEEKDAYS, Settings, load_settings, save_settings
from outpost.domain.calendar import CalendarDays
from outpost.domain.capabilities import Capabilities
from outpost.domain.enums import ErrorCode, MissedPostPolicy, Network, PostStatus, TargetStatus
from outpost.domain.errors import (
    AuthExpired,
    InvalidStateError,
    KnownError,
    Problem,
    PublishError,
    RateLimited,
    Rejected,
    StoreError,
    ValidationError,
)
from outpost.domain.ids import new_id
from outpost.domain.models import (
    Account,
    HealthReport,
    MediaAsset,
    Post,
    PublishedPart,
    Target,
    TargetError,
)
from outpost.domain.schedule import local_zone_name, resolve_schedule
from outpost.engine import composer
from outpost.engine.clock import Clock, SystemClock
from outpost.engine.composer import PostChanges, PostInput, When
from outpost.engine.connections import Connections
from outpost.engine.events import (
    AccountDidChange,
    AccountHealthDidChange,
    EngineStateDidChange,
    EventBus,
    PostDidChange,
    PostsWereMissed,
    SettingsDidChange,
)
from outpost.engine.health import HealthMonitor
from outpost.engine.instance import InstanceLock
from outpost.engine.publisher import Publisher
from outpost.engine.recovery import hold_missed, late_posts, recover_abandoned
from outpost.engine.scheduler import Scheduler
from outpost.engine.worker import StoreWorker
from outpost.media.pipeline import MediaPipeline
from outpost.paths import run_dir
from outpost.store import Store

log = logging.getLogger("outpost.engine")

_EDITABLE = (PostStatus.DRAFT, PostStatus.SCHEDULED, PostStatus.FAILED, PostStatus.NEEDS_REVIEW)
_UNTOUCHED_TARGETS = (TargetStatus.PENDING, TargetStatus.FAILED, TargetStatus.CANCELLED)
_DRAIN_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class Removal:
    """A removed account, and one sentence on Outpost's access at the network (revoked or what to do)."""

    account: Account
    network_access: str


@dataclass(frozen=True)
class _Staged:
    """A post assembled from input, not yet saved."""

    post: Post
    accounts: dict[str, Account]


class Engine:
    """Outpost's single async facade over store, adapters, publisher and scheduler.

    Guarantees:
    - A post never disappears: every change is committed before it is reported.
    - A post is never published twice by Outpost: targets are claimed atomically, results are
      saved the moment they are known, and an uncertain create becomes `unknown`.
    - Validation reports every problem of a post at once, before anything is sent.

    Attributes:
        events: where the engine reports changes (`PostDidChange`, `AccountHealthDidChange`, …).
        settings: the settings the engine runs with.
    """

    def __init__(
        self,
        *,
        data_dir: Path,
        store: Store,
        secrets: SecretStore,
        registry: AdapterRegistry,
        clock: Clock,
        settings: Settings,
        client: httpx.AsyncClient,
    ) -> None:
        self.data_dir = data_dir
        self.settings = settings
        self.events = EventBus()
        self.clock = clock
        self._store = store
        self._secrets = SecretVault(secrets)
        self._db = StoreWorker()
        self._lock = InstanceLock(run_dir(data_dir))
        self._connections = Connections(registry, client, self._secrets)
        self.media = MediaPipeline(data_dir / "cache" / "media")
        self._publisher = Publisher(
            store=store,
            worker=self._db,
            connections=self._connections,
            clock=clock,
            events=self.events,
            owner=self._lock.owner,
            media=self.media,
        )
        self._scheduler = Scheduler(
            store=store, worker=self._db, clock=clock, publish=self._publish_safely, on_state=self._state
        )
        self._scheduler_task: asyncio.Task[None] | None = None
        self._health = HealthMonitor(
            clock=clock,
            check_all=self.check_accounts,
            interval=timedelta(minutes=settings.health_check_minutes),
        )
        self._health_task: asyncio.Task[None] | None = None
        self._background: set[asyncio.Task[object]] = set()

    @classmethod
    def open(
        cls,
        data_dir: Path,
        *,
        registry: AdapterRegistry | None = None,
        secrets: SecretStore | None = None,
        clock: Clock | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> Engine:
        """An engine over the data folder `data_dir` (created if needed)."""
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)  # posts are private until published
        settings = load_settings(data_dir)
        store = Store(data_dir)
        return cls(
            data_dir=data_dir,
            store=store,
            secrets=secrets or KeyringSecretStore(),
            registry=registry or default_registry(),
            clock=clock or SystemClock(),
            settings=settings,
            client=build_client(transport),
        )

    async def __aenter__(self) -> Engine:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    # -- lifecycle ---------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        """Whether the scheduler runs."""
        return self._scheduler_task is not None and not self._scheduler_task.done()

    @property
    def paused(self) -> bool:
        """Whether publishing of due posts is paused."""
        return self._scheduler.paused

    @property
    def next_due_at(self) -> datetime | None:
        """When the next scheduled post is due, as the scheduler last saw it."""
        return self._scheduler.next_due_at

    async def start(self) -> list[Post]:
        """Recover abandoned publishes, deal with missed posts, start the scheduler.

        Returns:
            The posts that came due while Outpost was not running (held or about to go out,
            by the missed-post setting).
        """
        resume = await recover_abandoned(
            store=self._store,
            worker=self._db,
            connections=self._connections,
            lock=self._lock,
            now=self.clock.now(),
        )
        for post_id in resume:
            self._spawn(self._publish_safely(post_id))
        missed = await self._handle_missed()
        await self.sweep_media_cache()
        await self._back_up()
        self._scheduler_task = asyncio.create_task(self._scheduler.run(), name="outpost-scheduler")
        self._health_task = asyncio.create_task(self._health.run(), name="outpost-health")
        return missed

    async def _back_up(self) -> None:
        """The daily database backup; a failed backup is logged and never stops publishing."""
        try:
            taken = await self._db.run(self._store.back_up_if_due, self.clock.now())
        except StoreError as exc:
            log.warning("%s", exc)
        else:
            if taken is not None:
                log.info("database backed up to %s", taken)

    async def _handle_missed(self) -> list[Post]:
        grace = timedelta(minutes=self.settings.missed_grace_minutes)
        hold = self.settings.missed_post_policy is MissedPostPolicy.HOLD
        finder = hold_missed if hold else late_posts
        missed = await finder(store=self._store, worker=self._db, now=self.clock.now(), grace=grace)
        if missed:
            log.warning(
                "%d post(s) came due while Outpost was closed (%s)",
                len(missed),
                "held" if hold else "publishing late",
            )
            for post in missed:
                self.events.emit(PostDidChange(post.id, post))
            self.events.emit(PostsWereMissed(tuple(missed), held=hold))
        return missed

    async def wait_idle(self) -> None:
        """Return once nothing is due now and no publish is running (`outpost run --until-idle`)."""
        while True:
            await asyncio.sleep(0.05)
            due = await self._db.run(self._store.posts.due_post_ids, self.clock.now())
            if not due and not self._background and self._scheduler.in_flight == 0:
                return

    def update_settings(self, **changes: object) -> Settings:
        """Change settings (validated), save them atomically, tell everyone which keys changed.

        Raises:
            ValidationError: a value breaks the setting's rules (named in the message).
        """
        try:
            updated = Settings.model_validate({**self.settings.model_dump(), **changes})
        except PydanticValidationError as error:
            problems = [
                Problem(
                    field=".".join(str(p) for p in e["loc"]),
                    message=f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}",
                )
                for e in error.errors()
            ]
            raise ValidationError(problems) from None
        changed = tuple(k for k in changes if getattr(updated, k) != getattr(self.settings, k))
        self.settings = updated
        save_settings(self.data_dir, updated)
        if changed:
            self.events.emit(SettingsDidChange(changed))
        return updated

    async def next_free_slot(self, *, after: datetime | None = None) -> tuple[datetime, str]:
        """The next time slot of the posting schedule that no scheduled post takes (UTC, zone).

        Slots are wall-clock times in the default zone, so they stay at 09:00 across DST changes;
        a slot that falls into a DST gap is skipped.

        Raises:
            ValidationError: there is no posting schedule, or no free slot in the next 8 weeks.
        """
        schedule = self.settings.posting_schedule
        if not schedule:
            raise ValidationError.single(
                "posting_schedule", "posting_schedule: set time slots per weekday in Settings first."
            )
        zone_name = self.settings.default_timezone or local_zone_name()
        zone = ZoneInfo(zone_name)
        start = (after or self.clock.now()).astimezone(zone)
        taken = {p.scheduled_at for p in await self.list_posts([PostStatus.SCHEDULED]) if p.scheduled_at}
        for offset in range(7 * 8):
            day = (start + timedelta(days=offset)).date()
            for slot in schedule.get(WEEKDAYS[day.weekday()], []):
                hour, minute = (int(x) for x in slot.split(":"))
                local = datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)
                instant = local.astimezone(UTC)
                if instant.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
                    continue  # a DST gap: that wall-clock time does not exist this day
                if instant > start and instant not in taken:
                    return instant, zone_name
        raise ValidationError.single(
            "posting_schedule", "posting_schedule: every slot of the next 8 weeks is taken."
        )

    async def add_to_queue(self, post_id: str) -> Post:
        """Schedule a post into the next free slot of the posting schedule."""
        instant, zone = await self.next_free_slot()
        return await self.schedule_post(post_id, instant.strftime("%Y-%m-%dT%H:%M:%SZ"), zone)

    async def set_developer_app(
        self,
        network: Network,
        client_id: str,
        client_secret: str = "",
        redirect_port: int = DEFAULT_PORT,
        *,
        pkce: bool = False,
    ) -> None:
        """Keep the client id (and secret) of the person's own developer app, in the keyring only.

        `redirect_port` is the port of the redirect URI registered with the app
        (`http://127.0.0.1:PORT/callback`), which X and LinkedIn match exactly; `pkce` says the
        network enabled PKCE for the app where that is optional (LinkedIn).
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
        await self._secrets.write(
            f"devapp/{network.value}",
            {
                "client_id": client_id.strip(),
                "client_secret": client_secret.strip(),
                "redirect_port": str(redirect_port),
                "pkce": "1" if pkce else "0",
            },
        )

    async def developer_app(self, network: Network) -> DeveloperApp | None:
        """The developer app kept for `network`, if any (its secret stays in the keyring)."""
        stored = await self._secrets.read(f"devapp/{network.value}")
        return DeveloperApp.from_secret(stored) if stored and stored.get("client_id") else None

    def remember_draft(self, post_id: str | None) -> None:
        """Note which draft the composer has open, so the next start reopens it."""
        if self.settings.composer_draft_id != post_id:
            self.settings.composer_draft_id = post_id
            save_settings(self.data_dir, self.settings)

    async def open_draft(self) -> Post | None:
        """The draft the composer had open when Outpost last closed, if it is still a draft."""
        post_id = self.settings.composer_draft_id
        if post_id is None:
            return None
        try:
            post = await self.get_post(post_id)
        except KnownError:
            return None
        return post if post.status is PostStatus.DRAFT else None

    def pause(self) -> None:
        """Stop publishing due posts until `resume()` (in-flight publishes finish)."""
        self._scheduler.pause()
        self._state(self._scheduler.next_due_at)

    def resume(self) -> None:
        """Publish due posts again."""
        self._scheduler.resume()
        self._state(self._scheduler.next_due_at)

    def _state(self, next_due_at: datetime | None) -> None:
        self.events.emit(EngineStateDidChange(self.running, self._scheduler.paused, next_due_at))

    async def close(self) -> None:
        """Stop the scheduler, let in-flight publishes finish (bounded), release everything."""
        for task in (self._scheduler_task, self._health_task):
            if task is not None:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
        self._scheduler_task = self._health_task = None
        pending = [*self._background]
        try:
            async with asyncio.timeout(_DRAIN_TIMEOUT_S):
                await self._scheduler.drain()
                await asyncio.gather(*pending, return_exceptions=True)
        except TimeoutError:
            log.warning("publishes still running at shutdown; a restart will recover them")
        await self._connections.aclose()
        self.media.close()
        self._db.close()
        self._store.close()
        self._lock.release()

    def _spawn(self, coro: Coroutine[Any, Any, object]) -> None:
        task: asyncio.Task[object] = asyncio.create_task(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _publish_safely(self, post_id: str) -> None:
        try:
            await self._publish(post_id)
        except Exception:
            log.exception("publishing %s stopped unexpectedly", post_id)

    async def _publish(self, post_id: str) -> Post:
        """Publish, then drop derived media copies no post needs any more."""
        post = await self._publisher.publish(post_id)
        await self.sweep_media_cache()
        return post

    # -- accounts ----------------------------------------------------------------------------------

    async def list_accounts(self) -> list[Account]:
        """Connected accounts."""
        return await self._db.run(self._store.accounts.all)

    async def get_account(self, ref: str) -> Account:
        """The connected account named by id or `network:handle`."""
        return await self._db.run(self._store.accounts.find, ref)

    @property
    def networks(self) -> list[Network]:
        """The networks this version can talk to."""
        return self._connections.registry.networks

    async def add_account(self, network: Network, request: AddAccountRequest) -> Account:
        """Verify credentials with the network, keep the secret in the keyring, save the account.

        Raises:
            NetworkNotAvailableError: no adapter for `network`.
            ValidationError: the network refused the credentials (with its reason).
            SecretStoreError: no usable keyring; nothing was saved.
        """
        adapter = self._connections.adapter(network)
        if request.app is None:
            request = dataclasses.replace(request, app=await self.developer_app(network))
        try:
            verified = await adapter.add_account(request)
        except (Rejected, AuthExpired) as exc:
            raise ValidationError.single(
                "credentials", f"{network.label} refused the credentials: {exc}", network=network.value
            ) from None
        return await self._save_account(network, verified)

    async def connect_account(
        self,
        network: Network,
        *,
        instance: str | None = None,
        target: str | None = None,
        open_url: OpenUrl = open_in_browser,
    ) -> Account:
        """Connect an account through the network's sign-in page in the browser.

        Raises:
            NetworkNotAvailableError: no adapter for `network`.
            InvalidStateError: the network has no browser sign-in here (use `add_account`).
            AuthorizationError: the sign-in was refused, timed out or did not match.
        """
        adapter = self._connections.adapter(network)
        app = await self.developer_app(network)
        verified = await adapter.connect(service_url=instance, open_url=open_url, app=app, target_id=target)
        return await self._save_account(network, verified)

    async def reconnect_account(
        self, ref: str, request: AddAccountRequest | None = None, *, open_url: OpenUrl = open_in_browser
    ) -> Account:
        """New credentials for an existing account (browser sign-in when `request` is None).

        The account keeps its id and history; the new secret replaces the old one in the keyring.

        Raises:
            ValidationError: the network refused, or the sign-in was for a different account.
        """
        account = await self.get_account(ref)
        adapter = self._connections.adapter(account.network)
        try:
            app = await self.developer_app(account.network)
            if request is None:
                verified = await adapter.connect(
                    service_url=account.service_url, open_url=open_url, app=app, target_id=account.target_id
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
        await self._secrets.write(account.secret_ref, verified.credentials)
        await self._db.run(self._store.accounts.set_health, account.id, verified.health)
        updated = await self._db.run(self._store.accounts.get, account.id)
        self.events.emit(AccountHealthDidChange(updated))
        return updated

    async def _save_account(self, network: Network, verified: VerifiedAccount) -> Account:
        """Keyring first, then the database: a keyring failure leaves nothing half-saved."""
        account_id = new_id("acc")
        account = Account(
            id=account_id,
            network=network,
            handle=verified.handle,
            display_name=verified.display_name,
            service_url=verified.service_url,
            target_id=verified.target_id,
            secret_ref=f"{network.value}/{account_id}",
            created_at=self.clock.now(),
            health=verified.health,
        )
        await self._secrets.write(account.secret_ref, verified.credentials)
        try:
            await self._db.run(self._store.accounts.insert, account)
        except BaseException:
            await self._secrets.delete(account.secret_ref)
            raise
        self.events.emit(AccountDidChange(account))
        return account

    async def check_accounts(self, ref: str | None = None) -> list[Account]:
        """Ask each network (or the one account named) whether the connection works."""
        accounts = [await self.get_account(ref)] if ref else await self.list_accounts()
        checked = []
        for account in accounts:
            health = await self._check(account)
            await self._db.run(self._store.accounts.set_health, account.id, health)
            updated = await self._db.run(self._store.accounts.get, account.id)
            self.events.emit(AccountHealthDidChange(updated))
            checked.append(updated)
        return checked

    async def _check(self, account: Account) -> HealthReport:
        now = self.clock.now()
        previous = account.health
        try:
            adapter = self._connections.adapter(account.network)
            report = await adapter.verify_credentials(self._connections.context(account))
        except AuthExpired as exc:
            return HealthReport.summarise(token_is_valid=False, checked_at=now, message=str(exc))
        except RateLimited as exc:
            return HealthReport.summarise(
                rate_limited=True, rate_limit_reset_at=exc.retry_at, checked_at=now, message=str(exc)
            )
        except KnownError as exc:
            return previous.model_copy(update={"checked_at": now, "message": str(exc)})
        return report.model_copy(update={"checked_at": report.checked_at or now})

    async def remove_account(self, ref: str) -> Removal:
        """Revoke Outpost's access at the network, stop using the account and delete its secrets.

        Its posts keep their history. The account is removed even when the network cannot be
        reached (the person asked for it); `Removal.network_access` says what is left to do there.
        """
        account = await self.get_account(ref)
        try:
            adapter = self._connections.adapter(account.network)
            network_access = await adapter.revoke(self._connections.context(account))
        except KnownError as exc:
            network_access = (
                f"Outpost could not revoke its access at {account.network.label} ({exc}); remove it "
                f"in the account's settings there."
            )
            log.warning("revoking access for %s failed: %s", account.ref, exc)
        await self._db.run(self._store.accounts.mark_removed, account.id, self.clock.now())
        await self._secrets.delete(account.secret_ref)
        removed = await self._db.run(self._store.accounts.get, account.id)
        self.events.emit(AccountDidChange(removed))
        return Removal(removed, network_access)

    # -- posts: reading ----------------------------------------------------------------------------

    async def list_posts(
        self,
        statuses: Sequence[PostStatus] = (),
        *,
        limit: int | None = None,
        offset: int = 0,
        search: str = "",
        newest_first: bool = False,
    ) -> list[Post]:
        """Posts, oldest first (or newest first, as a queue shows them), optionally filtered."""
        return await self._db.run(
            self._store.posts.all,
            statuses=statuses,
            limit=limit,
            offset=offset,
            search=search,
            newest_first=newest_first,
        )

    async def calendar(
        self, start: datetime, end: datetime, statuses: Sequence[PostStatus], zone: tzinfo, per_day: int
    ) -> CalendarDays:
        """The calendar's lines for [start, end): at most `per_day` per day in `zone`, the rest counted."""
        return await self._db.run(self._store.posts.calendar, start, end, statuses, zone, per_day)

    async def get_post(self, post_id: str) -> Post:
        """One post."""
        return await self._db.run(self._store.posts.get, post_id)

    async def capabilities(self, account: Account) -> Capabilities:
        """The rules posts to `account` must follow (for live counters and checks)."""
        adapter = self._connections.adapter(account.network)
        return await adapter.capabilities(self._connections.context(account))

    # -- posts: writing ----------------------------------------------------------------------------

    async def create_post(
        self, request: PostInput, when: When | None = None, *, validate: bool = True
    ) -> Post:
        """Create a post as a draft, scheduled, or published now (then return it settled).

        Args:
            request: the post's content and accounts.
            when: draft (default), now, or a time.
            validate: check every network's rules (always, except for autosaved drafts).

        Raises:
            ValidationError: with every problem found, before anything is saved or sent.
        """
        when = when or When.draft()
        now = self.clock.now()
        staged = await self._stage(request, when, post_id=new_id("post"), created_at=now, validate=validate)
        await self._db.run(self._store.posts.insert, staged.post)
        self.events.emit(PostDidChange(staged.post.id, staged.post))
        return await self._after_save(staged.post, when)

    async def check_post(self, request: PostInput, when: When | None = None) -> list[Problem]:
        """Every problem `request` has (for checking as the person types); nothing is saved."""
        try:
            await self._stage(
                request, when or When.draft(), post_id="post_check", created_at=self.clock.now()
            )
        except ValidationError as error:
            return list(error.problems)
        return []

    async def edit_post(
        self, post_id: str, changes: PostChanges, when: When | None = None, *, validate: bool = True
    ) -> Post:
        """Change a draft, scheduled, failed or held post; `when` None keeps its schedule.

        A failed post comes back as a draft unless `when` says otherwise. `validate=False` is for
        autosaved drafts only; publishing and scheduling always check every rule.
        """
        post = await self.get_post(post_id)
        self._require_untouched(post, "edited")
        request = changes.apply(composer.input_of(post))
        keep: tuple[datetime | None, str | None] | None = None
        if when is None:
            when = When.draft()
            if post.status is PostStatus.SCHEDULED:
                keep = (post.scheduled_at, post.timezone)
        staged = await self._stage(
            request,
            when,
            post_id=post.id,
            created_at=post.created_at,
            previous=post,
            keep_schedule=keep,
            validate=validate or when.kind != "draft",
        )
        saved = await self._db.run(self._store.posts.save_content, staged.post, expected=post.status)
        if not saved:
            raise InvalidStateError(
                f"Post {post_id} started publishing while it was being edited; nothing changed."
            )
        self.events.emit(PostDidChange(post.id, staged.post))
        return await self._after_save(staged.post, when)

    async def schedule_post(self, post_id: str, at: str, tz: str | None = None) -> Post:
        """Schedule (or reschedule) a post, checking every network's rules again."""
        return await self.edit_post(post_id, PostChanges(), When.scheduled(at, tz))

    async def publish_post(self, post_id: str) -> Post:
        """Publish a draft, scheduled or held post now; returns it once every target is settled."""
        return await self.edit_post(post_id, PostChanges(), When.now())

    async def cancel_post(self, post_id: str) -> Post:
        """Cancel a post that has not gone out; it stays in Outpost as `cancelled`."""
        post = await self.get_post(post_id)
        self._require_untouched(post, "cancelled")
        changed = await self._db.run(
            self._store.posts.set_status,
            post_id,
            PostStatus.CANCELLED,
            now=self.clock.now(),
            expected=[post.status],
        )
        if not changed:
            raise InvalidStateError(
                f"Post {post_id} changed meanwhile (it may be publishing); it was not cancelled."
            )
        for target in post.targets:
            if target.status is TargetStatus.PENDING:
                cancelled = target.model_copy(update={"status": TargetStatus.CANCELLED})
                await self._db.run(self._store.posts.save_target, post_id, cancelled, now=self.clock.now())
        return await self._saved(post_id)

    async def look_for_unknown(self, post_id: str) -> Post:
        """Settle targets whose outcome is unknown by looking at the networks, where they allow it.

        For each `unknown` target the network is asked for the account's posts since the post
        last changed (which is when the answer got lost). Found: the part counts as published —
        the target is done, or, in a thread, `failed` so a retry sends the remaining parts.
        Not found: it stays `unknown` with what Outpost saw; the person decides (retry with
        `--account`), since a network may show a new post late.

        Raises:
            InvalidStateError: the post has no target with an unknown outcome.
        """
        post = await self.get_post(post_id)
        unknown = [t for t in post.targets if t.status is TargetStatus.UNKNOWN]
        if not unknown:
            raise InvalidStateError(f"Post {post_id} has no target whose outcome is unknown.")
        since = post.updated_at - timedelta(minutes=10)
        for target in unknown:
            account = await self._db.run(self._store.accounts.get, target.account_id)
            adapter = self._connections.adapter(account.network)
            parts = post.parts_for(target)
            index = target.sending_part if target.sending_part is not None else len(target.parts)
            label = account.network.label
            try:
                found = await adapter.find_published(self._connections.context(account), parts[index], since)
            except KnownError as exc:
                updated = target.model_copy(
                    update={"error": TargetError(code=ErrorCode.UNKNOWN_OUTCOME, message=str(exc))}
                )
            else:
                updated = self._settled(target, found, index, len(parts), account.ref, label, since)
            await self._db.run(self._store.posts.save_target, post_id, updated, now=self.clock.now())
        return await self._publisher.settle(post_id)

    def _settled(
        self,
        target: Target,
        found: PublishedPart | None,
        index: int,
        count: int,
        ref: str,
        label: str,
        since: datetime,
    ) -> Target:
        """The target after looking on the network for part `index`."""
        part = f"part {index + 1} of {count}" if count > 1 else "the post"
        if found is None:
            message = (
                f"Outpost looked through {ref}'s posts on {label} since {since:%Y-%m-%d %H:%M} UTC and "
                f"did not find {part}. If you agree it did not go out, retry it for this account."
            )
            error = TargetError(code=ErrorCode.UNKNOWN_OUTCOME, message=message)
            return target.model_copy(update={"error": error})
        parts = (*target.parts, found)
        if len(parts) == count:
            return target.model_copy(
                update={
                    "status": TargetStatus.PUBLISHED,
                    "parts": parts,
                    "sending_part": None,
                    "error": None,
                    "published_at": self.clock.now(),
                }
            )
        message = (
            f"Found {part} on {label}; the remaining parts were not sent. Retry to send them "
            f"(the thread continues from the part found)."
        )
        return target.model_copy(
            update={
                "status": TargetStatus.FAILED,
                "parts": parts,
                "sending_part": None,
                "error": TargetError(code=ErrorCode.UNKNOWN_OUTCOME, message=message),
            }
        )

    async def retry_post(self, post_id: str, account: str | None = None) -> Post:
        """Publish the failed targets again (or the one of `account`, which may be `unknown`).

        A target with an unknown outcome is only retried when named explicitly: the person has
        checked the network and decided that it did not get the post.
        """
        post = await self.get_post(post_id)
        retryable = (PostStatus.FAILED, PostStatus.PARTIALLY_PUBLISHED, PostStatus.NEEDS_REVIEW)
        if post.status not in retryable:
            raise InvalidStateError(
                f"Post {post_id} is {post.status.value}; only failed, partially published and "
                f"needs-review posts have targets to retry."
            )
        targets = list(post.targets)
        if account is not None:
            chosen = await self.get_account(account)
            wanted = {TargetStatus.FAILED, TargetStatus.UNKNOWN}
            targets = [t for t in targets if t.account_id == chosen.id and t.status in wanted]
        else:
            targets = [t for t in targets if t.status is TargetStatus.FAILED]
        if not targets:
            which = f" for {account}" if account else ""
            raise InvalidStateError(
                f"Post {post_id} has no failed target{which} to retry. A target with an unknown "
                f"outcome is retried only with --account, after checking the network."
            )
        if not await self._db.run(
            self._store.posts.set_status,
            post_id,
            PostStatus.PUBLISHING,
            now=self.clock.now(),
            expected=[post.status],
        ):
            raise InvalidStateError(f"Post {post_id} changed meanwhile; nothing was retried.")
        for target in targets:
            reset = target.model_copy(
                update={"status": TargetStatus.PENDING, "error": None, "sending_part": None}
            )
            await self._db.run(self._store.posts.save_target, post_id, reset, now=self.clock.now())
        return await self._publish(post_id)

    async def delete_post(self, post_id: str) -> None:
        """Forget a post; copies already published stay on the networks."""
        post = await self.get_post(post_id)
        if post.status is PostStatus.PUBLISHING:
            raise InvalidStateError(
                f"Post {post_id} is publishing right now; delete it once it has finished."
            )
        await self._db.run(self._store.posts.delete, post_id)
        await self.sweep_media_cache()
        self._scheduler.poke()
        self.events.emit(PostDidChange(post_id, None, deleted=True))

    # -- helpers -----------------------------------------------------------------------------------

    def _require_untouched(self, post: Post, verb: str) -> None:
        untouched = all(t.status in _UNTOUCHED_TARGETS for t in post.targets)
        if post.status not in _EDITABLE or not untouched:
            raise InvalidStateError(
                f"Post {post.id} is {post.status.value} and cannot be {verb}; only drafts, "
                f"scheduled posts and posts that went nowhere (failed, or held after being missed) can."
            )

    async def _after_save(self, post: Post, when: When) -> Post:
        self._scheduler.poke()
        if when.kind != "now":
            return post
        claimed = await self._db.run(
            self._store.posts.set_status,
            post.id,
            PostStatus.PUBLISHING,
            now=self.clock.now(),
            expected=[post.status],
        )
        if not claimed:
            raise InvalidStateError(f"Post {post.id} changed meanwhile; it was not published.")
        return await self._publish(post.id)

    async def _saved(self, post_id: str) -> Post:
        post = await self.get_post(post_id)
        self._scheduler.poke()
        self.events.emit(PostDidChange(post_id, post))
        return post

    async def _stage(
        self,
        request: PostInput,
        when: When,
        *,
        post_id: str,
        created_at: datetime,
        previous: Post | None = None,
        keep_schedule: tuple[datetime | None, str | None] | None = None,
        validate: bool = True,
    ) -> _Staged:
        now = self.clock.now()
        known = await self._db.run(self._store.accounts.all, include_removed=True)
        # A live account shadows a removed one with the same name (connected again later).
        known.sort(key=lambda a: a.removed_at is not None)
        resolution = composer.resolve_accounts(request.accounts, known)
        problems = list(resolution.problems)
        accounts = resolution.accounts
        texts, found = composer.text_overrides(request.text_for, accounts)
        problems += found
        caps, found = await self._capabilities_of(accounts)
        problems += found
        options, found = composer.network_options(
            request.options, accounts, {a.network: c for a, c in caps.items()}
        )
        problems += found
        media, found = await self._media(request)
        problems += found
        scheduled_at, zone = keep_schedule or (None, None)
        if when.kind == "at":
            try:
                scheduled_at, zone = resolve_schedule(
                    when.at or "",
                    when.tz,
                    now=now,
                    default_zone=self.settings.default_timezone or local_zone_name(),
                )
            except ValidationError as exc:
                problems += exc.problems
        status = PostStatus.SCHEDULED if scheduled_at is not None and when.kind != "now" else PostStatus.DRAFT
        post = Post(
            id=post_id,
            status=status,
            text=request.text,
            thread=request.thread,
            media=tuple(media),
            scheduled_at=scheduled_at if status is PostStatus.SCHEDULED else None,
            timezone=zone if status is PostStatus.SCHEDULED else None,
            created_at=created_at,
            updated_at=now,
            targets=composer.build_targets(
                accounts, texts, options, previous=previous.targets if previous else ()
            ),
        )
        if validate:
            for account, account_caps in caps.items():
                adapter = self._connections.adapter(account.network)
                target = next(t for t in post.targets if t.account_id == account.id)
                problems += adapter.validate(post, target, account, account_caps)
        if problems:
            raise ValidationError(problems)
        return _Staged(post, {a.id: a for a in accounts})

    async def _capabilities_of(
        self, accounts: Sequence[Account]
    ) -> tuple[dict[Account, Capabilities], list[Problem]]:
        caps: dict[Account, Capabilities] = {}
        problems: list[Problem] = []
        for account in accounts:
            try:
                caps[account] = await self.capabilities(account)
            except PublishError as exc:
                log.warning("cannot read %s's rules: %s", account.ref, exc)
            except KnownError as exc:
                problems.append(
                    Problem(
                        field="--account",
                        network=account.network.value,
                        account=account.ref,
                        message=str(exc),
                    )
                )
        return caps, problems

    async def _media(self, request: PostInput) -> tuple[list[MediaAsset], list[Problem]]:
        media: list[MediaAsset] = []
        problems: list[Problem] = []
        for index, item in enumerate(request.media, start=1):
            try:
                info = await self.media.inspect(item.path, field=f"media[{index}]")
            except ValidationError as exc:
                problems += exc.problems
                continue
            media.append(self.media.asset(info, item.alt_text, focus=item.focus))
        return media, problems

    async def sweep_media_cache(self) -> int:
        """Remove derived copies and thumbnails that no post which may still go out needs."""
        keep = await self._db.run(self._store.posts.live_media_hashes)
        return await self.media.sweep(keep)
