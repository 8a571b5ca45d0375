"""What each command does: turn arguments into engine calls, and results into output.

Every handler returns an `Outcome`; `cli.main` prints it. Nothing here talks to the store or a
network directly: it is one of the two fronts on the engine (the window is the other).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import importlib
import logging
import signal
import sys
from collections.abc import Awaitable
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from outpost.auth.oauth import open_in_browser
from outpost.auth.providers import DEFAULT_PORT, PROVIDERS, OAuthProvider, Redirect
from outpost.cli.composer_tools import with_snippets
from outpost.cli.organise import campaigns_by_id, post_fields
from outpost.cli.outcome import Handler, Outcome
from outpost.cli.render import account_json, account_text, post_json, post_text
from outpost.cli.requests import MediaItem, PostCreateRequest, PostEditRequest
from outpost.cli.secret_input import resolve_secrets
from outpost.cli.text_input import read_text, read_thread
from outpost.domain.compatibility import check
from outpost.domain.enums import HealthState, Network, PostStatus, TargetStatus, VerificationState
from outpost.domain.errors import KnownError, NetworkNotAvailableError, Problem, ValidationError
from outpost.domain.media_rules import RULES
from outpost.domain.models import Account, Post
from outpost.domain.slots import format_weekly
from outpost.engine import AddAccountRequest, Engine, PostChanges, When
from outpost.engine.events import Event, PostDidChange, PostsWereMissed
from outpost.engine.recovery import late_by, on_time_note
from outpost.engine.slots import SlotPlan

if TYPE_CHECKING:
    from outpost.domain.library import LibraryItem

_OK_AFTER_PUBLISH = (PostStatus.PUBLISHED,)

log = logging.getLogger("outpost.cli")


async def dispatch(engine: Engine, args: argparse.Namespace) -> Outcome:
    """Run the command `args` names."""
    key = (args.command, getattr(args, "action", None))
    family = _FAMILIES.get(args.command)
    handlers: dict[tuple[str, str | None], Handler] = (
        importlib.import_module(family).HANDLERS if family else _HANDLERS
    )
    return await handlers[key](engine, args)


# -- accounts -------------------------------------------------------------------------------------


async def _accounts_list(engine: Engine, args: argparse.Namespace) -> Outcome:
    return await list_accounts(engine)


async def list_accounts(engine: Engine) -> Outcome:
    """`accounts list`, for the command line and the `accounts_list` tool alike."""
    accounts = await engine.accounts.list()
    text = (
        "\n".join(account_text(a) for a in accounts)
        or "No accounts yet: add one with `outpost accounts add`."
    )
    return Outcome([account_json(a) for a in accounts], text)


async def _accounts_connect(engine: Engine, args: argparse.Namespace) -> Outcome:
    async def open_url(url: str) -> None:
        print(f"Opening the sign-in page in your browser. If nothing opens, visit:\n  {url}", file=sys.stderr)
        await open_in_browser(url)

    network = Network(args.network)
    provider = PROVIDERS.get(network)
    if provider is not None and network not in engine.accounts.networks:
        _print_setup(
            provider, f"When Outpost can publish to {network.label}, it will need your own developer app:"
        )
    elif provider is not None and await engine.accounts.app(network) is None:
        await _set_up_developer_app(engine, provider)

    async def ask_pasted(prompt: str) -> str:
        """The address the browser ended on (networks that redirect to https only: Threads)."""
        return await _ask(prompt)

    account = await engine.accounts.connect(
        network, instance=args.instance, target=args.target, open_url=open_url, ask_pasted=ask_pasted
    )
    return Outcome(account_json(account), f"Connected {account.ref}.")


async def _set_up_developer_app(engine: Engine, provider: OAuthProvider) -> None:
    """Walk the person through creating their developer app, then keep it in the keyring.

    The steps and questions go to stderr (stdout stays one JSON document with `--json`); the
    answers are read from stdin, so a script can pipe them in.
    """
    label = provider.network.label
    _print_setup(provider, f"{label} needs your own developer app (once). Set it up like this:")
    client_id = await _ask(f"{label} client id: ")
    if not client_id:
        raise ValidationError.single(
            "client_id",
            f"client_id: no client id given; create the {label} app as above, then run this again.",
        )
    wants = "client secret" + ("" if provider.client_secret_required else " (empty for a public/native app)")
    secret = await _ask(f"{label} {wants}: ", secret=True)
    if provider.client_secret_required and not secret:
        raise ValidationError.single(
            "client_secret", f"client_secret: {label} needs the app's client secret as well."
        )
    port_text, redirect_url = "", ""
    if provider.redirect is Redirect.HTTPS_PASTE:
        redirect_url = await _ask("Redirect URL registered with the app (https://…): ")
    else:
        port_text = await _ask(f"Redirect port registered with the app [{DEFAULT_PORT}]: ")
    if port_text and not port_text.isdigit():
        raise ValidationError.single("redirect_port", f"redirect_port: {port_text!r} is not a port number.")
    pkce = False
    if provider.pkce_optional:
        pkce = (await _ask(f"Has {label} enabled PKCE for this app? [y/N]: ")).lower().startswith("y")
    await engine.accounts.set_app(
        provider.network,
        client_id,
        secret,
        int(port_text or DEFAULT_PORT),
        pkce=pkce,
        redirect_url=redirect_url,
    )
    print(f"Saved the {label} app in the keyring.", file=sys.stderr)


def _print_setup(provider: OAuthProvider, intro: str) -> None:
    """The developer-app steps, the redirect URI and the scopes, on stderr."""
    print(intro, file=sys.stderr)
    for number, step in enumerate(provider.setup, start=1):
        print(f"  {number}. {step}", file=sys.stderr)
    print(f"  Scopes Outpost asks for: {' '.join(provider.scopes)}", file=sys.stderr)


async def _ask(prompt: str, *, secret: bool = False) -> str:
    """One answer from the person (a hidden one for secrets on a terminal), off the event loop."""
    if secret and sys.stdin.isatty():
        hidden: str = await asyncio.to_thread(getpass.getpass, prompt, sys.stderr)
        return hidden.strip()
    print(prompt, end="", file=sys.stderr, flush=True)
    answer: str = await asyncio.to_thread(sys.stdin.readline)
    return answer.strip()


async def _accounts_add(engine: Engine, args: argparse.Namespace) -> Outcome:
    network = Network(args.network)
    await resolve_secrets(args)  # `--access-token -` and the like: read from standard input
    request = AddAccountRequest(
        service_url=args.instance or args.service,
        handle=args.handle,
        app_password=args.app_password,
        access_token=args.access_token,
        refresh_token=args.refresh_token,
        expires_at=_expiry(args.expires_at),
        target_id=args.target,
    )
    account = await engine.accounts.add(network, request)
    return Outcome(account_json(account), f"Added {account.ref} ({account.id}).")


def _expiry(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError.single(
            "--expires-at", f"--expires-at: {value!r} is not an ISO-8601 time like 2026-12-01T09:00:00Z."
        ) from None
    if parsed.tzinfo is None:
        raise ValidationError.single("--expires-at", "--expires-at: give the time with its offset, e.g. …Z.")
    return parsed


async def _accounts_targets(engine: Engine, args: argparse.Namespace) -> Outcome:
    account = await engine.accounts.get(args.account)
    targets = await engine.accounts.targets(account.id)
    text = "\n".join(f"{t.id}  {t.name} ({t.kind})" for t in targets) or (
        f"{account.ref} reaches nothing it can publish to."
    )
    return Outcome([t.as_dict() for t in targets], text)


async def _accounts_check(engine: Engine, args: argparse.Namespace) -> Outcome:
    accounts = await engine.accounts.check(args.account)
    broken = [a for a in accounts if a.health.state is HealthState.BROKEN]
    text = "\n".join(account_text(a) for a in accounts) or "No accounts to check."
    return Outcome([account_json(a) for a in accounts], text, exit_code=1 if broken else 0)


async def _accounts_remove(engine: Engine, args: argparse.Namespace) -> Outcome:
    removal = await engine.accounts.remove(args.account)
    return Outcome(
        account_json(removal.account),
        f"Removed {removal.account.ref}; its secrets were deleted from the keyring. {removal.network_access}",
    )


# -- posts ----------------------------------------------------------------------------------------


async def _post_create(engine: Engine, args: argparse.Namespace) -> Outcome:
    _tz_needs_at(args)
    request = PostCreateRequest(
        text=await read_text(args) or "",
        accounts=list(args.accounts or ()),
        text_for=dict(_pairs(args.text_for)),
        media=_media(args.media or [], args.alt or []),
        thread=list(await read_thread(args) or ()),
        options=_options(args.options),
        at=args.at,
        tz=args.tz,
        utm_links=args.utm_links,
        now=bool(args.now),
        **post_fields(args, editing=False),
        next_slot=bool(args.next_slot),
        evergreen=args.evergreen,
        repeat=args.repeat,
        repeat_until=args.repeat_until,
        repeat_count=args.repeat_count,
        first_comment=args.first_comment or "",
    )
    request = await with_snippets(engine, request, args.snippets or [])
    return await create_post(engine, request)


async def create_post(engine: Engine, request: PostCreateRequest) -> Outcome:
    """`post create`, for the command line and the `post_create` tool alike."""
    if request.media and any(m.path.startswith(("http://", "https://")) for m in request.media):
        media = await fetch_media_urls(engine, request.media, "media")
        request = request.model_copy(update={"media": media})
    # A draft is saved even when it breaks a network's rules, as in the window; the engine checks
    # every rule before a post is scheduled or published.
    if request.next_slot and request.tz:
        raise ValidationError.single(
            "--tz", "--tz: --next-slot takes the zone of the schedule; give --at with --tz instead."
        )
    when = await _next_slot(engine, tuple(request.accounts)) if request.next_slot else request.when()
    if request.repeat is None and (request.repeat_until is not None or request.repeat_count is not None):
        raise ValidationError.single(
            "--repeat", "--repeat: give the rule too (daily, weekly, monthly, cron:EXPR)."
        )
    if request.repeat is not None:
        from outpost.engine.series import RepeatRequest

        repeat = RepeatRequest(request.repeat, request.repeat_until, request.repeat_count)
        post = await _naming_networks_not_available(
            engine, engine.series.create(request.to_input(), when, repeat)
        )
    else:
        post = await _naming_networks_not_available(
            engine, engine.posts.create(request.to_input(), when, validate=False)
        )
    if request.evergreen:
        post = await engine.evergreen.mark(post.id, True)
    return await _saved_outcome(engine, post, published=request.now)


async def _post_edit(engine: Engine, args: argparse.Namespace) -> Outcome:
    _tz_needs_at(args)
    media: list[MediaItem] | None = None
    if args.media is not None:
        media = _media(args.media, args.alt or [])
    elif args.alt is not None:
        current = await engine.posts.get(args.post)
        media = _media([m.path for m in current.media], args.alt)
    request = PostEditRequest(
        post=args.post,
        text=await read_text(args),
        accounts=None if args.accounts is None else list(args.accounts),
        text_for=None if args.text_for is None else dict(_pairs(args.text_for)),
        media=media,
        thread=None if (thread := await read_thread(args)) is None else list(thread),
        options=None if args.options is None else _options(args.options),
        at=args.at,
        tz=args.tz,
        now=bool(args.now),
        draft=bool(args.draft),
        **post_fields(args, editing=True),
        next_slot=bool(args.next_slot),
        evergreen=args.evergreen,
        series=bool(args.series),
        first_comment=args.first_comment,
    )
    if getattr(args, "on_networks", False):  # issue #24: a published post, on its networks
        from outpost.cli import on_networks

        return await on_networks.edit(engine, request, repost=bool(args.repost))
    if getattr(args, "repost", False):
        raise ValidationError.single("--repost", "--repost: only with --on-networks (a published post).")
    return await edit_post(engine, request)


async def edit_post(engine: Engine, request: PostEditRequest) -> Outcome:
    """`post edit`, for the command line and the `post_edit` tool alike."""
    if request.media and any(m.path.startswith(("http://", "https://")) for m in request.media):
        request = request.model_copy(update={"media": await fetch_media_urls(engine, request.media, "media")})
    when = request.new_when()
    if request.next_slot:
        accounts = tuple(request.accounts or ()) or tuple(
            t.account_id for t in (await engine.posts.get(request.post)).targets
        )
        when = await _next_slot(engine, accounts)
    if request.series:
        if when is not None:
            raise ValidationError.single(
                "--series", "--series: changes the content of the series' posts; each keeps its time."
            )
        post = await _naming_networks_not_available(
            engine, _edit_series(engine, request.post, request.changes())
        )
    else:
        editing = engine.posts.edit(request.post, request.changes(), when, validate=False)
        post = await _naming_networks_not_available(engine, editing)  # a draft may break rules, as in create
    if request.evergreen is not None:
        post = await engine.evergreen.mark(post.id, request.evergreen)
    return await _saved_outcome(engine, post, published=request.now)


async def _edit_series(engine: Engine, post_id: str, changes: PostChanges) -> Post:
    edited = await engine.series.edit_series(post_id, changes)
    return edited[0]


async def _naming_networks_not_available(engine: Engine, saving: Awaitable[Post]) -> Post:
    """`saving`, where `--account pinterest:me` says that Outpost cannot publish to Pinterest yet.

    The engine can only say there is no such account; there cannot be one, and the person should
    hear why, in the words `accounts add pinterest` uses. Every other problem is kept.
    """
    try:
        return await saving
    except ValidationError as error:
        raise ValidationError(_network_words(engine, p) for p in error.problems) from None


def _network_words(engine: Engine, problem: Problem) -> Problem:
    if problem.rule != "known_account" or not isinstance(problem.actual, str):
        return problem
    prefix, colon, _ = problem.actual.partition(":")
    network = next((n for n in Network if n.value == prefix), None) if colon else None
    if network is None or network in engine.accounts.networks:
        return problem
    return replace(
        problem,
        rule="network_not_available",
        network=network.value,
        message=f"--account: {NetworkNotAvailableError(network).text()}",
    )


async def _saved_outcome(engine: Engine, post: Post, *, published: bool) -> Outcome:
    """A created or edited post, with what keeps it from being scheduled or published if it is a draft.

    JSON: the post, plus `warnings` (a list of problems shaped like an error's, empty when none).
    """
    problems = await engine.posts.problems(post.id) if post.status is PostStatus.DRAFT else []
    outcome = await _post_outcome(engine, post, published=published)
    notes = await engine.tools.first_comment_warnings(post)  # never blocks: a warning per network
    outcome.document["warnings"] = [p.as_dict() for p in [*problems, *notes]]
    if problems:
        outcome.warnings.append(draft_warning(problems))
    outcome.warnings += [p.message for p in notes]
    outcome.warnings += [
        f"the first comment on {t.network.label} is {t.first_comment.status}: {t.first_comment.error.message}"
        for t in post.targets
        if t.first_comment is not None
        and t.first_comment.error is not None
        and t.first_comment.status in ("failed", "unknown")
    ]
    return outcome


def draft_warning(problems: list[Problem]) -> str:
    """What a saved draft must fix before it can go out, as one message for standard error."""
    if len(problems) == 1:
        return f"saved as a draft; fix this before scheduling or publishing it: {problems[0].message}"
    listed = "".join(f"\n  - {p.message}" for p in problems)
    return f"saved as a draft; fix these {len(problems)} problems before scheduling or publishing it:{listed}"


async def _next_slot(engine: Engine, accounts: tuple[str, ...]) -> When:
    """`--next-slot`: the next slot free for every account of the post (`engine.slots` has the rule)."""
    if not accounts:
        raise ValidationError.single("--account", "--account: --next-slot needs the accounts to post to.")
    instant, zone = await engine.slots.next_free(accounts)
    return When.scheduled(instant.strftime("%Y-%m-%dT%H:%M:%SZ"), zone)


def _tz_needs_at(args: argparse.Namespace) -> None:
    if args.tz and not args.at:
        raise ValidationError.single("--tz", "--tz: give --at too; --tz says which zone --at is in.")


def _pairs(values: list[str] | None) -> tuple[tuple[str, str], ...]:
    pairs = []
    for value in values or ():
        key, sep, text = value.partition("=")
        if not sep or not key:
            raise ValidationError.single(
                "--text-for",
                f"--text-for: {value!r} needs the form ACCOUNT_OR_NETWORK=TEXT, e.g. x=Shorter text.",
            )
        pairs.append((key.strip(), text))
    return tuple(pairs)


def _options(values: list[str] | None) -> dict[str, str]:
    triples: dict[str, str] = {}
    problems = []
    for value in values or ():
        name, sep, raw = value.partition("=")
        network, dot, key = name.partition(".")
        if not sep or not dot or not network or not key:
            problems.append(
                Problem(
                    field="--option",
                    rule="syntax",
                    actual=value,
                    message=f"--option: {value!r} needs the form NETWORK.KEY=VALUE, "
                    "e.g. mastodon.visibility=unlisted.",
                )
            )
            continue
        triples[f"{network.strip()}.{key.strip()}"] = raw
    if problems:
        raise ValidationError(problems)
    return triples


def _media(paths: list[str], alts: list[str]) -> list[MediaItem]:
    if len(alts) > len(paths):
        raise ValidationError.single(
            "--alt",
            f"--alt: {len(alts)} alt texts for {len(paths)} media file(s); alt texts pair with --media "
            f"files in order, so give at most one per file.",
            limit=len(paths),
            actual=len(alts),
        )
    return [MediaItem(path=path, alt=alts[i] if i < len(alts) else "") for i, path in enumerate(paths)]


async def _post_list(engine: Engine, args: argparse.Namespace) -> Outcome:
    status = PostStatus(args.status) if args.status else None
    return await list_posts(engine, status, tag=args.tag, campaign=args.campaign, search=args.search or "")


async def list_posts(
    engine: Engine,
    status: PostStatus | None,
    *,
    tag: str | None = None,
    campaign: str | None = None,
    search: str = "",
) -> Outcome:
    """`post list`, for the command line and the `post_list` tool alike."""
    statuses = [status] if status else []
    posts = await engine.posts.list(statuses, tag=tag, campaign=campaign, search=search)
    accounts = await _accounts_by_id(engine)
    campaigns = await campaigns_by_id(engine)
    text = "\n".join(post_text(p, accounts, campaigns) for p in posts) or "No posts."
    return Outcome([post_json(p, campaigns) for p in posts], text)


async def _post_show(engine: Engine, args: argparse.Namespace) -> Outcome:
    return await _post_outcome(engine, await engine.posts.get(args.post))


async def _post_schedule(engine: Engine, args: argparse.Namespace) -> Outcome:
    return await _post_outcome(engine, await engine.posts.schedule(args.post, args.at, args.tz))


async def _post_publish(engine: Engine, args: argparse.Namespace) -> Outcome:
    return await _post_outcome(engine, await engine.posts.publish(args.post), published=True)


async def _post_cancel(engine: Engine, args: argparse.Namespace) -> Outcome:
    if args.series:
        cancelled = await engine.series.cancel_series(args.post)
        return Outcome(
            [post_json(p) for p in cancelled],
            f"Ended the series; cancelled {len(cancelled)} occurrence(s) not gone out.",
        )
    return await _post_outcome(engine, await engine.posts.cancel(args.post))


async def _post_retry(engine: Engine, args: argparse.Namespace) -> Outcome:
    return await _post_outcome(engine, await engine.posts.retry(args.post, args.account), published=True)


async def _post_check(engine: Engine, args: argparse.Namespace) -> Outcome:
    """Read the post back from each network now; exit 1 when a target is gone or still unknown."""
    post = await engine.verify.check_post(args.post)
    doubtful = any(
        t.status is TargetStatus.UNKNOWN
        or (t.verification is not None and t.verification.state is VerificationState.NOT_ON_NETWORK)
        for t in post.targets
    )
    outcome = await _post_outcome(engine, post)
    return Outcome(outcome.document, outcome.text, exit_code=1 if doubtful else 0)


async def _post_delete(engine: Engine, args: argparse.Namespace) -> Outcome:
    if getattr(args, "on_networks", False):  # issue #24: from the networks, the local post kept
        from outpost.cli import on_networks

        return await on_networks.delete(engine, args)
    await engine.posts.delete(args.post)
    return Outcome(
        {"id": args.post, "deleted": True}, f"Deleted {args.post}; published copies stay on the networks."
    )


async def post_outcome(engine: Engine, post: Post) -> Outcome:
    """A post as `post show` prints it."""
    return await _post_outcome(engine, post)


async def _post_outcome(engine: Engine, post: Post, *, published: bool = False) -> Outcome:
    failed = published and post.status not in _OK_AFTER_PUBLISH
    campaigns = await campaigns_by_id(engine)
    return Outcome(
        post_json(post, campaigns),
        post_text(post, await _accounts_by_id(engine), campaigns),
        exit_code=1 if failed else 0,
    )


async def _accounts_by_id(engine: Engine) -> dict[str, Account]:
    return {a.id: a for a in await engine.accounts.list()}


# -- CSV ------------------------------------------------------------------------------------------


async def _post_import(engine: Engine, args: argparse.Namespace) -> Outcome:
    plan, posts = await engine.csv.import_file(args.file, dry_run=args.dry_run)
    rows = [
        {
            "row": r.row.number,
            "accounts": [a.ref for a in r.accounts],
            "at": r.at.strftime("%Y-%m-%dT%H:%M:%SZ") if r.at else None,
            "status": "scheduled" if r.at else "draft",
        }
        for r in plan.rows
    ]
    if args.dry_run:
        return Outcome(
            {"dry_run": True, "rows": rows, "posts": []},
            f"{len(rows)} row(s) are good; nothing was imported (--dry-run).",
        )
    accounts = await _accounts_by_id(engine)
    lines = [f"Imported {len(posts)} post(s) from {plan.path}:"] + [post_text(p, accounts) for p in posts]
    return Outcome({"dry_run": False, "rows": rows, "posts": [post_json(p) for p in posts]}, "\n".join(lines))


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise ValidationError.single(option, f"{option}: {value!r} is not a day like 2026-12-01.") from None


async def _post_export(engine: Engine, args: argparse.Namespace) -> Outcome:
    posts = await engine.csv.export_file(
        args.file,
        statuses=[PostStatus(args.status)] if args.status else [],
        start=_day(args.start, "--from"),
        end=_day(args.end, "--to"),
    )
    return Outcome(
        {"file": args.file, "posts": [p.id for p in posts]}, f"Wrote {len(posts)} post(s) to {args.file}."
    )


# -- slots ----------------------------------------------------------------------------------------


def _plan_text(plan: SlotPlan) -> str:
    slots = format_weekly(plan.weekly) or "no slots"
    inherited = "" if plan.own else " (the default schedule)"
    return f"{plan.name}: {slots} ({plan.zone}){inherited}"


async def _slots_list(engine: Engine, args: argparse.Namespace) -> Outcome:
    return await list_slots(engine, args.account)


async def list_slots(engine: Engine, account: str | None) -> Outcome:
    """`slots list`, for the command line and the `slots_list` tool alike."""
    plans = await engine.slots.plans(account)
    return Outcome([p.as_json() for p in plans], "\n".join(_plan_text(p) for p in plans))


async def _slots_set(engine: Engine, args: argparse.Namespace) -> Outcome:
    plan = await engine.slots.set_weekly(args.account, args.weekly, args.tz)
    return Outcome(plan.as_json(), _plan_text(plan))


# -- run ------------------------------------------------------------------------------------------


async def _run(engine: Engine, args: argparse.Namespace) -> Outcome:
    touched: list[str] = []
    warnings: list[str] = []
    asleep: list[str] = []

    def remember(event: Event) -> None:
        if isinstance(event, PostDidChange) and not event.deleted and event.post_id not in touched:
            touched.append(event.post_id)
        elif isinstance(event, PostsWereMissed) and not (event.asleep or event.offline):
            warnings.extend(_missed_lines(event))  # at start: said with the run's other warnings
        elif isinstance(event, PostsWereMissed):
            asleep.extend(p.id for p in event.posts)
            for line in _missed_lines(event):  # while running: said at once, not when the run ends
                print(f"outpost: {line}", file=sys.stderr, flush=True)

    unsubscribe = engine.events.subscribe(remember)
    try:
        missed = await engine.start()
        if args.until_idle:
            # Run by the OS's scheduler every few minutes (`outpost service`): ask for mentions
            # once a run, so hooks hear of them with the window closed (docs/hooks.md).
            await engine.mentions.poll()
            await engine.wait_idle()
        else:
            await _until_signal()
    finally:
        unsubscribe()
    await _move_wake(engine)
    posts = [await engine.posts.get(i) for i in touched]
    bad = [p for p in posts if p.status in (PostStatus.FAILED, PostStatus.PARTIALLY_PUBLISHED)]
    accounts = await _accounts_by_id(engine)
    campaigns = await campaigns_by_id(engine)
    document = {"missed": [p.id for p in missed] + asleep, "posts": [post_json(p, campaigns) for p in posts]}
    text = "\n".join(post_text(p, accounts) for p in posts) or "Nothing was due."
    warnings += [_why_not_published(post, accounts) for post in bad]  # exit 1 always says why
    return Outcome(document, text, exit_code=1 if bad else 0, warnings=warnings)


async def _move_wake(engine: Engine) -> None:
    """Where the person opted in (`service install --wake`), wake the computer for the post due next."""
    from outpost import service
    from outpost.cli.service import next_due

    try:
        at = await next_due(engine)
        if await asyncio.to_thread(service.refresh_wake, at, engine.data_dir, home=Path.home()):
            log.info("the wake timer now wakes the computer for %s", at)
    except OSError as exc:  # never fail a run over the wake timer
        log.warning("could not move the wake timer: %s", exc)


def _missed_lines(event: PostsWereMissed) -> list[str]:
    """One line per missed post: when it was due, how late it is, and what Outpost does about it."""
    where = event.while_
    what = "held for review (see `outpost post show`)." if event.held else "publishing it late."
    lines = []
    for post in event.posts:
        assert post.scheduled_at is not None  # only scheduled posts are missed
        due = f"{post.scheduled_at:%Y-%m-%d %H:%M} UTC"
        late = late_by(event.noticed_at - post.scheduled_at)
        lines.append(f"{post.id}: missed {where} (due {due}, {late} late){on_time_note(post)}; {what}")
    return lines


def _why_not_published(post: Post, accounts: dict[str, Account]) -> str:
    """One line per post that did not fully go out: which accounts, and each network's reason."""
    reasons = [
        f"{accounts[t.account_id].ref if t.account_id in accounts else t.account_id}: "
        f"{t.error.message if t.error else t.status.value}"
        for t in post.targets
        if t.status is not TargetStatus.PUBLISHED
    ]
    return f"{post.id} is {post.status.value}: " + "; ".join(reasons)


async def _until_signal() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # Windows: Ctrl+C still raises KeyboardInterrupt
            loop.add_signal_handler(sig, stop.set)
    await stop.wait()


# -- media ----------------------------------------------------------------------------------------


async def _media_inspect(engine: Engine, args: argparse.Namespace) -> Outcome:
    networks = [Network(n) for n in args.networks] if args.networks else None
    return await inspect_media(engine, args.path, networks, field="PATH")


async def inspect_media(engine: Engine, path: str, networks: list[Network] | None, *, field: str) -> Outcome:
    """`media inspect`, for the command line and the `media_inspect` tool alike."""
    info = await engine.media.inspect(path, field=field)
    thumbnail = await engine.media.thumbnail(info)
    networks = networks or list(Network)
    compatibility = {n.value: check(info, RULES[n]).as_json() for n in networks}
    document = {
        "path": info.path,
        "mime_type": info.mime_type,
        "size": info.size,
        "width": info.width,
        "height": info.height,
        "duration_s": info.duration_s,
        "thumbnail": str(thumbnail) if thumbnail else None,
        "compatibility": compatibility,
    }
    shape = f"{info.width}×{info.height}" if info.width else "no picture"
    length = f", {info.duration_s:.1f} s" if info.duration_s else ""
    lines = [f"{info.path}: {info.mime_type}, {info.size:,} bytes, {shape}{length}"]
    for name, verdict in compatibility.items():
        detail = "".join(
            f" — {part}" for part in (verdict["reason"], verdict["fix"] and f"fix: {verdict['fix']}") if part
        )
        lines.append(f"  {name}: {verdict['status']}{detail}")
    return Outcome(document, "\n".join(lines))


async def _mcp(engine: Engine, args: argparse.Namespace) -> Outcome:
    from outpost import paths
    from outpost.cli.assistant import AssistantServer  # the MCP SDK loads only for this command

    server = AssistantServer(
        engine, allow_publish=bool(args.allow_publish), log_folder=paths.log_dir(engine.data_dir)
    )
    await server.serve_stdio()
    return Outcome(None, "", quiet=True)  # stdout was the protocol's: print nothing after it


# -- the media library ----------------------------------------------------------------------------


async def _media_library(engine: Engine, args: argparse.Namespace) -> Outcome:
    items = await engine.library.list(args.search, args.tag)
    lines = [_library_line(i) for i in items] or [
        "The media library is empty: attach a file to a post first."
    ]
    return Outcome([i.model_dump(mode="json") for i in items], "\n".join(lines))


async def _media_add(engine: Engine, args: argparse.Namespace) -> Outcome:
    item = await engine.library.add_url(args.url, alt_text=args.alt, field="URL")
    return Outcome(item.model_dump(mode="json"), _library_line(item))


async def _media_tag(engine: Engine, args: argparse.Namespace) -> Outcome:
    item = await engine.library.tag(await _library_sha(engine, args.sha256), args.tags)
    return Outcome(item.model_dump(mode="json"), _library_line(item))


async def _media_forget(engine: Engine, args: argparse.Namespace) -> Outcome:
    sha = await _library_sha(engine, args.sha256)
    await engine.library.forget(sha)
    return Outcome({"sha256": sha, "deleted": True}, f"Deleted {sha[:12]} from the media library.")


async def _library_sha(engine: Engine, prefix: str) -> str:
    """The full sha256 of the one library file starting with `prefix` (at least 8 characters)."""
    found = [i.sha256 for i in await engine.library.list() if i.sha256.startswith(prefix.lower())]
    if len(prefix) < 8 or len(found) != 1:
        raise ValidationError.single(
            "FILE",
            f"FILE: {prefix!r} names {'no' if not found else len(found)} library files; give at least 8 "
            f"characters of a sha256 that `outpost media library` shows.",
        )
    return found[0]


def _library_line(item: LibraryItem) -> str:
    shape = f"{item.width}×{item.height}" if item.width else item.mime_type
    used = f", on {len(item.used_by)} post(s)" if item.used_by else ", on no post"
    tags = f" [{', '.join(item.tags)}]" if item.tags else ""
    alt = f" — {item.alt_text}" if item.alt_text else ""
    return f"{item.sha256[:12]}  {item.name} ({shape}{used}){tags}{alt}"


async def fetch_media_urls(
    engine: Engine, media: list[MediaItem] | None, field: str
) -> list[MediaItem] | None:
    """Media given as http(s) URLs downloaded into the library, and named by the library's copy."""
    if not media:
        return media
    fetched = []
    for item in media:
        if item.path.startswith(("http://", "https://")):
            kept = await engine.library.add_url(item.path, alt_text=item.alt, field=field)
            item = MediaItem(path=kept.path, alt=item.alt or kept.alt_text)
        fetched.append(item)
    return fetched


_HANDLERS: dict[tuple[str, str | None], Handler] = {
    ("accounts", "list"): _accounts_list,
    ("accounts", "connect"): _accounts_connect,
    ("accounts", "add"): _accounts_add,
    ("accounts", "check"): _accounts_check,
    ("accounts", "targets"): _accounts_targets,
    ("accounts", "remove"): _accounts_remove,
    ("post", "create"): _post_create,
    ("post", "list"): _post_list,
    ("post", "show"): _post_show,
    ("post", "edit"): _post_edit,
    ("post", "schedule"): _post_schedule,
    ("post", "publish"): _post_publish,
    ("post", "cancel"): _post_cancel,
    ("post", "retry"): _post_retry,
    ("post", "check"): _post_check,
    ("post", "delete"): _post_delete,
    ("post", "import"): _post_import,
    ("post", "export"): _post_export,
    ("slots", "list"): _slots_list,
    ("slots", "set"): _slots_set,
    ("run", None): _run,
    ("media", "inspect"): _media_inspect,
    ("mcp", None): _mcp,
    ("media", "library"): _media_library,
    ("media", "add"): _media_add,
    ("media", "tag"): _media_tag,
    ("media", "forget"): _media_forget,
}

#: Commands whose handlers live in a module of their own, imported only when one of them runs
#: (issue #26: `post create` does not load the statistics, the hooks or the service installer).
_FAMILIES: dict[str, str] = {
    "apps": "outpost.cli.apps",
    "settings": "outpost.cli.settings",
    "media-host": "outpost.cli.media_host",
    "service": "outpost.cli.service",
    "campaigns": "outpost.cli.organise",
    "hooks": "outpost.cli.hooks",
    "stats": "outpost.cli.stats",
    "snippets": "outpost.cli.composer_tools",
    "costs": "outpost.cli.composer_tools",
}

__all__ = ["KnownError", "Outcome", "dispatch"]
