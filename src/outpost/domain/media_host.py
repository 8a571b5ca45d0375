"""The creator's public media host as plain values: where the bucket is, and what went wrong.

Instagram and Threads fetch media from a URL (issue #18). The creator brings an S3-compatible
bucket (AWS S3, Cloudflare R2, Backblaze B2, MinIO); `BucketSettings` says where it is and how to
address it. Its secret access key is never part of it: that stays in the OS keyring. These live in
the domain so the window and the command line can build and show them without an adapter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

from outpost.domain.enums import ErrorCode
from outpost.domain.errors import Problem, PublishError, ValidationError

#: Where Outpost's objects live in the bucket; the sweep never looks anywhere else.
PREFIX = "outpost/"
#: The region S3-compatible services take when they have none of their own (MinIO, B2 accept it;
#: Cloudflare R2 also takes "auto").
DEFAULT_REGION = "us-east-1"

# S3 bucket names: 3-63 characters, lowercase letters, digits, dots and hyphens, starting and
# ending with a letter or digit (docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html).
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_REGION = re.compile(r"[a-z0-9][a-z0-9-]{0,40}")


@dataclass(frozen=True)
class BucketSettings:
    """Where the creator's bucket is (everything but the secret, which stays in the keyring).

    Attributes:
        endpoint: the service's address, e.g. https://s3.eu-west-1.amazonaws.com,
            https://ACCOUNT.r2.cloudflarestorage.com, http://127.0.0.1:9000 (MinIO).
        bucket: the bucket's name.
        region: the bucket's region (`auto` on Cloudflare R2).
        access_key_id: the public half of the key pair.
        path_style: address the bucket as ENDPOINT/BUCKET/KEY (MinIO, most self-hosted servers)
            instead of BUCKET.ENDPOINT-HOST/KEY (AWS's default).
        public_base_url: where the bucket's objects are public (a CDN or R2's public address):
            networks then get PUBLIC_BASE_URL/KEY instead of a presigned URL.
    """

    endpoint: str
    bucket: str
    access_key_id: str
    region: str = DEFAULT_REGION
    path_style: bool = False
    public_base_url: str | None = None

    @classmethod
    def checked(
        cls,
        *,
        endpoint: str,
        bucket: str,
        access_key_id: str,
        region: str | None = None,
        path_style: bool = False,
        public_base_url: str | None = None,
    ) -> BucketSettings:
        """Settings from what a person typed, tidied; every problem at once.

        Raises:
            ValidationError: a field is empty or malformed (each named, with what to do).
        """
        endpoint = endpoint.strip().rstrip("/")
        bucket = bucket.strip()
        access_key_id = access_key_id.strip()
        region = (region or "").strip() or DEFAULT_REGION
        public = (public_base_url or "").strip().rstrip("/") or None
        problems = [
            *_url_problems("endpoint", endpoint, "the storage service's address"),
            *_bucket_problems(bucket, endpoint, path_style),
            *_key_problems(access_key_id),
            *_region_problems(region),
            *(_url_problems("public_base_url", public, "the bucket's public address") if public else []),
        ]
        if problems:
            raise ValidationError(problems)
        return cls(endpoint, bucket, access_key_id, region, path_style, public)

    def as_json(self) -> dict[str, object]:
        """What `outpost media-host show` prints (no secret here to leave out)."""
        return {
            "endpoint": self.endpoint,
            "bucket": self.bucket,
            "region": self.region,
            "access_key_id": self.access_key_id,
            "path_style": self.path_style,
            "public_base_url": self.public_base_url,
            "prefix": PREFIX,
        }

    @classmethod
    def from_json(cls, raw: dict[str, object]) -> BucketSettings:
        """Read what `as_json` wrote (unknown keys are ignored)."""
        public = raw.get("public_base_url")
        return cls(
            endpoint=str(raw["endpoint"]),
            bucket=str(raw["bucket"]),
            access_key_id=str(raw["access_key_id"]),
            region=str(raw.get("region") or DEFAULT_REGION),
            path_style=bool(raw.get("path_style")),
            public_base_url=str(public) if public else None,
        )


def _url_problems(field: str, value: str | None, what: str) -> list[Problem]:
    parts = urlsplit(value or "")
    if parts.scheme in ("http", "https") and parts.hostname and not parts.query and not parts.fragment:
        return []
    return [
        Problem(
            field=field,
            message=f"{field}: {value!r} is not a web address; give {what} starting with https:// "
            "(http:// only for a server on your own network), e.g. https://s3.eu-west-1.amazonaws.com.",
            rule="url",
            actual=value or "",
        )
    ]


def _bucket_problems(bucket: str, endpoint: str, path_style: bool) -> list[Problem]:
    if not _BUCKET.fullmatch(bucket) or ".." in bucket:
        return [
            Problem(
                field="bucket",
                message=f"bucket: {bucket!r} is not a bucket name: 3 to 63 lowercase letters, digits, "
                "dots and hyphens, starting and ending with a letter or digit.",
                rule="bucket_name",
                actual=bucket,
            )
        ]
    if "." in bucket and not path_style and endpoint.startswith("https://"):
        # BUCKET.HOST with dots in BUCKET breaks the service's TLS certificate (*.HOST covers one label).
        return [
            Problem(
                field="bucket",
                message=f"bucket: {bucket!r} has dots, which breaks HTTPS when the bucket is part of "
                "the host name; use path-style addressing (--path-style, or the tick in Settings).",
                rule="bucket_name",
                actual=bucket,
            )
        ]
    return []


def _key_problems(access_key_id: str) -> list[Problem]:
    if access_key_id and not any(c.isspace() for c in access_key_id):
        return []
    return [
        Problem(
            field="access_key_id",
            message="access_key_id: give the access key id of a key that may write to the bucket "
            "(AWS: AKIA…; R2 and B2 show it beside the secret when you create the key).",
            rule="required",
        )
    ]


def _region_problems(region: str) -> list[Problem]:
    if _REGION.fullmatch(region):
        return []
    return [
        Problem(
            field="region",
            message=f"region: {region!r} is not a region name, e.g. us-east-1, eu-west-1 (R2: auto).",
            rule="region",
            actual=region,
        )
    ]


class MediaHostCause(StrEnum):
    """Why the media host failed, in few words (the `cause` of `outpost media-host test`)."""

    NOT_SET = "not_set"
    NO_SECRET = "no_secret"
    WRONG_KEY = "wrong_key"
    WRONG_SECRET = "wrong_secret"
    WRONG_REGION = "wrong_region"
    NO_BUCKET = "no_bucket"
    ACCESS_DENIED = "access_denied"
    CLOCK_SKEW = "clock_skew"
    UNREACHABLE = "unreachable"
    URL_REFUSED = "url_refused"
    SERVER_ERROR = "server_error"
    OTHER = "other"


#: Causes a retry later can cure; the others need the creator to change something.
_PASSING = {MediaHostCause.UNREACHABLE, MediaHostCause.SERVER_ERROR}


class MediaHostError(PublishError):
    """The media host refused or could not be reached; `cause` says why in one word.

    A `PublishError`, so a post whose media could not be hosted fails (or retries, for the
    passing causes) like any network failure, with this sentence as its reason.

    Attributes:
        cause: what went wrong (`MediaHostCause`).
        service_code: the storage service's own error code (`SignatureDoesNotMatch`), if it said one.
    """

    def __init__(
        self,
        message: str,
        cause: MediaHostCause,
        *,
        service_code: str | None = None,
        may_have_taken_effect: bool = False,
    ) -> None:
        passing = cause in _PASSING
        super().__init__(
            message,
            may_have_taken_effect=may_have_taken_effect,
            code=ErrorCode.NETWORK_UNAVAILABLE if passing else ErrorCode.MEDIA_REJECTED,
        )
        self.cause = cause
        self.service_code = service_code
        self.retryable = passing


@dataclass(frozen=True)
class MediaHostCheck:
    """What `outpost media-host test` did: upload, fetch through the URL networks get, delete.

    Attributes:
        url_host: the host the test fetched from (the bucket's or the public base URL's).
        size: bytes uploaded and fetched back, identical.
        expires_in_s: how long the URL handed to networks stays valid.
    """

    endpoint: str
    bucket: str
    url_host: str
    size: int
    expires_in_s: int

    def as_json(self) -> dict[str, object]:
        """The JSON of a successful test."""
        return {
            "ok": True,
            "endpoint": self.endpoint,
            "bucket": self.bucket,
            "steps": ["upload", "fetch", "delete"],
            "url_host": self.url_host,
            "size": self.size,
            "expires_in_s": self.expires_in_s,
        }
