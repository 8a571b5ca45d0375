"""The certificates Outpost trusts for HTTPS, loaded once per process and early, off the main thread.

Reading the trust store (certifi's ~150 certificates, or the file `SSL_CERT_FILE` names) is a
few tens of milliseconds of OpenSSL work; a one-shot `outpost post create --now` spent it on its
critical path (issue #26). OpenSSL does it without holding Python's lock, so `prepare()` starts
it in a thread as the program starts, while Python imports the rest, and `context()` hands the
finished context to the HTTP client.

What is trusted is exactly what httpx trusts by default (its `create_ssl_context(verify=True)`):
the file `SSL_CERT_FILE` names, else the folder `SSL_CERT_DIR` names, else certifi's bundle.
Imports nothing of Outpost's and not httpx, so the entry point can call it first.
"""

from __future__ import annotations

import os
import ssl
import threading

__all__ = ["context", "prepare"]

_lock = threading.Lock()
_ready = threading.Event()
_loaded: ssl.SSLContext | None = None
_failure: BaseException | None = None
_started = False


def prepare() -> None:
    """Start loading the trust store in the background (once per process; later calls do nothing)."""
    global _started
    with _lock:
        if _started:
            return
        _started = True
    threading.Thread(target=_load, name="outpost-tls", daemon=True).start()


def context() -> ssl.SSLContext:
    """The client context that trusts the certificates above (loaded now if `prepare` was not called).

    Raises what loading raised (e.g. `SSL_CERT_FILE` names a file that is not there), here,
    where the client is being built, as httpx would have.
    """
    prepare()
    _ready.wait()
    if _failure is not None:
        raise _failure
    assert _loaded is not None
    return _loaded


def _load() -> None:
    global _loaded, _failure
    try:
        _loaded = _trust()
    except BaseException as exc:  # handed to whoever asks for the context
        _failure = exc
    finally:
        _ready.set()


def _trust() -> ssl.SSLContext:
    if os.environ.get("SSL_CERT_FILE"):
        return ssl.create_default_context(cafile=os.environ["SSL_CERT_FILE"])
    if os.environ.get("SSL_CERT_DIR"):
        return ssl.create_default_context(capath=os.environ["SSL_CERT_DIR"])
    import certifi

    return ssl.create_default_context(cafile=certifi.where())
