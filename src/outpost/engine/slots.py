"""`engine.slots`: the posting schedules (a default one and one per account), turned into times.

Rule for a post to several accounts ("Add to queue", `--next-slot`, a CSV row without `at`): it
takes the earliest instant that is a slot of every chosen account's schedule (its own, else the
default) and at which none of those accounts has a scheduled post yet. Accounts sharing the
default schedule therefore fill its slots in order; accounts with schedules of their own need a
slot in common. With no account chosen, the default schedule's next slot that no scheduled post
takes at all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from outpost.config.settings import AccountSchedule
from outpost.config.zone import local_zone_name
from outpost.domain.enums import PostStatus
from outpost.domain.errors import ValidationError
from outpost.domain.models import Account, Post
from outpost.domain.slots import (
    SEARCH_WEEKS,
    AccountPlan,
    Weekly,
    WeeklyError,
    format_weekly,
    next_common_slot,
    parse_weekly,
)
from outpost.engine.core import EngineCore
from outpost.engine.settings_change import apply_settings

#: What `slots set` and `slots list` call the schedule of every account without its own.
DEFAULT = "default"


@dataclass(frozen=True)
class SlotPlan:
    """One schedule as `slots list` shows it: whose, its weekly slots, its zone, and whether inherited.

    `account` is an `Account` or None for the default schedule; `own` is False where an account
    has no schedule of its own and uses the default.
    """

    account: Account | None
    weekly: Weekly
    zone: str
    own: bool = True

    @property
    def name(self) -> str:
        """`default` or the account's `network:handle`."""
        return DEFAULT if self.account is None else self.account.ref

    def as_json(self) -> dict[str, object]:
        """The `slots list` JSON of this schedule."""
        return {
            "account": self.name,
            "account_id": None if self.account is None else self.account.id,
            "timezone": self.zone,
            "weekly": {day: list(times) for day, times in self.weekly.items()},
            "own": self.own,
            "text": format_weekly(self.weekly),
        }


class SlotsService:
    """Posting slots: weekly wall-clock times, per account or by default, from the settings."""

    def __init__(self, core: EngineCore) -> None:
        self._core = core

    # -- reading ---------------------------------------------------------------------------------

    def default_zone(self) -> str:
        """The default schedule's zone: its own setting, else the time zone setting, else the machine's."""
        settings = self._core.settings
        return settings.posting_schedule_timezone or settings.default_timezone or local_zone_name()

    def plan_of(self, account: Account) -> SlotPlan:
        """The schedule `account` posts on: its own, else the default."""
        own = self._core.settings.account_schedules.get(account.id)
        if own is not None:
            return SlotPlan(account, own.weekly, own.timezone or self.default_zone())
        return SlotPlan(account, self._core.settings.posting_schedule, self.default_zone(), own=False)

    def default_plan(self) -> SlotPlan:
        """The default schedule."""
        return SlotPlan(None, self._core.settings.posting_schedule, self.default_zone())

    def has_any(self) -> bool:
        """Whether any schedule has a slot (else "Add to queue" has nothing to fill)."""
        settings = self._core.settings
        return bool(settings.posting_schedule) or any(s.weekly for s in settings.account_schedules.values())

    def schedules_in_use(self) -> list[tuple[Weekly, ZoneInfo]]:
        """Every schedule with slots (the default and each account's own), for the calendar."""
        plans = [(self._core.settings.posting_schedule, self.default_zone())]
        plans += [
            (s.weekly, s.timezone or self.default_zone())
            for s in self._core.settings.account_schedules.values()
        ]
        return [(weekly, ZoneInfo(zone)) for weekly, zone in plans if weekly]

    async def plans(self, account: str | None = None) -> list[SlotPlan]:
        """The default schedule and every account's (or only `account`'s)."""
        if account is not None and account != DEFAULT:
            return [self.plan_of(await self._account(account))]
        accounts = await self._core.db.run(self._core.store.accounts.all)
        plans = [self.default_plan()]
        return plans if account == DEFAULT else plans + [self.plan_of(a) for a in accounts]

    # -- writing ---------------------------------------------------------------------------------

    async def set_weekly(self, account: str, weekly: str, tz: str | None = None) -> SlotPlan:
        """Set `account`'s schedule (or the default's) from text like `"mon 09:00, wed 12:30"`.

        An empty text removes an account's own schedule (it uses the default again) and empties
        the default.

        Raises:
            ValidationError: an entry that is not a weekday and times (named), an unknown zone.
        """
        try:
            parsed = parse_weekly(weekly)
        except WeeklyError as error:
            raise ValidationError.single("--weekly", f"--weekly: {error}.", actual=error.entry) from None
        if tz is not None:
            try:
                ZoneInfo(tz)
            except (ValueError, LookupError):
                raise ValidationError.single(
                    "--tz", f"--tz: {tz!r} is not an IANA time zone such as Europe/Berlin.", actual=tz
                ) from None
        settings = self._core.settings
        if account == DEFAULT:
            changes: dict[str, object] = {"posting_schedule": parsed}
            if tz is not None:
                changes["posting_schedule_timezone"] = tz
            self._update(changes)
            return self.default_plan()
        found = await self._account(account)
        schedules = {k: v.model_dump() for k, v in settings.account_schedules.items()}
        if parsed:
            previous = settings.account_schedules.get(found.id)
            zone = tz if tz is not None else (previous.timezone if previous else None)
            schedules[found.id] = AccountSchedule(weekly=parsed, timezone=zone).model_dump()
        else:
            schedules.pop(found.id, None)
        self._update({"account_schedules": schedules})
        return self.plan_of(found)

    def _update(self, changes: Mapping[str, object]) -> None:
        # Through the settings' one door (validated, saved atomically, announced to the window).
        apply_settings(self._core, dict(changes))

    async def _account(self, ref: str) -> Account:
        return await self._core.db.run(self._core.store.accounts.find, ref)

    # -- finding a time --------------------------------------------------------------------------

    async def next_free(
        self,
        accounts: Sequence[str] = (),
        *,
        after: datetime | None = None,
        taken: Mapping[str, set[datetime]] | None = None,
    ) -> tuple[datetime, str]:
        """The next slot free for all of `accounts` (UTC, and the zone to keep with the post).

        Args:
            accounts: ids or `network:handle`s; none: the default schedule, taken by any post.
            after: look after this moment (default: now).
            taken: more instants already promised per account id (a CSV import fills several
                slots before it saves anything); the key `""` counts for every account.

        Raises:
            ValidationError: there is no schedule, or no common free slot in the next 8 weeks.
        """
        found = [await self._account(ref) for ref in accounts]
        plans = [self.plan_of(a) for a in found] if found else [self.default_plan()]
        if not any(p.weekly for p in plans):
            raise ValidationError.single(
                "posting_schedule",
                "posting_schedule: set time slots per weekday in Settings (or `outpost slots set`) first.",
            )
        scheduled: list[Post] = await self._core.db.run(
            self._core.store.posts.all, statuses=[PostStatus.SCHEDULED]
        )
        extra = taken or {}
        search = []
        for plan in plans:
            mine = {
                p.scheduled_at
                for p in scheduled
                if p.scheduled_at
                and (plan.account is None or any(t.account_id == plan.account.id for t in p.targets))
            }
            mine |= extra.get("", set())
            if plan.account is not None:
                mine |= extra.get(plan.account.id, set())
            search.append(AccountPlan(plan.weekly, ZoneInfo(plan.zone), frozenset(mine)))
        instant = next_common_slot(search, after or self._core.clock.now())
        if instant is None:
            names = "; ".join(f"{p.name}: {format_weekly(p.weekly) or 'no slots'} ({p.zone})" for p in plans)
            raise ValidationError.single(
                "posting_schedule",
                f"posting_schedule: no slot in the next {SEARCH_WEEKS} weeks is free for every chosen "
                f"account ({names}); add slots, or give those accounts a slot in common.",
            )
        return instant, plans[0].zone
