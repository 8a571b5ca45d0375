"""A stand-in for a person's browser on an OAuth consent page that grants at once (the fakes of X
and LinkedIn): opens the page, then follows its redirect to Outpost's loopback listener. Used as
$BROWSER (`python oauth_browser.py %s`). OAUTH_TAMPER_STATE=1 changes the `state` sent back.
OAUTH_LANDED_FILE=PATH: the redirect is an https address nothing answers (Instagram's): the
browser stops there and writes the address it landed on to PATH, for the test to paste.
"""

from __future__ import annotations

import os
import sys

import httpx


def main(url: str) -> int:
    with httpx.Client(timeout=30) as client:
        consent = client.get(url, follow_redirects=False)
        location = consent.headers.get("location")
        if consent.status_code != 302 or not location:
            print(f"the consent page said {consent.status_code}: {consent.text[:200]}", file=sys.stderr)
            return 1
        if os.environ.get("OAUTH_TAMPER_STATE"):
            location = location.replace("state=", "state=forged")
        landed = os.environ.get("OAUTH_LANDED_FILE")
        if landed:
            with open(landed, "w", encoding="utf-8") as handle:
                handle.write(location)
            return 0
        client.get(location)  # lands on Outpost's listener
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
