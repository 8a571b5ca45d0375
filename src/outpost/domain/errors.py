"""Outpost's exception tree: problems a person can fix are separate from bugs.

::

    OutpostError
    ├── KnownError                 a problem the user can act on; shown without a traceback
    │   ├── ValidationError        bad input; carries every `Problem` at once (CLI exit 2)
    │   ├── NotFoundError          no such post, account or file (CLI exit 2)
    │   ├── InvalidStateError      the action does not fit the item's status (CLI exit 2)
    │   ├── NetworkNotAvailableError  Outpost has no adapter for that network yet (CLI exit 2)
    │   ├── SecretStoreError       no usable OS keyring; secrets are never stored elsewhere
    │   ├── StoreError             the database cannot be opened or written
    │   │   └── DatabaseTooNewError  made by a newer Outpost; refused, never downgraded
    │   └── PublishError           a network refused or could not be reached (has an ErrorCode)
    │       ├── AuthExpired        token invalid or revoked: reconnect the account
    │       ├── RateLimited        wait until `retry_at`
    │       ├── Rejected           the network said no (validation, media, duplicate)
    │       ├── NetworkUnavailable could not reach the network, or lost the answer
    │       └── ServerError        the network failed (5xx)
    └── BugError                   a bug in Outpost; goes to the crash dialog / log with a traceback

In the window, any exception that is not a `KnownError` (a `BugError` or a plain Python error) ends
in `sys.excepthook`, which `gui/crash.py` installs: the crash dialog apologises, says what to do,
and shows a report with the traceback (secrets redacted) that is also saved in `logs/`. A
`KnownError` that reaches the hook goes to the status bar instead. The CLI prints a known error's
text, and for a bug says "internal error" and where the log with the traceback is.

Learned from qutebrowser `misc/sql.py` (KnownError vs BugError, `text()` for people), httpx
`_exceptions.py` (this tree) and Mastodon.py `errors.py` (dual inheritance with builtin errors, so
`except ValueError` still catches a `ValidationError`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from outpost.domain.enums import ErrorCode, Network


class OutpostError(Exception):
    """Root of every error Outpost raises on purpose.

    Errors cross process boundaries (the media worker raises them); subclasses take their own
    constructor arguments, so pickling rebuilds them from their state instead of calling
    `__init__` again with `args`.
    """

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild, (type(self), self.args, self.__dict__))


def _rebuild(cls: type[OutpostError], args: tuple[object, ...], state: dict[str, object]) -> OutpostError:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class KnownError(OutpostError):
    """A problem the user can understand and act on. `str(error)` is written for people."""

    def text(self) -> str:
        """The message shown to the user."""
        return str(self)


class BugError(OutpostError):
    """Something that should never happen: a bug in Outpost, reported with a traceback."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: which field, for which network/account, which rule, and why.

    Attributes:
        field: the input that is wrong, as the user named it (`text`, `media[2]`, `--at`, …).
        message: a full sentence: what is wrong and what to do about it.
        network: the network whose rule was broken, if any.
        account: the account (`network:handle`) the rule applies to, if any.
        rule: a short machine name of the rule (`max_length`, `media_count`, …).
        limit: the allowed value, if the rule has one.
        actual: the value found.
    """

    field: str
    message: str
    network: str | None = None
    account: str | None = None
    rule: str | None = None
    limit: int | float | str | None = None
    actual: int | float | str | None = None

    def as_dict(self) -> dict[str, object]:
        """The problem as JSON-ready data."""
        return asdict(self)


class ValidationError(KnownError, ValueError):
    """The input breaks one or more rules; every problem is listed, not just the first."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        if not self.problems:
            raise BugError("ValidationError needs at least one problem")
        super().__init__("\n".join(p.message for p in self.problems))

    @classmethod
    def single(cls, field: str, message: str, **details: int | float | str | None) -> ValidationError:
        """A validation error with one problem."""
        return cls([Problem(field=field, message=message, **details)])  # type: ignore[arg-type]


class NotFoundError(KnownError, LookupError):
    """No post, account or file by that name."""


class InvalidStateError(KnownError):
    """The action does not fit what the item is now (e.g. editing a published post)."""


class NetworkNotAvailableError(KnownError):
    """Outpost has no adapter for this network in this version."""

    def __init__(self, network: Network) -> None:
        self.network = network
        super().__init__(
            f"{network.label} is not available yet in this version of Outpost: its adapter has "
            f"not been built. Use an account on a supported network, or update Outpost."
        )


class SecretStoreError(KnownError):
    """The OS keyring is missing or refused an operation; secrets are never stored elsewhere."""


class StoreError(KnownError):
    """The database cannot be opened, migrated or written."""


class DatabaseTooNewError(StoreError):
    """The database was written by a newer Outpost; opening it could lose data."""


class PublishError(KnownError):
    """A network refused a request or could not be reached.

    Attributes:
        code: the `ErrorCode` shown in the post JSON.
        retryable: whether the same request may succeed later without a change by the user.
        may_have_taken_effect: whether the network may have acted on the request (it was sent and
            no clear refusal came back); for a create request this decides whether a retry could
            publish twice.
        retry_at: when a retry makes sense, if the network said (by the network's clock).
        retry_after_s: the same as a wait from the moment the answer came, which is what the
            engine uses (its own clock may differ from the server's).
    """

    code: ErrorCode = ErrorCode.SERVER_ERROR
    retryable: bool = False

    def __init__(
        self,
        message: str,
        *,
        may_have_taken_effect: bool = False,
        retry_at: datetime | None = None,
        retry_after_s: float | None = None,
        code: ErrorCode | None = None,
    ) -> None:
        super().__init__(message)
        self.may_have_taken_effect = may_have_taken_effect
        self.retry_at = retry_at
        self.retry_after_s = retry_after_s
        if code is not None:
            self.code = code


class AuthExpired(PublishError):
    """The account's token is invalid, expired or revoked: the account must be reconnected."""

    code = ErrorCode.AUTH_EXPIRED


class RateLimited(PublishError):
    """The network asks us to wait until `retry_at`."""

    code = ErrorCode.RATE_LIMITED
    retryable = True


class Rejected(PublishError):
    """The network understood the request and said no; retrying unchanged will not help."""

    code = ErrorCode.VALIDATION_ERROR


class NetworkUnavailable(PublishError):
    """The network could not be reached, or the connection broke before an answer came.

    `maybe_offline`: the failure looks like this machine having no network at all (a name that
    does not resolve, no route to the host) rather than the network's server being down; the
    publisher then asks whether the machine is online before counting it as a failure.
    """

    code = ErrorCode.NETWORK_UNAVAILABLE
    retryable = True

    def __init__(self, message: str, *, maybe_offline: bool = False, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.maybe_offline = maybe_offline


class ServerError(PublishError):
    """The network failed on its side (HTTP 5xx)."""

    code = ErrorCode.SERVER_ERROR
    retryable = True


def problems_of(errors: Sequence[ValidationError]) -> list[Problem]:
    """All problems of several validation errors, in order."""
    return [p for e in errors for p in e.problems]
