"""A stand-in for a person's browser on snac2's sign-in page: fills in the form and follows the
redirect back to Outpost's loopback listener. Used as $BROWSER (`python snac_browser.py %s`).

Reads SNAC_LOGIN / SNAC_PASSWORD; SNAC_DENY=1 submits a wrong password then gives up;
SNAC_TAMPER_STATE=1 changes the `state` the server sends back.
"""

from __future__ import annotations

import os
import re
import sys

import httpx


def main(url: str) -> int:
    with httpx.Client(limits=httpx.Limits(max_keepalive_connections=0), timeout=30) as client:
        page = client.get(url)
        page.raise_for_status()
        action = re.search(r'<form method="post" action="([^"]+)"', page.text)
        fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text))
        if action is None:
            print("no sign-in form", file=sys.stderr)
            return 1
        if os.environ.get("SNAC_TAMPER_STATE"):
            fields["state"] = "forged-" + fields.get("state", "")
        fields |= {"login": os.environ["SNAC_LOGIN"], "passwd": os.environ["SNAC_PASSWORD"]}
        if os.environ.get("SNAC_DENY"):
            fields["passwd"] = "wrong"
        answer = client.post(action.group(1), data=fields, follow_redirects=False)
        location = answer.headers.get("location")
        if location and location.startswith("http://127.0.0.1"):
            client.get(location)  # the redirect lands on Outpost's listener
        return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
