"""`outpost apps list|set|remove` and secrets read from standard input (INTERFACE.md, Developer apps).

In-process against the fake network for the shapes and refusals; the real program against the
strict fake of X for the script that issue #16 asks for: set the app, add an account with a
refresh token, and the token is renewed — with no secret ever on a command line.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from outpost.cli import main
from outpost.domain.enums import Network
from tests.cli.conftest import Cli
from tests.cli.test_oauth_networks_cli import assert_secrets_only_in_keyring, program, serve_two_hosts
from tests.contract.fake_x import API, CLIENT_ID, SCOPES, WEB, FakeX
from tests.fakes import FakeNetwork
from tests.support.program import outpost_command

APP_KEYS = {"network", "client_id", "has_secret", "redirect_port", "pkce"}


@pytest.fixture
def remote() -> FakeNetwork:
    """X is the network this version "has" here; YouTube stands for one without an adapter yet."""
    return FakeNetwork(network=Network.X)


def test_an_app_is_kept_in_the_keyring_and_listed_without_its_secret(cli: Cli) -> None:
    saved = cli(
        "apps", "set", "linkedin", "--client-id", "li-client", "--client-secret-stdin",
        "--redirect-port", "9100", "--pkce", stdin="li-s3cret\r\n",
    )  # fmt: skip
    assert saved == {
        "network": "linkedin",
        "client_id": "li-client",
        "has_secret": True,
        "redirect_port": 9100,
        "pkce": True,
    }
    assert cli.secrets.secrets["devapp/linkedin"]["client_secret"] == "li-s3cret"  # no line break kept
    assert cli("apps", "list") == [saved]
    assert "li-s3cret" not in json.dumps(saved) + cli.stderr


def test_a_public_app_has_no_secret_and_the_default_port(cli: Cli) -> None:
    saved = cli("apps", "set", "x", "--client-id", "x-client")
    assert set(saved) == APP_KEYS  # type: ignore[arg-type]
    assert saved == {"network": "x", "client_id": "x-client", "has_secret": False, "redirect_port": 8765,
                     "pkce": True}  # fmt: skip  # X always signs in with PKCE
    again = cli("apps", "set", "x", "--client-id", "x-client-2", "--redirect-port", "9200")
    assert cli("apps", "list") == [again]  # set replaces the app kept


def test_an_app_for_a_network_without_an_adapter_yet_is_kept_for_later(cli: Cli) -> None:
    saved = cli("apps", "set", "youtube", "--client-id", "yt-client", "--client-secret-stdin", stdin="yt\n")
    assert "cannot publish to YouTube yet; the app is kept" in cli.stderr
    assert [a["network"] for a in cli("apps", "list")] == ["youtube"]  # type: ignore[union-attr]
    assert saved["has_secret"] is True  # type: ignore[index]


@pytest.mark.parametrize(
    ("argv", "stdin", "says"),
    [
        (("mastodon", "--client-id", "m"), "", "Mastodon needs no developer app of yours"),
        (("bluesky", "--client-id", "b"), "", "Bluesky needs no developer app of yours"),
        (("linkedin", "--client-id", "l"), "", "--client-secret-stdin: LinkedIn needs the app's client secret"),
        (("linkedin", "--client-id", "l", "--client-secret-stdin"), "", "nothing came on standard input"),
        (("linkedin", "--client-id", "l", "--client-secret-stdin"), "\n", "nothing came on standard input"),
        (("pinterest", "--client-id", "p", "--client-secret-stdin", "--pkce"), "s\n", "Pinterest does not use PKCE"),
        (("x", "--client-id", "x", "--redirect-port", "80"), "", "redirect_port: 80 is not a port"),
        (("x", "--client-id", "  "), "", "client_id: give the client id of your X app"),
    ],
)  # fmt: skip
def test_a_bad_app_is_refused_with_exit_2_and_nothing_is_kept(
    cli: Cli, argv: tuple[str, ...], stdin: str, says: str
) -> None:
    refused = cli("apps", "set", *argv, stdin=stdin, expect=2)
    assert refused["error"]["code"] == "validation_error"  # type: ignore[index]
    assert says in cli.stderr
    assert cli("apps", "list") == []


def test_removing_an_app(cli: Cli) -> None:
    cli("apps", "set", "x", "--client-id", "x-client")
    assert cli("apps", "remove", "x") == {"network": "x", "removed": True}
    assert cli("apps", "list") == [] and cli.secrets.secrets == {}
    missing = cli("apps", "remove", "x", expect=2)
    assert missing["error"]["code"] == "not_found"  # type: ignore[index]
    assert "No X developer app is kept" in cli.stderr


def test_removing_an_app_that_accounts_still_use_says_which(cli: Cli) -> None:
    cli("apps", "set", "x", "--client-id", "x-client")
    cli("accounts", "add", "x", "--handle", "alice_x", "--access-token", "good-token")
    cli("apps", "remove", "x")
    assert "x:alice_x still uses the X app to renew their sign-in" in cli.stderr


def test_a_token_given_as_dash_is_read_from_standard_input(cli: Cli) -> None:
    added = cli("accounts", "add", "x", "--handle", "alice_x", "--access-token", "-", stdin="good-token\n")
    assert added["handle"] == "alice_x"  # type: ignore[index]
    assert next(iter(cli.secrets.secrets.values())) == {"access_token": "good-token"}
    cli("accounts", "add", "x", "--handle", "bob_x", "--access-token", "-", stdin="", expect=2)
    assert "--access-token: nothing came on standard input" in cli.stderr


def test_the_help_recommends_standard_input_for_every_secret(capsys: pytest.CaptureFixture[str]) -> None:
    text = "".join(_help(capsys, argv) for argv in (["accounts", "add", "--help"], ["apps", "set", "--help"]))
    flat = " ".join(text.split())
    for option in ("--app-password PASSWORD", "--access-token TOKEN", "--refresh-token TOKEN"):
        described = flat.split(option, 2)[-1]  # the option's help, after the usage line
        assert described.split(";", 1)[1].lstrip().startswith("- reads it from standard input (recommended")
    assert "--client-secret-stdin read the client secret from standard input" in flat
    assert "--redirect-port N" in flat and "--pkce" in flat and "--client-id ID" in flat


def _help(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    with pytest.raises(SystemExit) as done:
        main(argv)
    assert done.value.code == 0
    return capsys.readouterr().out


# -- the real program against the strict fake of X ------------------------------------------------


@pytest.fixture
def x_server() -> Iterator[tuple[FakeX, str, str]]:
    fake = FakeX()
    with serve_two_hosts(fake.handle, API, WEB) as (api_server, web_server):
        yield fake, f"http://127.0.0.1:{api_server.port}", f"http://127.0.0.1:{web_server.port}"


def test_a_script_adds_an_x_account_with_a_refresh_token_and_outpost_renews_it(
    tmp_path: Path, x_server: tuple[FakeX, str, str]
) -> None:
    fake, api_url, auth_url = x_server
    keyring_file = tmp_path / "keyring.json"
    fake.register_app(CLIENT_ID, 8765, secret="x-app-secret")  # a confidential client: refresh needs it
    access, refresh = fake.oauth.issue("alice", SCOPES, CLIENT_ID)  # made elsewhere (e.g. with xurl)
    outpost = program(tmp_path, keyring_file, OUTPOST_API_URL_X=api_url, OUTPOST_AUTH_URL_X=auth_url)

    app = outpost(
        "apps", "set", "x", "--client-id", CLIENT_ID, "--client-secret-stdin", stdin="x-app-secret\n"
    )
    assert app.returncode == 0, app.stderr
    assert json.loads(app.stdout) == {"network": "x", "client_id": CLIENT_ID, "has_secret": True,
                                      "redirect_port": 8765, "pkce": True}  # fmt: skip

    # Both tokens from standard input, one line each in the order given (refresh token first here).
    command = outpost_command(
        outpost.data, "accounts", "add", "x", "--refresh-token", "-", "--access-token", "-"
    )
    with subprocess.Popen(
        command,
        env=outpost.env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as adding:
        seen = _command_line(adding.pid)  # it waits for its standard input meanwhile
        out, err = adding.communicate(f"{refresh}\n{access}\n", timeout=120)
    assert "--access-token" in seen and access not in seen and refresh not in seen
    assert adding.returncode == 0, err
    account = json.loads(out)
    assert (account["handle"], account["health"]["state"]) == ("alice_x", "ok")

    fake.oauth.expire_access_tokens()  # two hours later
    later = outpost("post", "create", "--text", "Renewed by itself", "--account", "x:alice_x", "--now")
    assert later.returncode == 0, later.stderr
    assert json.loads(later.stdout)["status"] == "published" and fake.tweets[0].text == "Renewed by itself"
    assert fake.oauth.refreshes == 1 and fake.oauth.refresh[refresh].revoked  # rotated with the app's secret
    kept = [json.loads(v) for v in json.loads(keyring_file.read_text()).values()]
    renewed = next(k for k in kept if "refresh_token" in k)
    assert renewed["refresh_token"] != refresh
    assert_secrets_only_in_keyring(
        outpost.data, keyring_file, "x-app-secret", renewed["access_token"], renewed["refresh_token"]
    )


def _command_line(pid: int) -> str:
    """The process's command line as every local user can read it, once the program has started."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        seen = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        if "--access-token" in seen:
            return seen
        time.sleep(0.01)  # a real process starting: no clock to inject
    raise AssertionError("the program did not start within 60 s")
