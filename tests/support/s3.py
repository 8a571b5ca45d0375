"""A real S3-compatible server on 127.0.0.1 for the media host's tests (and the networks' fakes).

moto in server mode (ENVIRONMENT.md §8) stores the objects and, with its IAM simulation turned
on, verifies every header-signed request: a wrong secret is `SignatureDoesNotMatch`, an unknown
key `InvalidAccessKeyId`, and the key Outpost uses has only the least-privilege policy of
docs/networks.md (`LEAST_PRIVILEGE`), so a request outside `outpost/` is `AccessDenied`.

moto does not check what real S3 checks on the way in, so a strict front (`S3Server`, the
address tests hand Outpost) does it, with S3's own error documents:
- presigned URLs: the signature (recomputed here by the published algorithm, independently of
  botocore) and the expiry, against the front's clock (`now`, which a test may move);
- the region in a request's credential against the bucket's region (`regions`),
  `AuthorizationHeaderMalformed`;
- the request's time against the front's clock, `RequestTimeTooSkewed` past 15 minutes;
- anonymous requests are refused (the bucket is private).

One server runs per test session (the `s3` fixture, offered to every test by tests/conftest.py); each test makes its own
bucket (`new_bucket`) and can list it (`keys`) to prove nothing was left behind.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import httpx
import pytest

from outpost.adapters.s3_host import S3MediaHost
from outpost.domain.clock import Clock
from outpost.domain.media_host import BucketSettings
from tests.support.loopback import LoopbackServer

REGION = "us-east-1"
BUCKETS = "outpost-test-"
MAX_SKEW = timedelta(minutes=15)
_TIMESTAMP = "%Y%m%dT%H%M%SZ"

#: The policy docs/networks.md recommends, for every test bucket: Outpost's objects only.
LEAST_PRIVILEGE: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "OutpostObjects",
            "Effect": "Allow",
            "Action": ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"],
            "Resource": f"arn:aws:s3:::{BUCKETS}*/outpost/*",
        },
        {
            "Sid": "OutpostListing",
            "Effect": "Allow",
            "Action": "s3:ListBucket",
            "Resource": f"arn:aws:s3:::{BUCKETS}*",
            "Condition": {"StringLike": {"s3:prefix": ["outpost/*"]}},
        },
    ],
}


@dataclass(frozen=True)
class KeyPair:
    """An access key moto's IAM knows."""

    access_key_id: str
    secret: str


class S3Server:
    """moto behind a strict front; `url` is the front's address (path-style: URL/BUCKET/KEY).

    Attributes:
        outpost: the least-privilege key to give Outpost.
        admin: a key that may do anything (the test's own look into the bucket).
        now: the front's clock (a test may hand it the engine's `FakeClock.now`).
        regions: the region of each bucket not in us-east-1.
        fetched: keys fetched through presigned URLs (as a network would).
    """

    def __init__(self) -> None:
        from moto.server import ThreadedMotoServer

        self._moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self._front = LoopbackServer(self._handle, scheme="http")
        self._forward = httpx.Client(timeout=30)
        self.now: Callable[[], datetime] = lambda: datetime.now(UTC)
        self.regions: dict[str, str] = {}
        self.fetched: list[str] = []
        #: While set (and not yet released), bucket listings wait: a slow bucket, for the sweep at start.
        self.hold_listings: threading.Event | None = None
        self._names = itertools.count(1)
        self.outpost = KeyPair("", "")
        self.admin = KeyPair("", "")

    @property
    def url(self) -> str:
        """Where Outpost sends its requests."""
        return f"http://127.0.0.1:{self._front.port}"

    @property
    def moto_url(self) -> str:
        host, port = self._moto.get_host_and_port()
        return f"http://{host}:{port}"

    def start(self) -> None:
        """Start moto, make the two keys, turn moto's signature checks on, open the front."""
        self._moto.start()
        iam = self._client("iam", KeyPair("setup", "setup"))
        self.admin = self._user(iam, "admin", {"Effect": "Allow", "Action": "*", "Resource": "*"})
        self.outpost = self._user(iam, "outpost", *LEAST_PRIVILEGE["Statement"])
        # From now on moto checks every signature and permission (moto.core.authorization).
        httpx.post(f"{self.moto_url}/moto-api/reset-auth", content=b"0").raise_for_status()
        self._front.__enter__()

    def stop(self) -> None:
        """Stop both servers."""
        self._front.__exit__(None, None, None)
        self._forward.close()
        self._moto.stop()
        assert self._front.errors == [], f"the S3 front failed: {self._front.errors!r}"

    def _user(self, iam: Any, name: str, *statements: dict[str, Any]) -> KeyPair:
        iam.create_user(UserName=name)
        policy = {"Version": "2012-10-17", "Statement": list(statements)}
        iam.put_user_policy(UserName=name, PolicyName="outpost", PolicyDocument=json.dumps(policy))
        key = iam.create_access_key(UserName=name)["AccessKey"]
        return KeyPair(key["AccessKeyId"], key["SecretAccessKey"])

    def _client(self, service: str, key: KeyPair) -> Any:
        """A boto3 client straight to moto: the test's own view, independent of Outpost's code."""
        import boto3

        return boto3.client(
            service,
            endpoint_url=self.moto_url,
            region_name=REGION,
            aws_access_key_id=key.access_key_id,
            aws_secret_access_key=key.secret,
        )

    # -- what tests use ---------------------------------------------------------------------------

    def new_bucket(self, region: str = REGION) -> str:
        """A fresh empty bucket for one test, in `region` (as far as the front is concerned)."""
        name = f"{BUCKETS}{next(self._names)}"
        self._client("s3", self.admin).create_bucket(Bucket=name)
        if region != REGION:
            self.regions[name] = region
        return name

    def keys(self, bucket: str) -> list[str]:
        """Every key in the bucket (under any prefix), listed by the admin key."""
        listed = self._client("s3", self.admin).list_objects_v2(Bucket=bucket)
        return sorted(item["Key"] for item in listed.get("Contents", []))

    def put(self, bucket: str, key: str, body: bytes = b"x") -> None:
        """Put an object as someone else would (the creator's own file, or an old leftover)."""
        self._client("s3", self.admin).put_object(Bucket=bucket, Key=key, Body=body)

    def settings(self, bucket: str, *, path_style: bool = True, **changes: Any) -> BucketSettings:
        """Settings for the least-privilege key and `bucket` at this server."""
        values: dict[str, Any] = {
            "endpoint": self.url,
            "bucket": bucket,
            "access_key_id": self.outpost.access_key_id,
            "path_style": path_style,
        }
        return BucketSettings.checked(**(values | changes))

    def host(
        self,
        client: httpx.AsyncClient,
        clock: Clock,
        bucket: str,
        *,
        secret: str | None = None,
        **changes: Any,
    ) -> S3MediaHost:
        """A configured `S3MediaHost` pointing at this server (`secret` replaces the right one)."""
        chosen = self.outpost.secret if secret is None else secret

        async def read_secret() -> str:
            return chosen

        return S3MediaHost(client, self.settings(bucket, **changes), read_secret, clock=clock)

    @contextmanager
    def clock(self, now: Callable[[], datetime]) -> Iterator[None]:
        """The front's clock is `now` for a while (then real time again)."""
        self.now = now
        try:
            yield
        finally:
            self.now = lambda: datetime.now(UTC)

    # -- the front --------------------------------------------------------------------------------

    def _handle(self, request: httpx.Request) -> httpx.Response:
        if self.hold_listings is not None and "list-type" in request.url.params:
            self.hold_listings.wait(timeout=10)
        if "X-Amz-Signature" in request.url.params:
            return self._presigned(request)
        authorization = request.headers.get("authorization")
        if authorization is None:
            return _error(403, "AccessDenied", "Access Denied")
        scope = authorization.partition("Credential=")[2].partition(",")[0].split("/")
        refused = self._check_region(
            request, scope[2] if len(scope) > 2 else "", "AuthorizationHeaderMalformed"
        )
        if refused is not None:
            return refused
        sent_at = datetime.strptime(request.headers.get("x-amz-date", "19700101T000000Z"), _TIMESTAMP)
        if abs(sent_at.replace(tzinfo=UTC) - self.now()) > MAX_SKEW:
            return _error(
                403,
                "RequestTimeTooSkewed",
                "The difference between the request time and the current time is too large.",
                RequestTime=request.headers.get("x-amz-date", ""),
                ServerTime=format_datetime(self.now(), usegmt=True),
                MaxAllowedSkewMilliseconds="900000",
            )
        return self._pass_on(request)

    def _check_region(self, request: httpx.Request, region: str, code: str) -> httpx.Response | None:
        expected = self.regions.get(_bucket_of(request), REGION)
        if region == expected:
            return None
        return _error(
            400,
            code,
            f"The authorization header is malformed; the region '{region}' is wrong; expecting '{expected}'",
            Region=expected,
        )

    def _pass_on(self, request: httpx.Request) -> httpx.Response:
        answer = self._forward.request(
            request.method,
            self.moto_url + request.url.raw_path.decode("ascii"),
            headers=request.headers,  # the same Host: moto checks the signature over it
            content=request.content,
        )
        headers = {
            k: v for k, v in answer.headers.items() if k.lower() in ("content-type", "etag", "last-modified")
        }
        return httpx.Response(answer.status_code, headers=headers, content=answer.content)

    def _presigned(self, request: httpx.Request) -> httpx.Response:
        """Check a presigned GET as S3 does, then serve the object from moto."""
        params = dict(request.url.params.multi_items())
        scope = params.get("X-Amz-Credential", "").split("/")
        known = {self.outpost.access_key_id: self.outpost, self.admin.access_key_id: self.admin}
        if params.get("X-Amz-Algorithm") != "AWS4-HMAC-SHA256" or len(scope) != 5:
            return _error(
                400, "AuthorizationQueryParametersError", "Error parsing the X-Amz-Credential parameter"
            )
        if scope[0] not in known:
            return _error(
                403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records."
            )
        refused = self._check_region(request, scope[2], "AuthorizationQueryParametersError")
        if refused is not None:
            return refused
        signed_at = datetime.strptime(params["X-Amz-Date"], _TIMESTAMP).replace(tzinfo=UTC)
        expires = int(params["X-Amz-Expires"])
        if not 1 <= expires <= 604800:
            return _error(400, "AuthorizationQueryParametersError", "X-Amz-Expires must be 1 to 604800")
        if self.now() > signed_at + timedelta(seconds=expires):
            return _error(
                403,
                "AccessDenied",
                "Request has expired",
                Expires=str(signed_at + timedelta(seconds=expires)),
            )
        if not hmac.compare_digest(
            params["X-Amz-Signature"], query_signature(request, known[scope[0]].secret)
        ):
            return _error(
                403,
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided.",
            )
        bucket, key = _bucket_of(request), _key_of(request)
        from botocore.exceptions import ClientError

        try:
            got = self._client("s3", self.admin).get_object(Bucket=bucket, Key=key)
        except ClientError as exc:
            status = int(exc.response["ResponseMetadata"]["HTTPStatusCode"])
            return _error(status, exc.response["Error"]["Code"], exc.response["Error"].get("Message", ""))
        self.fetched.append(key)
        return httpx.Response(200, headers={"Content-Type": got["ContentType"]}, content=got["Body"].read())


def query_signature(request: httpx.Request, secret: str) -> str:
    """The SigV4 signature a presigned GET should carry, by the published algorithm.

    docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html: canonical request (method,
    URI-encoded path as sent, sorted URI-encoded query without the signature, the signed headers,
    UNSIGNED-PAYLOAD), string to sign, and the HMAC chain of date, region, service, "aws4_request".
    """
    raw = request.url.raw_path.decode("ascii")
    path, _, query = raw.partition("?")
    pairs = [pair.partition("=") for pair in query.split("&") if pair]
    params = {unquote(k): unquote(v) for k, _, v in pairs}
    signed_names = params["X-Amz-SignedHeaders"].split(";")
    canonical_query = "&".join(
        sorted(
            f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}"
            for k, v in params.items()
            if k != "X-Amz-Signature"
        )
    )
    headers = "".join(f"{name}:{' '.join(request.headers[name].split())}\n" for name in signed_names)
    canonical = "\n".join(["GET", path, canonical_query, headers, ";".join(signed_names), "UNSIGNED-PAYLOAD"])
    _, day, region, service, _ = params["X-Amz-Credential"].split("/")
    to_sign = "\n".join(
        [
            "AWS4-HMAC-SHA256",
            params["X-Amz-Date"],
            f"{day}/{region}/{service}/aws4_request",
            hashlib.sha256(canonical.encode()).hexdigest(),
        ]
    )
    key = f"AWS4{secret}".encode()
    for part in (day, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


def _bucket_of(request: httpx.Request) -> str:
    host = request.headers.get("host", "").partition(":")[0]
    if host.replace(".", "").isdigit() or host == "localhost":
        return request.url.path.lstrip("/").partition("/")[0]
    return host.partition(".")[0]  # virtual-host style: BUCKET.HOST


def _key_of(request: httpx.Request) -> str:
    path = unquote(urlsplit(str(request.url)).path).lstrip("/")
    host = request.headers.get("host", "").partition(":")[0]
    if host.replace(".", "").isdigit() or host == "localhost":
        return path.partition("/")[2]
    return path


def _error(status: int, code: str, message: str, **fields: str) -> httpx.Response:
    """S3's error document (docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html)."""
    extra = "".join(f"<{name}>{value}</{name}>" for name, value in fields.items())
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{code}</Code><Message>{message}</Message>{extra}"
        "<RequestId>4442587FB7D0A2F9</RequestId><HostId>outpost-test</HostId></Error>"
    )
    return httpx.Response(status, headers={"Content-Type": "application/xml"}, content=body.encode())


@contextmanager
def running_s3_server() -> Iterator[S3Server]:
    """A running `S3Server`, stopped afterwards."""
    server = S3Server()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def s3() -> Iterator[S3Server]:
    """One S3-compatible server for the whole session (started on first use: about a second)."""
    with running_s3_server() as server:
        yield server
