"""Help a person can rely on: every option explained, `post create --help` ends with examples that
run, and `--json` after the command as well as before it."""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from outpost.adapters.registry import SHIPPED
from outpost.cli import command_named, main
from outpost.cli.parser import build_parser
from outpost.cli.reference import commands, options
from tests.support.program import outpost_env

LEAVES = {c.path for c in commands() if c.runs}


def test_the_walk_reaches_every_command() -> None:
    # The checks below are only as good as the walk: it must reach the commands people use.
    assert {
        "outpost accounts add",
        "outpost post create",
        "outpost post edit",
        "outpost apps set",
        "outpost settings set",
        "outpost run",
        "outpost media inspect",
    } <= LEAVES
    assert len(LEAVES) >= 22


def test_every_option_of_every_command_has_help() -> None:
    missing = [
        f"{command.path} {action.option_strings or action.metavar or action.dest}"
        for command in commands()
        for action in options(command.parser)
        if not action.help or action.help == argparse.SUPPRESS
    ]
    assert missing == []
    unexplained = [c.path for c in list(commands())[1:] if not c.help]
    assert unexplained == []


def help_of(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as done:
        main([*argv, "--help"])
    assert done.value.code == 0
    return capsys.readouterr().out


def test_post_create_help_ends_with_examples_that_the_parser_takes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    text = help_of(capsys, "post", "create")
    epilog = text[text.index("\nexamples:\n") :]
    assert text.rstrip().endswith("until it is fixed.")  # the examples and their notes close the help
    examples = _commands_in(epilog)
    assert len(examples) >= 5
    parser = build_parser()
    for example in examples:
        args = parser.parse_args(example)  # exits (fails the test) on an example that does not parse
        assert (args.command, args.action) == ("post", "create")
        assert args.accounts, example
    assert any(e[e.index("--text") + 1] == "-" for e in examples if "--text" in e)  # standard input
    assert any("--text-file" in e for e in examples) and any("--thread-file" in e for e in examples)


def _commands_in(epilog: str) -> list[list[str]]:
    """The `outpost …` commands of an epilog (continued lines joined, a leading pipe dropped)."""
    joined = epilog.replace("\\\n", " ")
    found = []
    for line in joined.splitlines():
        if "outpost " in line and line.startswith("  "):
            words = shlex.split(line[line.index("outpost ") :])
            found.append(words[1:])
    return found


def test_help_explains_drafts_long_texts_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    create = help_of(capsys, "post", "create")
    assert "--text-file PATH" in create and "reads it from standard input" in create
    assert "A draft may break a network's rules" in create
    assert "--json" in help_of(capsys, "post", "list") and "--json" in help_of(capsys, "settings", "set")
    assert "Every command also takes --json after its name" in help_of(capsys)


def test_json_after_the_command_counts_and_before_it_still_does() -> None:
    parser = build_parser()
    assert parser.parse_args(["post", "list", "--json"]).json is True
    assert parser.parse_args(["--json", "post", "list"]).json is True  # not undone by the command
    assert parser.parse_args(["post", "list"]).json is False
    assert parser.parse_args(["settings", "get", "theme", "--json"]).json is True
    for command in commands():
        if command.runs:
            flags = {s for a in options(command.parser) for s in a.option_strings}
            assert "--json" in flags, command.path


def test_a_command_with_json_after_it_imports_neither_qt_nor_a_network(tmp_path: Path) -> None:
    """Start-up stays light: the window-only shortcut is left alone, and this command pays for nothing."""
    heavy = ["PySide6", "qasync", *sorted(path.partition(":")[0] for path in SHIPPED.values())]
    code = (
        "import json, sys\nfrom outpost.cli import main\ncode = main(sys.argv[1:])\n"
        f"loaded = sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r} or m in {heavy!r})\n"
        "print(json.dumps({'code': code, 'loaded': loaded}), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "--data-dir", str(tmp_path / "data"), "post", "list", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        env=outpost_env(PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring"),
    )
    assert json.loads(done.stdout) == [], done.stderr
    assert json.loads(done.stderr.strip().splitlines()[-1]) == {"code": 0, "loaded": []}


@pytest.mark.parametrize(
    "argv",
    [
        ["--json", "post", "create", "--text", "hi", "--account", "x:me", "--now", "--media", "a.png"],
        ["--data-dir", "/tmp/d", "post", "edit", "post_1", "--at", "2026-12-01T09:00", "--tz", "UTC"],
        ["campaigns", "add", "Launch", "--colour", "#f97316", "--json"],
        ["snippets", "set", "sig", "--text", "— me", "--variant", "x=me"],
        ["costs", "--from", "2026-12-01"],
        ["media", "inspect", "a.png", "--for", "mastodon"],
        ["stats", "summary", "--from", "2026-11-01", "--tag", "launch"],
        ["run", "--until-idle"],
    ],
)
def test_a_command_parses_the_same_when_only_its_own_options_are_built(argv: list[str]) -> None:
    """The program builds only the named command's options (issue #26); nothing may change by it."""
    only = build_parser(command_named(argv)).parse_args(argv)
    assert command_named(argv) == next(
        a for a in argv if a in {"post", "campaigns", "snippets", "costs", "media", "stats", "run"}
    )
    assert vars(only) == vars(build_parser().parse_args(argv))
