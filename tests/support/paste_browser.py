"""A stand-in for a person's browser on a sign-in page that redirects to an https address
(Threads): opens the page, which grants at once, and writes the address it redirects to into
$PASTE_FILE, as a person would copy it from the address bar. Used as
$BROWSER (`python paste_browser.py %s`); the test then pastes that address into Outpost.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import httpx


def main(url: str) -> int:
    with httpx.Client(timeout=30) as client:
        consent = client.get(url, follow_redirects=False)
    location = consent.headers.get("location")
    if consent.status_code != 302 or not location:
        print(f"the consent page said {consent.status_code}: {consent.text[:200]}", file=sys.stderr)
        return 1
    target = Path(os.environ["PASTE_FILE"])
    partial = target.with_suffix(".partial")
    partial.write_text(location)
    partial.replace(target)  # appears whole: the test never reads half an address
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
