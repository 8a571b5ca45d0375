"""docs/cli.md is the program's own word (made from its parser), and the README points only inside
the repository."""

from __future__ import annotations

import re
import subprocess
import sys

from outpost.cli.reference import commands, markdown
from tests.support.program import ROOT

CLI_DOCS = ROOT / "docs" / "cli.md"


def test_docs_cli_md_is_what_the_parser_says_now() -> None:
    assert CLI_DOCS.read_text(encoding="utf-8") == markdown(), (
        "docs/cli.md is out of date: run scripts/cli-docs and commit the result"
    )


def test_every_command_and_option_is_in_the_reference() -> None:
    text = markdown()
    for command in commands():
        assert f"## `{command.path}`" in text
        for action in command.parser._actions:
            for flag in action.option_strings:
                assert flag in text, f"{command.path} {flag}"


def test_the_script_checks_the_file_in_the_checkout() -> None:
    check = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "cli-docs"), "--check"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert check.returncode == 0, check.stderr


def test_readme_links_only_files_in_the_repository() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "../" not in readme  # nothing outside the checkout, linked or quoted
    targets = re.findall(r"\]\(([^)\s]+)\)", readme)
    local = [t.split("#")[0] for t in targets if not re.match(r"[a-z]+:", t) and not t.startswith("#")]
    assert "docs/cli.md" in local
    missing = [t for t in local if not (ROOT / t).exists()]
    assert missing == []
    for target in local:
        assert (ROOT / target).resolve().is_relative_to(ROOT)
