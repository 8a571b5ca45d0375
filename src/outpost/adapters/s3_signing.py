"""AWS Signature Version 4 for the media host, by botocore's signers, on Outpost's clock.

botocore is the signer AWS itself keeps (the one boto3 and the AWS CLI use); a hand-written SigV4
would be one more thing to get subtly wrong (issue #18). It is imported here only when a request
is signed, so starting Outpost never pays for it (tests/unit/test_start_weight.py).

Two things differ from botocore's own `add_auth`:
- The time comes from the caller (the engine's clock), not the machine's: nothing below the engine
  reads the machine's clock (adapters/base.py), and tests move time by hand (an expired URL is
  made by signing in the past, never by sleeping an hour).
- The payload's SHA-256 comes from the caller, computed while the file is read off the event
  loop, so botocore never reads a file on the loop (it would hash a file-like body itself).

Checked against AWS's published examples (tests/unit/adapters/test_s3_signing.py):
docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html and
docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

SERVICE = "s3"
#: What a presigned URL's canonical request uses for the body it cannot know (AWS docs above).
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
#: The longest a presigned URL may live with SigV4 (seven days); Outpost asks for an hour at most.
MAX_EXPIRES_S = 7 * 24 * 3600
_TIMESTAMP = "%Y%m%dT%H%M%SZ"


def sign_request(
    method: str,
    url: str,
    headers: Mapping[str, str],
    *,
    access_key_id: str,
    secret: str,
    region: str,
    now: datetime,
    payload_sha256: str,
) -> dict[str, str]:
    """The headers to send: `headers` plus `X-Amz-Date`, `X-Amz-Content-SHA256` and `Authorization`.

    `url` must be exactly the one sent (its path and query are signed, already percent-encoded).
    """
    botocore = _botocore()
    request = botocore.AWSRequest(method=method, url=url, headers=dict(headers))
    signer = botocore.HeaderSigner(
        botocore.Credentials(access_key_id, secret), SERVICE, region, now=now, payload_sha256=payload_sha256
    )
    signer.add_auth(request)
    return {str(k): str(v) for k, v in request.headers.items()}


def presign_get(
    url: str,
    *,
    access_key_id: str,
    secret: str,
    region: str,
    now: datetime,
    expires_s: int,
) -> str:
    """`url` as a presigned GET that anyone may fetch until `now + expires_s`."""
    if not 1 <= expires_s <= MAX_EXPIRES_S:
        raise ValueError(f"a presigned URL lives 1 s to 7 days, not {expires_s} s")
    botocore = _botocore()
    request = botocore.AWSRequest(method="GET", url=url)
    signer = botocore.QuerySigner(
        botocore.Credentials(access_key_id, secret), SERVICE, region, expires=expires_s, now=now
    )
    signer.add_auth(request)
    return str(request.url)


class _Botocore:
    """botocore's pieces, and the two signers on Outpost's terms (see the module docstring)."""

    def __init__(self) -> None:
        from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials

        self.AWSRequest = AWSRequest
        self.Credentials = Credentials

        def add_auth(signer: Any, request: Any) -> None:
            # botocore's `SigV4Auth.add_auth`, with the timestamp given instead of read from the
            # machine's clock (its `get_current_datetime()`); the steps are the same public ones.
            request.context["timestamp"] = signer.outpost_now.astimezone(UTC).strftime(_TIMESTAMP)
            signer._modify_request_before_signing(request)
            canonical = signer.canonical_request(request)
            signature = signer.signature(signer.string_to_sign(request, canonical), request)
            signer._inject_signature_to_request(request, signature)

        class HeaderSigner(S3SigV4Auth):  # type: ignore[misc]
            def __init__(
                self, credentials: Any, service: str, region: str, *, now: datetime, payload_sha256: str
            ) -> None:
                super().__init__(credentials, service, region)
                self.outpost_now = now
                self._payload_sha256 = payload_sha256

            def payload(self, request: Any) -> str:
                return self._payload_sha256

            def add_auth(self, request: Any) -> None:
                add_auth(self, request)

        class QuerySigner(S3SigV4QueryAuth):  # type: ignore[misc]
            def __init__(
                self, credentials: Any, service: str, region: str, *, expires: int, now: datetime
            ) -> None:
                super().__init__(credentials, service, region, expires=expires)
                self.outpost_now = now

            def add_auth(self, request: Any) -> None:
                add_auth(self, request)

        self.HeaderSigner = HeaderSigner
        self.QuerySigner = QuerySigner


@functools.cache
def _botocore() -> _Botocore:
    """botocore, imported on first use (about 60 ms that a start without the media host never pays)."""
    return _Botocore()
