"""`outpost apps list|set|remove`: the creator's own developer apps, for scripts (INTERFACE.md).

`accounts connect NETWORK` asks for the app once on a terminal; these commands let a script set it
directly, so it can add an account with a refresh token (`accounts add x --refresh-token …`)
without walking through a sign-in. The secret comes from standard input, never the command line.
Apps may be kept for networks this version cannot publish to yet: they wait for the adapter.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from outpost.auth.providers import DEFAULT_PORT, PROVIDERS, OAuthProvider, Redirect, pasted_redirect_uri
from outpost.cli.outcome import Handler, Outcome
from outpost.cli.secret_input import read_secret_line
from outpost.domain.enums import Network
from outpost.domain.errors import NotFoundError, Problem, ValidationError

if TYPE_CHECKING:
    from outpost.engine import DeveloperApp, Engine

SECRET_FLAG = "--client-secret-stdin"


def app_json(network: Network, app: DeveloperApp) -> dict[str, Any]:
    """A developer app as INTERFACE.md shows it (never its secret, only whether there is one)."""
    return {
        "network": network.value,
        "client_id": app.client_id,
        "has_secret": bool(app.client_secret),
        "redirect_port": app.redirect_port,
        "pkce": _uses_pkce(PROVIDERS[network], app),
    }


def app_text(network: Network, app: DeveloperApp) -> str:
    """A developer app in one line, for people."""
    return f"{network.value}  {_details(network, app)}"


def _details(network: Network, app: DeveloperApp) -> str:
    provider = PROVIDERS[network]
    parts = [f"client id {app.client_id}", "with a client secret" if app.client_secret else "no secret"]
    if provider.redirect is Redirect.LOOPBACK_FIXED_PORT:
        parts.append(f"redirect URI http://127.0.0.1:{app.redirect_port}/callback")
    elif network is Network.INSTAGRAM:  # Meta takes https only; the person pastes the address back
        parts.append(f"redirect URI {pasted_redirect_uri(app.redirect_port)}")
    if _uses_pkce(provider, app):
        parts.append("PKCE")
    return ", ".join(parts)


def _uses_pkce(provider: OAuthProvider, app: DeveloperApp) -> bool:
    """Whether Outpost signs in with PKCE for this app (always, never, or as the person set it)."""
    return provider.pkce is not None or (provider.pkce_optional and app.pkce)


def _provider(network: Network) -> OAuthProvider:
    """The network's OAuth table, or a plain refusal for networks that need no developer app."""
    provider = PROVIDERS.get(network)
    if provider is None:
        own = network is Network.MASTODON
        why = "Outpost registers its own app on each server" if own else "it signs in with app passwords"
        raise ValidationError.single(
            "NETWORK",
            f"NETWORK: {network.label} needs no developer app of yours ({why}). "
            f"Networks that need one: {', '.join(n.value for n in PROVIDERS)}.",
            network=network.value,
        )
    return provider


async def _apps_list(engine: Engine, args: argparse.Namespace) -> Outcome:
    apps = await engine.accounts.apps()
    text = "\n".join(app_text(n, a) for n, a in apps.items()) or (
        "No developer apps kept. "
        f"{', '.join(n.label for n in PROVIDERS)} need one: outpost apps set NETWORK --client-id ID."
    )
    return Outcome([app_json(n, a) for n, a in apps.items()], text)


async def _apps_set(engine: Engine, args: argparse.Namespace) -> Outcome:
    network = Network(args.network)
    provider = _provider(network)
    label = network.label
    secret = await read_secret_line(SECRET_FLAG) if args.client_secret_stdin else ""
    problems = []
    if provider.client_secret_required and not secret:
        problems.append(
            Problem(
                field=SECRET_FLAG,
                message=f"{SECRET_FLAG}: {label} needs the app's client secret as well; pipe it in: "
                f"printf '%s\\n' \"$SECRET\" | outpost apps set {network.value} --client-id ID {SECRET_FLAG}",
                network=network.value,
                rule="required",
            )
        )
    if args.pkce and provider.pkce is None and not provider.pkce_optional:
        problems.append(
            Problem(
                field="--pkce",
                message=f"--pkce: {label} does not use PKCE; leave --pkce out.",
                network=network.value,
                rule="unsupported",
            )
        )
    if problems:
        raise ValidationError(problems)
    port = DEFAULT_PORT if args.redirect_port is None else args.redirect_port
    await engine.accounts.set_app(
        network, args.client_id, secret, port, pkce=provider.pkce_optional and args.pkce
    )
    app = await engine.accounts.app(network)
    assert app is not None  # just written
    warnings = []
    if network not in engine.accounts.networks:
        warnings.append(f"Outpost cannot publish to {label} yet; the app is kept for when it can.")
    return Outcome(
        app_json(network, app),
        f"Saved the {label} app in the keyring: {_details(network, app)}.",
        warnings=warnings,
    )


async def _apps_remove(engine: Engine, args: argparse.Namespace) -> Outcome:
    network = _provider(Network(args.network)).network
    if not await engine.accounts.remove_app(network):
        raise NotFoundError(
            f"No {network.label} developer app is kept, so there is nothing to remove "
            f"(`outpost apps list` shows the apps kept)."
        )
    users = [a.ref for a in await engine.accounts.list() if a.network is network]
    warnings = [
        f"{', '.join(users)} still use{'s' if len(users) == 1 else ''} the {network.label} app to renew "
        f"their sign-in: set it again (`outpost apps set {network.value} …`) before their access "
        f"expires, or reconnect them then."
    ]
    return Outcome(
        {"network": network.value, "removed": True},
        f"Removed the {network.label} app from the keyring.",
        warnings=warnings if users else [],
    )


HANDLERS: dict[tuple[str, str | None], Handler] = {
    ("apps", "list"): _apps_list,
    ("apps", "set"): _apps_set,
    ("apps", "remove"): _apps_remove,
}
