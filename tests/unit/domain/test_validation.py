"""Network rules: every problem of a post, each naming its field, network, account, limit."""

from __future__ import annotations

from outpost.domain.capabilities import Capabilities, OptionKind, OptionSpec
from outpost.domain.enums import Network, PostStatus
from outpost.domain.enums import TargetStatus as T
from outpost.domain.media_rules import ImageRules, MediaRules
from outpost.domain.models import Account, MediaAsset, Post, Target
from outpost.domain.status import derive_post_status
from outpost.domain.validation import validate_target
from tests.fakes import START

CAPS = Capabilities(
    network=Network.BLUESKY,
    max_length=10,
    length_unit="graphemes",
    count_length=len,
    media=MediaRules(
        Network.BLUESKY,
        max_items=1,
        image=ImageRules(frozenset({"image/png"}), max_bytes=100, convert_to=None),
        video=None,
    ),
    max_alt_text=5,
    supports_threads=False,
    options=(
        OptionSpec("langs", OptionKind.LIST, "Languages", ("en", "de")),
        OptionSpec("title", OptionKind.TEXT, "A title", max_length=3, required=True),
    ),
)
ACCOUNT = Account(id="acc_1", network=Network.BLUESKY, handle="bob.test", secret_ref="r", created_at=START)


def post_with(**changes: object) -> tuple[Post, Target]:
    target = Target(
        id="t", account_id="acc_1", network=Network.BLUESKY, idempotency_key="k", options={"title": "ok"}
    )
    post = Post(
        id="p", status=PostStatus.DRAFT, text="short", created_at=START, updated_at=START, targets=(target,)
    )
    post = post.model_copy(update=changes)
    return post, post.targets[0]


def test_a_post_within_every_rule_has_no_problems() -> None:
    post, target = post_with()
    assert validate_target(post, target, ACCOUNT, CAPS) == []


def test_every_problem_is_reported_at_once_with_field_limit_and_actual() -> None:
    media = tuple(
        MediaAsset(
            id=f"m{i}",
            path=f"/f{i}.gif",
            mime_type="image/gif",
            size=500,
            alt_text="far too long",
            kind="animated_gif",
        )
        for i in range(2)
    )
    target = Target(
        id="t",
        account_id="acc_1",
        network=Network.BLUESKY,
        idempotency_key="k",
        options={"langs": ["en", "fr"], "colour": "red"},
    )
    post, _ = post_with(text="x" * 12, thread=("second",), media=media, targets=(target,))
    problems = validate_target(post, target, ACCOUNT, CAPS)
    rules = sorted(p.rule or "" for p in problems)
    assert rules == sorted(
        [
            "threads",
            "max_length",
            "media_count",
            "media_compatible",
            "alt_text_length",  # an animated GIF, which this network does not take
            "media_compatible",
            "alt_text_length",
            "known_option",
            "option_list",
            "required_option",
        ]
    )
    length = next(p for p in problems if p.rule == "max_length")
    assert (length.field, length.network, length.account, length.limit, length.actual) == (
        "text",
        "bluesky",
        "bluesky:bob.test",
        10,
        12,
    )
    assert "over Bluesky's limit of 10 by 2" in length.message


def test_an_override_is_named_as_the_field_to_fix() -> None:
    target = Target(
        id="t",
        account_id="acc_1",
        network=Network.BLUESKY,
        idempotency_key="k",
        text_override="y" * 11,
        options={"title": "ok"},
    )
    post, _ = post_with(targets=(target,))
    [problem] = validate_target(post, target, ACCOUNT, CAPS)
    assert problem.field == "--text-for bluesky:bob.test"


def test_empty_post_without_media_is_refused() -> None:
    post, target = post_with(text="  ")
    [problem] = validate_target(post, target, ACCOUNT, CAPS)
    assert problem.rule == "not_empty"


def test_post_status_follows_its_targets() -> None:
    assert derive_post_status([T.PUBLISHED, T.PUBLISHED]) is PostStatus.PUBLISHED
    assert derive_post_status([T.PUBLISHED, T.FAILED]) is PostStatus.PARTIALLY_PUBLISHED
    assert derive_post_status([T.FAILED, T.FAILED]) is PostStatus.FAILED
    assert derive_post_status([T.PUBLISHED, T.UNKNOWN, T.FAILED]) is PostStatus.NEEDS_REVIEW
    assert derive_post_status([T.PUBLISHED, T.PUBLISHING]) is PostStatus.PUBLISHING
    assert derive_post_status([T.CANCELLED]) is PostStatus.CANCELLED
    assert derive_post_status([T.PUBLISHED, T.CANCELLED]) is PostStatus.PUBLISHED


def test_errors_survive_a_trip_to_another_process_and_back() -> None:
    import pickle

    from outpost.domain.errors import NetworkNotAvailableError, Problem, RateLimited, ValidationError

    problem = Problem(field="media[1]", message="media[1]: broken.", rule="readable_media")
    for error in (
        ValidationError([problem]),
        NetworkNotAvailableError(Network.X),
        RateLimited("wait", retry_after_s=5),
    ):
        back = pickle.loads(pickle.dumps(error))
        assert type(back) is type(error) and str(back) == str(error)
    assert pickle.loads(pickle.dumps(ValidationError([problem]))).problems == (problem,)
    assert pickle.loads(pickle.dumps(RateLimited("wait", retry_after_s=5))).retry_after_s == 5
