"""The command line's grammar, exactly as INTERFACE.md lays it out."""

from __future__ import annotations

import argparse

from outpost import __version__
from outpost.cli.secret_input import add_secret_option
from outpost.domain.enums import Network, PostStatus

NETWORKS = [n.value for n in Network]
#: The networks that need the creator's own developer app (Mastodon and Bluesky do not).
APP_NETWORKS = [n.value for n in Network if n not in (Network.MASTODON, Network.BLUESKY)]


def build_parser() -> argparse.ArgumentParser:
    """The `outpost` argument parser."""
    parser = argparse.ArgumentParser(
        prog="outpost",
        description="Write a post once, publish it everywhere. Without a command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"outpost {__version__}")
    parser.add_argument("--data-dir", metavar="DIR", help="where the store, media cache and logs live")
    parser.add_argument("--json", action="store_true", help="print exactly one JSON document on stdout")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    _accounts(commands.add_parser("accounts", help="connected accounts"))
    _posts(commands.add_parser("post", help="create, schedule and publish posts"))
    _apps(commands.add_parser("apps", help="your own developer apps (X, LinkedIn and others need one)"))
    _settings(commands.add_parser("settings", help="the settings the window edits"))
    run = commands.add_parser("run", help="run the engine and scheduler headless until SIGINT/SIGTERM")
    run.add_argument("--until-idle", action="store_true", help="exit once nothing is due or in flight")
    media = commands.add_parser("media", help="media files")
    media_commands = media.add_subparsers(dest="action", metavar="ACTION", required=True)
    inspect = media_commands.add_parser("inspect", help="what Outpost knows about a file")
    inspect.add_argument("path", metavar="PATH")
    inspect.add_argument("--for", dest="networks", action="append", choices=NETWORKS, metavar="NETWORK")
    return parser


def _accounts(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("list", help="connected accounts and their health")
    connect = actions.add_parser("connect", help="connect through the network's sign-in page")
    connect.add_argument("network", choices=NETWORKS, metavar="NETWORK")
    connect.add_argument("--instance", metavar="URL", help="the Mastodon server")
    connect.add_argument(
        "--target",
        metavar="ID",
        help="what to publish to, e.g. a LinkedIn organization URN (a page you administer)",
    )
    add = actions.add_parser(
        "add",
        help="add an account from a token or an app password",
        epilog="A secret given as - is read from standard input (one line each, in the order\n"
        "given), which keeps it out of the process list and the shell history:\n"
        "  printf '%s\\n' \"$TOKEN\" | outpost accounts add mastodon \\\n"
        "      --instance https://example.social --access-token -",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add.add_argument("network", choices=NETWORKS, metavar="NETWORK")
    add.add_argument("--instance", metavar="URL", help="the Mastodon server")
    add.add_argument("--service", metavar="URL", help="the Bluesky PDS (default bsky.social)")
    add.add_argument("--handle", metavar="HANDLE")
    add_secret_option(add, "--app-password", "PASSWORD", "the Bluesky app password")
    add_secret_option(add, "--access-token", "TOKEN", "the access token")
    add_secret_option(add, "--refresh-token", "TOKEN", "the refresh token (renewed by Outpost)")
    add.add_argument("--expires-at", metavar="ISO-8601")
    add.add_argument("--target", metavar="ID", help="what the token publishes to (Page, org URN, IG user)")
    check = actions.add_parser("check", help="verify connections now and print their health")
    check.add_argument("account", nargs="?", metavar="ACCOUNT")
    remove = actions.add_parser("remove", help="remove an account and delete its secrets")
    remove.add_argument("account", metavar="ACCOUNT")


def _apps(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("list", help="the developer apps kept in the keyring (never their secrets)")
    set_app = actions.add_parser(
        "set",
        help="keep a developer app in the keyring (replaces the one kept)",
        description="Keep your developer app's client id (and secret) in the keyring, so accounts\n"
        "can be connected and their tokens renewed. The secret is read from standard input,\n"
        "never from the command line.",
        epilog="example:\n  printf '%s\\n' \"$SECRET\" | outpost apps set linkedin --client-id ID \\\n"
        "      --client-secret-stdin",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    set_app.add_argument("network", choices=NETWORKS, metavar="NETWORK", help=", ".join(APP_NETWORKS))
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
    remove = actions.add_parser("remove", help="delete a developer app from the keyring")
    remove.add_argument("network", choices=NETWORKS, metavar="NETWORK")


def _settings(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("list", help="every setting with its value, default and meaning")
    get = actions.add_parser("get", help="one setting's value")
    get.add_argument("key", metavar="KEY", help="a setting's name (`outpost settings list` shows them)")
    set_value = actions.add_parser(
        "set",
        help="change a setting (checked like the window's Settings)",
        epilog="examples:\n  outpost settings set theme dark\n"
        '  outpost settings set posting_schedule \'{"monday": ["09:00", "17:30"]}\'\n'
        "  outpost settings set default_timezone ''     (an empty VALUE clears a setting that may be empty)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    set_value.add_argument("key", metavar="KEY", help="a setting's name (`outpost settings list` shows them)")
    set_value.add_argument("value", metavar="VALUE", help="the new value, as `settings list` says it takes")


def _posts(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    create = actions.add_parser("create", help="create a post (a draft unless --at or --now)")
    _content_options(create)
    _when_options(create)
    listing = actions.add_parser("list", help="posts, oldest first")
    listing.add_argument("--status", choices=[s.value for s in PostStatus], metavar="STATUS")
    for name, help_text in (
        ("show", "one post"),
        ("publish", "publish now"),
        ("cancel", "cancel a post that has not gone out"),
        ("delete", "forget a post (published copies stay on the networks)"),
    ):
        actions.add_parser(name, help=help_text).add_argument("post", metavar="POST")
    edit = actions.add_parser("edit", help="change a draft, scheduled or failed post")
    edit.add_argument("post", metavar="POST")
    _content_options(edit)
    _when_options(edit)
    schedule = actions.add_parser("schedule", help="schedule or reschedule a post")
    schedule.add_argument("post", metavar="POST")
    schedule.add_argument("--at", required=True, metavar="ISO-8601")
    schedule.add_argument("--tz", metavar="IANA_ZONE")
    retry = actions.add_parser("retry", help="publish failed targets again")
    retry.add_argument("post", metavar="POST")
    retry.add_argument("--account", metavar="ACCOUNT", help="only this account's target (may be unknown)")


def _content_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--text", metavar="TEXT")
    parser.add_argument("--account", dest="accounts", action="append", metavar="ACCOUNT")
    parser.add_argument("--text-for", action="append", metavar="ACCOUNT_OR_NETWORK=TEXT")
    parser.add_argument("--media", action="extend", nargs="+", metavar="PATH")
    parser.add_argument("--alt", action="extend", nargs="+", metavar="TEXT")
    parser.add_argument("--thread", action="extend", nargs="+", metavar="TEXT")
    parser.add_argument("--option", dest="options", action="append", metavar="NETWORK.KEY=VALUE")


def _when_options(parser: argparse.ArgumentParser) -> None:
    when = parser.add_mutually_exclusive_group()
    when.add_argument("--at", metavar="ISO-8601", help="publish at this time")
    when.add_argument("--now", action="store_true", help="publish before returning")
    when.add_argument("--draft", action="store_true", help="keep as a draft (the default)")
    parser.add_argument("--tz", metavar="IANA_ZONE", help="the zone of --at when it has no offset")
