"""The command line's grammar, as INTERFACE.md lays it out; docs/cli.md is generated from it.

Every option has help text (tests/cli/test_help.py walks the parser and fails on one without),
and `scripts/cli-docs` turns this parser into the reference, so the two cannot drift apart.
"""

from __future__ import annotations

import argparse
import functools
from collections.abc import Callable
from typing import Any, TypeAlias

from outpost import __version__
from outpost.cli import composer_tools
from outpost.cli.organise import add_campaigns, add_post_options
from outpost.cli.secret_input import add_secret_option
from outpost.cli.text_input import STDIN, THREAD_SEPARATOR
from outpost.domain.enums import Network, PostStatus

NETWORKS = [n.value for n in Network]
#: The networks that need the creator's own developer app (Mastodon and Bluesky do not).
APP_NETWORKS = [n.value for n in Network if n not in (Network.MASTODON, Network.BLUESKY)]

_JSON_HELP = "print exactly one JSON document on stdout (errors still go to stderr)"
_ACCOUNT = "an account: its id or NETWORK:handle (`outpost accounts list` shows them)"
_POST = "a post's id (`outpost post list` shows them)"
_AT = "ISO-8601, e.g. 2026-12-01T09:00 (a local time, see --tz) or 2026-12-01T08:00:00Z"
_TZ = (
    "the IANA zone of --at when it has no offset, e.g. Europe/Berlin "
    "(default: the default_timezone setting, else this computer's zone)"
)

_CREATE_EPILOG = f"""\
examples:
  outpost post create --text "Hello" --account mastodon:alice@example.social
  outpost post create --text "New video" --account bluesky:you.bsky.social \\
      --media clip.mp4 --alt "A cat at a keyboard" --at 2026-12-01T09:00 --tz Europe/Berlin
  outpost post create --text "1/ A thread" --thread "2/ more" "3/ the end" \\
      --account x:you --text-for "x=Shorter for X" --now
  outpost post create --text-file post.md --thread-file rest.md --account linkedin:you
  write-my-post | outpost --json post create --text - --account mastodon:alice@example.social

Long texts: --text - reads the text from standard input and --text-file from a UTF-8 file
(line breaks at the end are dropped). --thread-file holds the further parts of a thread,
separated by lines with only {THREAD_SEPARATOR}.

A draft may break a network's rules (too long, too many images): it is saved, and what to
fix is listed on standard error (and under "warnings" with --json). Scheduling or
publishing it is refused (exit 2) until it is fixed.
"""

_EDIT_DESCRIPTION = """\
Change a draft, scheduled or failed post. The options given replace what the post has
(--account, --media, --thread and --option replace the whole list); the others keep it.
Without --at, --now or --draft a scheduled post stays scheduled (and must still fit every
network's rules); a draft stays a draft and may break them, as with `post create`."""


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The `outpost` argument parser; with `command`, only that command's options are built.

    Every command is named either way (for `outpost --help` and for "invalid choice" errors); a
    one-shot command does not build the other 80-odd commands' options it cannot be given
    (issue #26: a tenth of the parser's start). `command` is the argument that names it
    (`outpost.cli.command_named`).
    """
    parser = argparse.ArgumentParser(
        prog="outpost",
        description="Write a post once, publish it everywhere. Without a command, opens the app.",
        epilog="Every command also takes --json after its name. Exit codes: 0 done; 1 the operation "
        "ran but did not succeed (e.g. a network refused the post); 2 bad input.",
    )
    parser.add_argument("--version", action="version", version=f"outpost {__version__}")
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="where the store, media cache and logs live (default: $OUTPOST_DATA_DIR, else the "
        "platform's user data folder)",
    )
    parser.add_argument("--json", action="store_true", help=_JSON_HELP)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def section(name: str, help_text: str, fill: Fill, *, runs: bool = False) -> None:
        made = (_leaf if runs else _group)(commands, name, help_text)
        if command is None or command == name:
            fill(made)

    section("accounts", "connected accounts", _accounts)
    section("post", "create, schedule and publish posts", _posts)
    section("campaigns", "campaigns your posts belong to (a name, colour and dates)", _campaigns)
    section("apps", "your own developer apps (X, LinkedIn and others need one)", _apps)
    section("settings", "the settings the window edits", _settings)
    section("slots", "the posting schedule that --next-slot and “Add to queue” fill", _slots)
    section("media-host", "the public bucket Instagram and Threads fetch your media from", _media_host)
    section("service", "run Outpost from the OS's own scheduler while the window is closed", _service)
    section("hooks", "send Outpost's events to your own web address or command", _hooks)
    section("stats", "how your posts did, and when to post (from your own history)", _stats)
    section("run", "run the engine and scheduler headless until SIGINT/SIGTERM", _run, runs=True)
    section("mcp", "serve the Model Context Protocol on stdio for AI assistants", _mcp, runs=True)
    section(
        "snippets",
        "reusable texts (signatures, hashtag groups) with per-network variants",
        _snippets,
    )
    section(
        "costs",
        "what the scheduled posts of a period will cost on X, and this month so far",
        composer_tools.add_costs,
        runs=True,
    )
    section("media", "media files", _media)
    return parser


def _campaigns(parser: argparse.ArgumentParser) -> None:
    add_campaigns(parser, _leaf)


def _snippets(parser: argparse.ArgumentParser) -> None:
    composer_tools.add_snippets(parser, _leaf)


def _run(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--until-idle", action="store_true", help="exit once nothing is due or in flight")


def _mcp(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--allow-publish",
        action="store_true",
        help="let assistants publish at once (`now`); without it they draft and schedule only",
    )


def _media(parser: argparse.ArgumentParser) -> None:
    media_commands = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    inspect = _leaf(media_commands, "inspect", "what Outpost knows about a file")
    inspect.add_argument("path", metavar="PATH", help="an image or video file")
    inspect.add_argument(
        "--for",
        dest="networks",
        action="append",
        choices=NETWORKS,
        metavar="NETWORK",
        help="only whether this network takes it (repeat for several; default: every network)",
    )
    _library(media_commands)


def _library(actions: Commands) -> None:
    """`media library|add|tag|forget`: the media library (issue #24)."""
    library = _leaf(actions, "library", "every file a post carried, most recently used first")
    library.add_argument(
        "--search", metavar="TEXT", help="only files whose name, alt text or tags hold these words"
    )
    library.add_argument("--tag", metavar="TAG", help="only files with this tag")
    add = _leaf(actions, "add", "download a file from the public internet into the library")
    add.add_argument(
        "url", metavar="URL", help="an http(s) address of an image or video (private addresses refused)"
    )
    add.add_argument("--alt", metavar="TEXT", default="", help="its alt text, offered when it is reused")
    tag = _leaf(actions, "tag", "replace a library file's tags")
    tag.add_argument("sha256", metavar="FILE", help="the file's sha256 (`outpost media library` shows it)")
    tag.add_argument("tags", metavar="TAG", nargs="*", help="the new tags (none: remove all)")
    forget = _leaf(
        actions, "forget", "delete a file from the library (not while a post due to go out carries it)"
    )
    forget.add_argument("sha256", metavar="FILE", help="the file's sha256 (`outpost media library` shows it)")


Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
#: Adds a command's arguments and actions to its parser.
Fill: TypeAlias = Callable[[argparse.ArgumentParser], None]


def _group(commands: Commands, name: str, help_text: str) -> argparse.ArgumentParser:
    """A command that only groups others (`outpost post …`)."""
    return commands.add_parser(name, help=help_text, description=help_text[:1].upper() + help_text[1:] + ".")


def _leaf(commands: Commands, name: str, help_text: str, **kw: Any) -> argparse.ArgumentParser:
    """A command that runs; it takes `--json` after its name too (`outpost post list --json`)."""
    kw.setdefault("description", help_text[:1].upper() + help_text[1:] + ".")
    return commands.add_parser(name, help=help_text, parents=[_json_after()], **kw)


@functools.cache
def _json_after() -> argparse.ArgumentParser:
    """`--json` for every command that runs, shared (copied by reference: cheaper than adding it).

    Its default is "not given" (SUPPRESS), so `outpost --json post list` is not undone by the
    subcommand's own `--json` being left out.
    """
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help=_JSON_HELP)
    return parent


def _network(parser: argparse.ArgumentParser, help_text: str) -> None:
    parser.add_argument("network", choices=NETWORKS, metavar="NETWORK", help=help_text)


def _accounts(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    _leaf(actions, "list", "connected accounts and their health")
    connect = _leaf(actions, "connect", "connect through the network's sign-in page")
    _network(connect, f"one of {', '.join(NETWORKS)}")
    connect.add_argument("--instance", metavar="URL", help="the Mastodon server, e.g. https://example.social")
    connect.add_argument(
        "--target",
        metavar="ID",
        help="what to publish to, e.g. a LinkedIn organization URN (a page you administer)",
    )
    add = _leaf(
        actions,
        "add",
        "add an account from a token or an app password",
        epilog="A secret given as - is read from standard input (one line each, in the order\n"
        "given), which keeps it out of the process list and the shell history:\n"
        "  printf '%s\\n' \"$TOKEN\" | outpost accounts add mastodon \\\n"
        "      --instance https://example.social --access-token -",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _network(add, f"one of {', '.join(NETWORKS)}")
    add.add_argument("--instance", metavar="URL", help="the Mastodon server, e.g. https://example.social")
    add.add_argument("--service", metavar="URL", help="the Bluesky PDS (default https://bsky.social)")
    add.add_argument("--handle", metavar="HANDLE", help="the Bluesky handle, e.g. you.bsky.social")
    add_secret_option(add, "--app-password", "PASSWORD", "the Bluesky app password")
    add_secret_option(add, "--access-token", "TOKEN", "the access token")
    add_secret_option(add, "--refresh-token", "TOKEN", "the refresh token (renewed by Outpost)")
    add.add_argument(
        "--expires-at",
        metavar="ISO-8601",
        help="when the access token expires, with its offset, e.g. 2026-12-01T09:00:00Z",
    )
    add.add_argument("--target", metavar="ID", help="what the token publishes to (Page, org URN, IG user)")
    check = _leaf(actions, "check", "verify connections now and print their health")
    check.add_argument("account", nargs="?", metavar="ACCOUNT", help=f"{_ACCOUNT}; default: every account")
    remove = _leaf(actions, "remove", "remove an account and delete its secrets")
    remove.add_argument("account", metavar="ACCOUNT", help=_ACCOUNT)
    targets = _leaf(
        actions, "targets", "what the account can publish to: Pages, organizations, boards, channels"
    )
    targets.add_argument("account", metavar="ACCOUNT", help=_ACCOUNT)


def _apps(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    _leaf(actions, "list", "the developer apps kept in the keyring (never their secrets)")
    set_app = _leaf(
        actions,
        "set",
        "keep a developer app in the keyring (replaces the one kept)",
        description="Keep your developer app's client id (and secret) in the keyring, so accounts\n"
        "can be connected and their tokens renewed. The secret is read from standard input,\n"
        "never from the command line.",
        epilog="example:\n  printf '%s\\n' \"$SECRET\" | outpost apps set linkedin --client-id ID \\\n"
        "      --client-secret-stdin",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _network(set_app, ", ".join(APP_NETWORKS))
    set_app.add_argument(
        "--client-id", required=True, metavar="ID", help="the app's client id (TikTok: client key)"
    )
    set_app.add_argument(
        "--client-secret-stdin",
        action="store_true",
        help="read the client secret from standard input (one line); leave out for an app without one",
    )
    set_app.add_argument(
        "--redirect-port",
        type=int,
        metavar="N",
        help="the port of the redirect URI registered with the app, "
        "http://127.0.0.1:N/callback (default 8765)",
    )
    set_app.add_argument(
        "--pkce", action="store_true", help="the network enabled PKCE for this app (LinkedIn)"
    )
    set_app.add_argument(
        "--redirect-url",
        metavar="URL",
        help="the https redirect URL registered with the app, where the network allows no loopback "
        "redirect (Threads); after signing in you paste back the address the browser ends on",
    )
    remove = _leaf(actions, "remove", "delete a developer app from the keyring")
    _network(remove, "the network whose app to delete")


def _service(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    install = _leaf(
        actions,
        "install",
        "make the OS run `outpost run --until-idle` every few minutes (systemd, launchd, Task Scheduler)",
    )
    install.add_argument(
        "--every-minutes",
        type=int,
        default=5,
        metavar="N",
        help="how often, 1 to 60 minutes (default 5); a run missed while asleep happens at wake",
    )
    install.add_argument(
        "--wake",
        action="store_true",
        help="also wake the computer from sleep for the next scheduled post (systemd WakeSystem=, "
        "Windows WakeToRun; macOS: says how to use pmset)",
    )
    _leaf(actions, "status", "whether the OS runs Outpost while its window is closed")
    _leaf(actions, "remove", "stop the OS from running Outpost and delete its files")


_HOOK_EVENTS = [
    "post_published",
    "post_failed",
    "account_disconnected",
    "engagement_spike",
    "mention_received",
]


def _hooks(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = _leaf(
        actions,
        "add",
        "on EVENT, POST its JSON to a web address (signed) or give it to a command on stdin",
        description="Add a hook. With --url, Outpost POSTs the event's JSON there, signed with\n"
        "HMAC-SHA256 (X-Outpost-Signature), and tries again with backoff for about half an\n"
        "hour if the receiver fails; the signing secret is printed once, now, and kept in the\n"
        "keyring. With --command, Outpost runs the command (no shell) with the JSON on its\n"
        "standard input. Hooks are delivered while Outpost runs (the window or `outpost run`).",
        epilog="examples:\n"
        "  outpost hooks add post_published --url https://example.com/outpost\n"
        "  outpost hooks add mention_received --command 'notify-send-json --urgent'\n\n"
        "docs/hooks.md shows the JSON and how to check the signature.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add.add_argument("event", metavar="EVENT", choices=_HOOK_EVENTS, help="one of " + ", ".join(_HOOK_EVENTS))
    target = add.add_mutually_exclusive_group(required=True)
    target.add_argument("--url", metavar="URL", help="POST the event's JSON here (http or https)")
    target.add_argument(
        "--command",
        dest="hook_command",  # `command` is the subcommand's name
        metavar="CMD",
        help="run this command with the event's JSON on standard input",
    )
    _leaf(actions, "list", "every hook, with how its latest delivery went")
    remove = _leaf(actions, "remove", "forget a hook (and its secret)")
    remove.add_argument("id", metavar="ID", help="a hook's id (`outpost hooks list` shows them)")


def _settings(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    _leaf(actions, "list", "every setting with its value, default and meaning")
    get = _leaf(actions, "get", "one setting's value")
    get.add_argument("key", metavar="KEY", help="a setting's name (`outpost settings list` shows them)")
    set_value = _leaf(
        actions,
        "set",
        "change a setting (checked like the window's Settings)",
        epilog="examples:\n  outpost settings set theme dark\n"
        '  outpost settings set posting_schedule \'{"monday": ["09:00", "17:30"]}\'\n'
        "  outpost settings set default_timezone ''     (an empty VALUE clears a setting that may be empty)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    set_value.add_argument("key", metavar="KEY", help="a setting's name (`outpost settings list` shows them)")
    set_value.add_argument("value", metavar="VALUE", help="the new value, as `settings list` says it takes")


def _slots(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = _leaf(actions, "list", "the default posting schedule and each account's")
    listing.add_argument(
        "account", nargs="?", metavar="ACCOUNT", help=f"{_ACCOUNT}, or `default`; default: all of them"
    )
    set_slots = _leaf(
        actions,
        "set",
        "set an account's weekly posting slots, or the default ones",
        epilog='examples:\n  outpost slots set default --weekly "mon 09:00, wed 12:30, fri 09:00 17:00" '
        "--tz Europe/Berlin\n"
        '  outpost slots set x:you --weekly "tue 15:00, thu 15:00" --tz America/New_York\n'
        '  outpost slots set x:you --weekly ""      (the account uses the default schedule again)\n\n'
        "A post for several accounts takes the earliest slot that is in every chosen account's\n"
        "schedule and that none of them has a post at yet.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    set_slots.add_argument(
        "account", metavar="ACCOUNT", help=f"{_ACCOUNT}, or `default` for every account without its own"
    )
    set_slots.add_argument(
        "--weekly",
        required=True,
        metavar="SLOTS",
        help='weekdays and times, comma-separated, e.g. "mon 09:00, wed 12:30 17:00" (empty: none)',
    )
    set_slots.add_argument(
        "--tz",
        metavar="IANA_ZONE",
        help="the zone the times are in, e.g. Europe/Berlin (default: kept, else the default_timezone "
        "setting, else this computer's zone)",
    )


def _media_host(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    set_host = _leaf(
        actions,
        "set",
        "set the S3-compatible bucket (AWS S3, Cloudflare R2, Backblaze B2, MinIO)",
        description="Set the public media host: an S3-compatible bucket of yours. Instagram and\n"
        "Threads fetch images and videos from a web address; Outpost uploads each file there\n"
        "under a random name, hands the network an address that expires within the hour, and\n"
        "deletes the file once the network has it. The secret access key is read from\n"
        "standard input and kept in the keyring, never in a file.",
        epilog="examples:\n"
        "  printf '%s\\n' \"$SECRET\" | outpost media-host set \\\n"
        "      --endpoint https://s3.eu-west-1.amazonaws.com --bucket my-outpost-media \\\n"
        "      --region eu-west-1 --access-key-id AKIA... --secret-stdin\n"
        "  printf '%s\\n' \"$SECRET\" | outpost media-host set --endpoint http://127.0.0.1:9000 \\\n"
        "      --bucket media --access-key-id minio-user --secret-stdin --path-style\n\n"
        'docs/networks.md, "Public media host", shows how to make the bucket and a key that may\n'
        "only touch Outpost's files.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    set_host.add_argument(
        "--endpoint",
        required=True,
        metavar="URL",
        help="the storage service's address, e.g. https://s3.eu-west-1.amazonaws.com, "
        "https://ACCOUNT_ID.r2.cloudflarestorage.com, https://s3.us-west-004.backblazeb2.com",
    )
    set_host.add_argument("--bucket", required=True, metavar="NAME", help="the bucket's name")
    set_host.add_argument(
        "--region", metavar="R", help="the bucket's region (default us-east-1; Cloudflare R2: auto)"
    )
    set_host.add_argument(
        "--access-key-id", required=True, metavar="ID", help="the access key id of a key that may write there"
    )
    set_host.add_argument(
        "--secret-stdin",
        required=True,
        action="store_true",
        help="read the secret access key from standard input (one line); it goes to the keyring",
    )
    set_host.add_argument(
        "--path-style",
        action="store_true",
        help="address the bucket as URL/BUCKET (MinIO and most self-hosted servers) instead of BUCKET.HOST",
    )
    set_host.add_argument(
        "--public-base-url",
        metavar="URL",
        help="where the bucket's files are public (a CDN, R2's public address): networks get "
        "URL/KEY instead of a presigned address",
    )
    _leaf(actions, "show", "the media host that is set (never its secret)")
    _leaf(
        actions,
        "test",
        "upload a test file, fetch it through a presigned address, delete it; exit 1 with the reason",
    )
    _leaf(actions, "remove", "forget the media host and delete its secret from the keyring")


def _stats(parser: argparse.ArgumentParser) -> None:
    """`outpost stats …` (INTERFACE.md "Analytics"; docs/analytics.md explains the numbers)."""
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    collect = _leaf(
        actions,
        "collect",
        "read your posts' numbers from the networks now",
        description="Read the numbers of your posts of the last 31 days from every network that "
        "reports them (Outpost also does this by itself, 1 h, 6 h, 24 h, 7 d and 30 d after "
        "publishing), and today's follower counts. X is read only with the stats_paid_networks "
        "setting on: each read costs money on X's pay-per-use API.",
    )
    collect.add_argument("--account", metavar="ACCOUNT", help=f"only this account: {_ACCOUNT}")
    collect.add_argument(
        "--backfill",
        type=int,
        metavar="DAYS",
        help="also import the account's own posts of the last DAYS days, made anywhere (not only "
        "through Outpost; not reposts or boosts), with their numbers",
    )
    post = _leaf(actions, "post", "one post's numbers: totals, per network, over time")
    post.add_argument("post", metavar="POST", help=f"{_POST}, or an imported post's id from `stats summary`")
    summary = _leaf(actions, "summary", "a period's totals, per account, and top posts")
    _period(summary, "the first day (default: 30 days before --to)")
    only = summary.add_mutually_exclusive_group()
    only.add_argument("--account", metavar="ACCOUNT", help=f"only this account: {_ACCOUNT}")
    only.add_argument("--network", choices=NETWORKS, metavar="NETWORK", help="only this network")
    summary.add_argument("--tag", metavar="TAG", help="only posts carrying this tag (`post create --tag`)")
    summary.add_argument(
        "--campaign", metavar="NAME", help="only posts of this campaign (`outpost campaigns list`)"
    )
    best = _leaf(actions, "best-times", "the weekday hours your posts did best, with what each rests on")
    only = best.add_mutually_exclusive_group()
    only.add_argument("--account", metavar="ACCOUNT", help=f"only this account: {_ACCOUNT}")
    only.add_argument("--network", choices=NETWORKS, metavar="NETWORK", help="only this network")
    best.add_argument(
        "--tz",
        metavar="IANA_ZONE",
        help="the zone the hours are in, e.g. Europe/Berlin (default: the default_timezone "
        "setting, else this computer's zone)",
    )
    export = _leaf(actions, "export", "every reading of your posts as a CSV file")
    export.add_argument("file", metavar="FILE.csv", help="the file to write (replaced if it exists)")
    _period(export, "the first day (default: all of your history)")


def _period(parser: argparse.ArgumentParser, from_help: str) -> None:
    parser.add_argument("--from", dest="start", metavar="DATE", help=f"{from_help}; e.g. 2026-11-01")
    parser.add_argument(
        "--to", dest="end", metavar="DATE", help="the last day, included (default: today), e.g. 2026-11-30"
    )


def _posts(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    create = _leaf(
        actions,
        "create",
        "create a post (a draft unless --at or --now)",
        description="Create a post: a draft unless --at or --now says when to publish it.",
        epilog=_CREATE_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _content_options(create, editing=False)
    add_post_options(create, editing=False)
    _when_options(create, editing=False)
    _repeat_options(create)
    listing = _leaf(actions, "list", "posts, oldest first")
    statuses = [s.value for s in PostStatus]
    listing.add_argument(
        "--status",
        choices=statuses,
        metavar="STATUS",
        help=f"only posts in this status: {', '.join(statuses)}",
    )
    listing.add_argument("--tag", metavar="TAG", help="only posts with this tag")
    listing.add_argument("--campaign", metavar="NAME", help="only posts in this campaign (its name or id)")
    listing.add_argument("--search", metavar="TEXT", help="only posts whose title, text or thread holds TEXT")
    cancel = _leaf(actions, "cancel", "cancel a post that has not gone out")
    cancel.add_argument("post", metavar="POST", help=_POST)
    cancel.add_argument(
        "--series",
        action="store_true",
        help="end the recurring series the post belongs to and cancel every occurrence not gone out",
    )
    leaves = {}
    for name, help_text in (
        ("show", "one post"),
        ("publish", "publish now (a draft must fit every network's rules first)"),
        ("delete", "forget a post (published copies stay on the networks, unless --on-networks)"),
    ):
        leaves[name] = _leaf(actions, name, help_text)
        leaves[name].add_argument("post", metavar="POST", help=_POST)
    leaves["delete"].add_argument(
        "--on-networks",
        action="store_true",
        help="delete the published post (its thread too) on every network whose API allows it; the "
        "local post stays, marked deleted. Exit 1 if a network failed (run it again to retry those)",
    )
    edit = _leaf(
        actions,
        "edit",
        "change a draft, scheduled or failed post",
        description=_EDIT_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    edit.add_argument("post", metavar="POST", help=_POST)
    _content_options(edit, editing=True)
    add_post_options(edit, editing=True)
    _when_options(edit, editing=True)
    edit.add_argument(
        "--series",
        action="store_true",
        help="apply the content changes to this occurrence and every later one of its recurring series",
    )
    edit.add_argument(
        "--on-networks",
        action="store_true",
        help="edit a published post on its networks: in place where the network allows it (Mastodon, "
        "LinkedIn, Facebook, Pinterest, YouTube); --text, --text-for, --thread, --media and --alt only",
    )
    edit.add_argument(
        "--repost",
        action="store_true",
        help="with --on-networks: where a network cannot edit (Bluesky, Threads), delete the post and "
        "publish it again (a new post: its likes, replies and link are lost)",
    )
    schedule = _leaf(actions, "schedule", "schedule or reschedule a post (it must fit every network's rules)")
    schedule.add_argument("post", metavar="POST", help=_POST)
    schedule.add_argument("--at", required=True, metavar="ISO-8601", help=f"when to publish: {_AT}")
    schedule.add_argument("--tz", metavar="IANA_ZONE", help=_TZ)
    _csv(actions)
    retry = _leaf(
        actions, "retry", "publish failed targets again (of a published post: its failed first comments)"
    )
    retry.add_argument("post", metavar="POST", help=_POST)
    retry.add_argument("--account", metavar="ACCOUNT", help="only this account's target (may be unknown)")
    check = _leaf(actions, "check", "ask the networks now whether the post is there (read-back verification)")
    check.add_argument("post", metavar="POST", help=_POST)


_CSV_EPILOG = """\
columns (header row required; unknown columns are an error):
  text           the post's text
  accounts       space-separated accounts, NETWORK:handle (or ids)
  at             ISO-8601, e.g. 2026-12-01T09:00; empty: the next free posting slot
  tz             the IANA zone of at, e.g. Europe/Berlin
  media          space-separated paths, relative to the CSV file ("my photo.jpg" quoted)
  alt            alt texts separated by |, in media order
  first_comment  posted as the first comment / self-reply right after the post
  status         draft or scheduled (default: scheduled)
  options        space-separated NETWORK.KEY=VALUE, e.g. mastodon.visibility=unlisted
export adds id and published (permalinks); import accepts and ignores them.
Spreadsheets' CSV (UTF-8 with or without BOM, comma or semicolon) is read as it is.
Row numbers count data rows: 1 is the first row after the header.
"""


def _csv(actions: Commands) -> None:
    importing = _leaf(
        actions,
        "import",
        "one post per CSV row; all rows or none",
        description="Import one post per row of a CSV file. Every bad row is reported (row, column,\n"
        "reason) with exit 2 and nothing is imported; --dry-run checks only.",
        epilog=_CSV_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    importing.add_argument("file", metavar="FILE.csv", help="the CSV file (a spreadsheet's “CSV UTF-8”)")
    importing.add_argument("--dry-run", action="store_true", help="check every row, import nothing")
    exporting = _leaf(
        actions,
        "export",
        "write posts to a CSV file that imports again",
        epilog=_CSV_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    exporting.add_argument("file", metavar="FILE.csv", help="where to write (replaced if it exists)")
    statuses = [s.value for s in PostStatus]
    exporting.add_argument(
        "--status",
        choices=statuses,
        metavar="STATUS",
        help=f"only posts in this status: {', '.join(statuses)}",
    )
    exporting.add_argument(
        "--from", dest="start", metavar="DATE", help="only posts from this day on (YYYY-MM-DD, UTC)"
    )
    exporting.add_argument("--to", dest="end", metavar="DATE", help="only posts up to this day, included")


def _content_options(parser: argparse.ArgumentParser, *, editing: bool) -> None:
    """What a post says and where it goes; for `edit`, each option given replaces what it had."""
    text = parser.add_mutually_exclusive_group()
    text.add_argument(
        "--text",
        metavar="TEXT",
        help=f"the post's text; {STDIN} reads it from standard input (for long texts and scripts)",
    )
    text.add_argument(
        "--text-file",
        metavar="PATH",
        help="read the post's text from this UTF-8 file (line breaks at the end are dropped)",
    )
    parser.add_argument(
        "--account",
        dest="accounts",
        action="append",
        metavar="ACCOUNT",
        help="an account to publish to: its id or NETWORK:handle (repeat for several"
        + ("; replaces the post's accounts)" if editing else ")"),
    )
    parser.add_argument(
        "--text-for",
        action="append",
        metavar="ACCOUNT_OR_NETWORK=TEXT",
        help="this text instead of the post's for one account, or for every account of a network, "
        "e.g. 'x=Shorter for X' (repeat for several)",
    )
    parser.add_argument(
        "--media",
        action="extend",
        nargs="+",
        metavar="PATH",
        help="images or videos to attach, in order",
    )
    parser.add_argument(
        "--alt",
        action="extend",
        nargs="+",
        metavar="TEXT",
        help="descriptions (alt texts) of the media, in the same order as --media",
    )
    thread = parser.add_mutually_exclusive_group()
    thread.add_argument(
        "--thread",
        action="extend",
        nargs="+",
        metavar="TEXT",
        help="further parts of a thread, in order, after the post's text",
    )
    thread.add_argument(
        "--thread-file",
        metavar="PATH",
        help=f"read the further parts of a thread from this UTF-8 file, separated by lines with only "
        f"{THREAD_SEPARATOR}; {STDIN} reads standard input (unless --text {STDIN} does)",
    )
    if not editing:
        parser.add_argument(
            "--utm-link",
            dest="utm_links",
            action="append",
            metavar="URL",
            help="tag this link with the UTM parameters of the settings (utm_for, utm_medium, utm_campaign) "
            "for the networks they name; `all` tags every link (repeat for several; default: none)",
        )
        parser.add_argument(
            "--snippet",
            dest="snippets",
            action="append",
            metavar="NAME",
            help="add a snippet (`outpost snippets list`) on a line of its own; networks with their own "
            "variant get it instead (repeat for several)",
        )
    parser.add_argument(
        "--first-comment",
        metavar="TEXT",
        help="posted as the first comment / self-reply right after the post, where the network takes "
        "one" + ("; an empty TEXT removes it" if editing else ""),
    )
    parser.add_argument(
        "--option",
        dest="options",
        action="append",
        metavar="NETWORK.KEY=VALUE",
        help="a network's setting, e.g. mastodon.visibility=unlisted or x.reply_settings=following "
        "(repeat for several)",
    )


def _repeat_options(parser: argparse.ArgumentParser) -> None:
    """`--repeat` and its end (issue #22), and `--evergreen`."""
    parser.add_argument(
        "--repeat",
        metavar="RULE",
        help="make it recurring: daily, weekly, monthly or cron:EXPR (e.g. 'cron:0 9 * * 2', Tuesdays "
        "09:00), at the wall-clock time of --at in its zone; each occurrence is a post of its own",
    )
    end = parser.add_mutually_exclusive_group()
    end.add_argument(
        "--repeat-until", metavar="ISO-8601", help="the last day (or time) an occurrence may fall on"
    )
    end.add_argument(
        "--repeat-count", type=int, metavar="N", help="how many occurrences in all, the first included"
    )


def _when_options(parser: argparse.ArgumentParser, *, editing: bool) -> None:
    when = parser.add_mutually_exclusive_group()
    when.add_argument("--at", metavar="ISO-8601", help=f"publish at this time: {_AT}")
    when.add_argument("--now", action="store_true", help="publish before returning")
    when.add_argument(
        "--next-slot",
        action="store_true",
        help="schedule into the next posting-schedule slot free for every chosen account "
        "(`outpost slots list` shows the schedules)",
    )
    when.add_argument(
        "--draft",
        action="store_true",
        help="make it a draft again (unscheduled)" if editing else "keep as a draft (the default)",
    )
    parser.add_argument("--tz", metavar="IANA_ZONE", help=_TZ)
    parser.add_argument(
        "--evergreen",
        action=argparse.BooleanOptionalAction,
        help="evergreen: queued again into a free slot of an account with nothing queued, at most "
        "every evergreen_min_gap_days days, never twice in a row"
        + ("; --no-evergreen stops that" if editing else ""),
    )
