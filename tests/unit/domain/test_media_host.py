"""The media host's settings as typed, and what the storage service's error answers mean."""

from __future__ import annotations

import httpx
import pytest

from outpost.adapters.s3_errors import media_host_error
from outpost.domain.errors import ValidationError
from outpost.domain.media_host import BucketSettings, MediaHostCause


def _settings(**changes: object) -> BucketSettings:
    values: dict[str, object] = {
        "endpoint": " https://s3.eu-west-1.amazonaws.com/ ",
        "bucket": "studio-media",
        "access_key_id": " AKIAEXAMPLE ",
        "region": "eu-west-1",
    }
    return BucketSettings.checked(**(values | changes))  # type: ignore[arg-type]


def test_typed_settings_are_tidied_and_default_to_us_east_1() -> None:
    settings = _settings(region="", public_base_url="https://cdn.example/media/")
    assert (settings.endpoint, settings.access_key_id, settings.region) == (
        "https://s3.eu-west-1.amazonaws.com",
        "AKIAEXAMPLE",
        "us-east-1",
    )
    assert settings.public_base_url == "https://cdn.example/media"
    assert BucketSettings.from_json(settings.as_json()) == settings  # what the private file keeps


def test_every_bad_field_is_named_at_once() -> None:
    with pytest.raises(ValidationError) as refused:
        _settings(
            endpoint="ftp://x",
            bucket="Has_Capitals",
            access_key_id="",
            region="EU WEST",
            public_base_url="cdn",
        )
    assert [p.field for p in refused.value.problems] == [
        "endpoint", "bucket", "access_key_id", "region", "public_base_url",
    ]  # fmt: skip


def test_a_dotted_bucket_needs_path_style_over_https() -> None:
    with pytest.raises(ValidationError, match="path-style"):
        _settings(bucket="media.example.com")
    assert _settings(bucket="media.example.com", path_style=True).bucket == "media.example.com"


def _answer(status: int, body: str) -> httpx.Response:
    return httpx.Response(status, content=body.encode(), headers={"Content-Type": "application/xml"})


@pytest.mark.parametrize(
    ("status", "body", "cause", "words"),
    [
        (
            301,
            "<Error><Code>PermanentRedirect</Code><Message>The bucket you are attempting to access must be "
            "addressed using the specified endpoint.</Message><Endpoint>studio-media.s3.us-west-2.amazonaws.com"
            "</Endpoint></Error>",
            MediaHostCause.WRONG_REGION,
            "studio-media.s3.us-west-2.amazonaws.com",
        ),
        (503, "<Error><Code>SlowDown</Code><Message>Reduce your request rate.</Message></Error>",
         MediaHostCause.SERVER_ERROR, "failed on its side"),
        (400, "<Error><Code>EntityTooLarge</Code><Message>Your proposed upload exceeds the maximum allowed "
              "size</Message></Error>", MediaHostCause.OTHER, "exceeds the maximum allowed size"),
        (502, "<html>Bad gateway</html>", MediaHostCause.SERVER_ERROR, "HTTP 502"),
    ],
)  # fmt: skip
def test_error_answers_become_plain_words(status: int, body: str, cause: MediaHostCause, words: str) -> None:
    error = media_host_error(_answer(status, body), action="upload a file", settings=_settings())
    assert error.cause is cause and words in str(error)
    assert str(error).startswith("The media host refused to upload a file: ")
    assert error.retryable is (cause is MediaHostCause.SERVER_ERROR)
