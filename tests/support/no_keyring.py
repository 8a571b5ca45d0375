"""A computer without any keyring, as many fresh Linux desktops are (issue #17).

keyring's own `fail` backend is what `keyring.get_keyring()` returns when no Secret Service,
KWallet, Keychain or Credential Manager answers; tests install it for their duration, whatever
the machine running them has.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import keyring
import keyring.backends.fail


@contextmanager
def no_keyring() -> Iterator[None]:
    """Make `keyring` find no keyring until the block ends (then the previous backend again)."""
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    try:
        yield
    finally:
        keyring.set_keyring(previous)
