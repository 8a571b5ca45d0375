"""What an S3-compatible service's error answer means, in plain words the creator can act on.

Every S3-compatible service (AWS S3, Cloudflare R2, Backblaze B2, MinIO) answers an error with
the same XML: `<Error><Code>NoSuchBucket</Code><Message>…</Message>…</Error>`
(docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html, "List of error codes"). The code
says more than the HTTP status: a 403 may be a wrong key, a wrong secret, a clock that is off, or
a key without the right permission, and each needs a different fix.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

import httpx

from outpost.domain.media_host import BucketSettings, MediaHostCause, MediaHostError

#: How much of an error answer is read: error documents are a few hundred bytes.
_MAX_ERROR_BYTES = 64_000
#: Said the same to the window and the command line: both call it "the media host's settings".
_WHERE = "the media host's settings"


def error_fields(body: bytes) -> dict[str, str]:
    """The fields of an S3 error document (`Code`, `Message`, `Region`…); empty if it is none."""
    try:
        root = ElementTree.fromstring(body[:_MAX_ERROR_BYTES])
    except ElementTree.ParseError:
        return {}
    return {_local(child.tag): (child.text or "").strip() for child in root}


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]  # without an XML namespace, where a service adds one


def media_host_error(response: httpx.Response, *, action: str, settings: BucketSettings) -> MediaHostError:
    """The `MediaHostError` for a failed answer; `action` is what Outpost tried ("upload a file")."""
    fields = error_fields(response.content)
    code = fields.get("Code", "")
    cause, why = _explain(code, fields, response.status_code, settings)
    said = f" ({code})" if code else f" (HTTP {response.status_code})"
    return MediaHostError(
        f"The media host refused to {action}: {why}{said}.",
        cause,
        service_code=code or None,
        may_have_taken_effect=cause is MediaHostCause.SERVER_ERROR,
    )


def _explain(
    code: str, fields: dict[str, str], status: int, settings: BucketSettings
) -> tuple[MediaHostCause, str]:
    bucket = settings.bucket
    if code == "InvalidAccessKeyId":
        return MediaHostCause.WRONG_KEY, (
            f"the access key id {settings.access_key_id} is not one the storage service knows; "
            f"check it (and that the key was not deleted) in {_WHERE}"
        )
    if code == "SignatureDoesNotMatch":
        return MediaHostCause.WRONG_SECRET, (
            f"the secret access key does not belong to the access key id {settings.access_key_id}; "
            f"set the secret again in {_WHERE}"
        )
    if code in ("AuthorizationHeaderMalformed", "AuthorizationQueryParametersError") and fields.get("Region"):
        return MediaHostCause.WRONG_REGION, (
            f"the bucket {bucket} is in the region {fields['Region']}, not {settings.region}; "
            f"set the region to {fields['Region']}"
        )
    if code in ("PermanentRedirect", "IllegalLocationConstraintException") or status == 301:
        where = fields.get("Endpoint") or fields.get("Region")
        return MediaHostCause.WRONG_REGION, (
            f"the bucket {bucket} is in another region than {settings.region}"
            + (f" (the service points to {where})" if where else "")
            + "; set the bucket's own region and its regional endpoint"
        )
    if code == "NoSuchBucket" or (status == 404 and not code):
        return MediaHostCause.NO_BUCKET, (
            f"there is no bucket named {bucket} at {settings.endpoint}; create it, or correct the "
            f"bucket's name or the endpoint in {_WHERE}"
        )
    if code == "RequestTimeTooSkewed":
        return MediaHostCause.CLOCK_SKEW, (
            "this computer's clock is more than 15 minutes off the storage service's"
            + (f" (the service's time is {fields['ServerTime']})" if fields.get("ServerTime") else "")
            + "; set the clock right (turn on automatic time) and try again"
        )
    if code == "AccessDenied" and "expired" in fields.get("Message", "").lower():
        return MediaHostCause.URL_REFUSED, "the address had expired"
    if code in ("AccessDenied", "AllAccessDisabled", "AccountProblem") or status == 403:
        return MediaHostCause.ACCESS_DENIED, (
            f"the key {settings.access_key_id} may not do this in the bucket {bucket}; give it "
            "s3:PutObject, s3:GetObject, s3:DeleteObject and s3:ListBucket on the outpost/ prefix "
            "(docs/networks.md, “Public media host”, has the policy)"
        )
    if status >= 500:
        return MediaHostCause.SERVER_ERROR, "the storage service failed on its side; Outpost will try again"
    message = fields.get("Message") or "no reason given"
    return MediaHostCause.OTHER, message.rstrip(".")
