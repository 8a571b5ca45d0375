"""The command line's grammar, exactly as INTERFACE.md lays it out."""

from __future__ import annotations

import argparse

from outpost import __version__
from outpost.domain.enums import Network, PostStatus

NETWORKS = [n.value for n in Network]


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
    add = actions.add_parser("add", help="add an account from a token or an app password")
    add.add_argument("network", choices=NETWORKS, metavar="NETWORK")
    add.add_argument("--instance", metavar="URL", help="the Mastodon server")
    add.add_argument("--service", metavar="URL", help="the Bluesky PDS (default bsky.social)")
    add.add_argument("--handle", metavar="HANDLE")
    add.add_argument("--app-password", metavar="PASSWORD")
    add.add_argument("--access-token", metavar="TOKEN")
    add.add_argument("--refresh-token", metavar="TOKEN")
    add.add_argument("--expires-at", metavar="ISO-8601")
    add.add_argument("--target", metavar="ID", help="what the token publishes to (Page, org URN, IG user)")
    check = actions.add_parser("check", help="verify connections now and print their health")
    check.add_argument("account", nargs="?", metavar="ACCOUNT")
    remove = actions.add_parser("remove", help="remove an account and delete its secrets")
    remove.add_argument("account", metavar="ACCOUNT")


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
