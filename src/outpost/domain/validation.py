"""Checking a post against every target's network rules, reporting every problem at once."""

from __future__ import annotations

from collections.abc import Iterator

from outpost.domain.capabilities import Capabilities, OptionKind, OptionSpec
from outpost.domain.compatibility import Compatibility, check
from outpost.domain.errors import Problem
from outpost.domain.models import Account, MediaAsset, Post, Target


def validate_target(post: Post, target: Target, account: Account, caps: Capabilities) -> list[Problem]:
    """Every rule of `caps` that the part of `post` going to `account` breaks."""
    return [
        *_text_problems(post, target, account, caps),
        *_parts_media_problems(post, target, account, caps),
        *_option_problems(target, account, caps),
    ]


def _text_problems(post: Post, target: Target, account: Account, caps: Capabilities) -> Iterator[Problem]:
    parts = post.parts_for(target)
    label = caps.network.label
    if len(parts) > 1 and not caps.supports_threads:
        yield Problem(
            field="thread",
            network=caps.network.value,
            account=account.ref,
            rule="threads",
            message=f"thread: {label} cannot publish threads; remove the thread parts or "
            f"give {account.ref} its own single text with --text-for.",
        )
    for index, text in enumerate(parts):
        field = _text_field(target, account, index)
        if index == 0 and not text.strip() and not post.media:
            yield Problem(
                field=field,
                network=caps.network.value,
                account=account.ref,
                rule="not_empty",
                message=f"{field}: the post to {account.ref} has no text and no media; write "
                f"something or attach a file.",
            )
        elif index > 0 and not text.strip() and not post.media_for_part(index):
            yield Problem(
                field=field,
                network=caps.network.value,
                account=account.ref,
                rule="not_empty",
                message=f"{field}: thread part {index + 1} is empty; write it or remove it.",
            )
        length, limit = caps.count_length(text), caps.length_limit(target.options)
        if length > limit:
            yield Problem(
                field=field,
                network=caps.network.value,
                account=account.ref,
                rule="max_length",
                limit=limit,
                actual=length,
                message=f"{field}: {length} {caps.length_unit} for {account.ref}, over "
                f"{label}'s limit of {limit} by {length - limit}. "
                f"Shorten it, split it into a thread, or give {caps.network.value} its own "
                f"text with --text-for.",
            )


def _text_field(target: Target, account: Account, index: int) -> str:
    if index == 0:
        return "text" if target.text_override is None else f"--text-for {account.ref}"
    return f"thread[{index}]"


def _parts_media_problems(
    post: Post, target: Target, account: Account, caps: Capabilities
) -> Iterator[Problem]:
    """The files of every part going to `account`, part by part (each part is its own post)."""
    for index in range(len(post.parts_for(target))):
        field = "media" if index == 0 else f"thread[{index}].media"
        yield from _media_problems(post.media_for_part(index), field, account, caps)


def _media_problems(
    media: tuple[MediaAsset, ...], field: str, account: Account, caps: Capabilities
) -> Iterator[Problem]:
    label = caps.network.label
    if not media:
        return
    common: dict[str, str] = {"network": caps.network.value, "account": account.ref}
    if caps.media is None:
        yield Problem(
            field=field,
            rule="media_count",
            limit=0,
            actual=len(media),
            **common,
            message=f"{field}: {label} posts take no attached files here; remove them for {account.ref}.",
        )
        return
    if len(media) > caps.max_media:
        yield Problem(
            field=field,
            rule="media_count",
            limit=caps.max_media,
            actual=len(media),
            **common,
            message=f"{field}: {len(media)} files attached, but {label} takes at most "
            f"{caps.max_media} per post. Remove some, or post them in a thread.",
        )
    if caps.media.video_alone and len(media) > 1 and any(m.kind == "video" for m in media):
        yield Problem(
            field=field,
            rule="video_alone",
            **common,
            message=f"{field}: {label} takes a video only on its own, not with other files. "
            "Post the video separately.",
        )
    for index, item in enumerate(media, start=1):
        yield from _one_media_problems(f"{field}[{index}]", item, account, caps)


def _one_media_problems(
    field: str, media: MediaAsset, account: Account, caps: Capabilities
) -> Iterator[Problem]:
    label = caps.network.label
    common: dict[str, str] = {"field": field, "network": caps.network.value, "account": account.ref}
    assert caps.media is not None
    verdict = check(media, caps.media)
    if verdict.status is Compatibility.INCOMPATIBLE:
        yield Problem(
            **common,
            rule="media_compatible",
            actual=media.path,
            message=f"{field}: {media.path} cannot go to {label}: {verdict.reason}.",
        )
    if caps.max_alt_text is not None and len(media.alt_text) > caps.max_alt_text:
        yield Problem(
            **common,
            rule="alt_text_length",
            limit=caps.max_alt_text,
            actual=len(media.alt_text),
            message=f"{field}: alt text is {len(media.alt_text)} characters, over {label}'s "
            f"limit of {caps.max_alt_text}. Shorten it.",
        )


def _option_problems(target: Target, account: Account, caps: Capabilities) -> Iterator[Problem]:
    network = caps.network.value
    for key, value in target.options.items():
        spec = caps.option(key)
        field = f"--option {network}.{key}"
        if spec is None:
            known = ", ".join(o.key for o in caps.options) or "none"
            yield Problem(
                field=field,
                network=network,
                account=account.ref,
                rule="known_option",
                actual=key,
                message=f"{field}: {caps.network.label} has no option {key!r} (options: {known}).",
            )
            continue
        message = _option_value_problem(spec, value)
        if message:
            yield Problem(
                field=field,
                network=network,
                account=account.ref,
                rule=f"option_{spec.kind.value}",
                actual=str(value),
                message=f"{field}: {message}",
            )
    for spec in caps.options:
        if spec.required and spec.key not in target.options:
            yield Problem(
                field=f"--option {network}.{spec.key}",
                network=network,
                account=account.ref,
                rule="required_option",
                message=f"--option {network}.{spec.key}: {caps.network.label} needs "
                f"{spec.description.lower().rstrip('.')} for {account.ref}; add "
                f"--option {network}.{spec.key}=… .",
            )


def _option_value_problem(spec: OptionSpec, value: object) -> str | None:
    if spec.kind is OptionKind.CHOICE and value not in spec.choices:
        return f"{value!r} is not one of {', '.join(spec.choices)}."
    if spec.kind is OptionKind.BOOL and not isinstance(value, bool):
        return f"{value!r} is not true or false."
    if spec.kind is OptionKind.TEXT:
        if not isinstance(value, str):
            return f"{value!r} is not text."
        if spec.max_length is not None and len(value) > spec.max_length:
            return f"{len(value)} characters, over the limit of {spec.max_length}."
    if spec.kind is OptionKind.LIST:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return f"{value!r} is not a list of words."
        bad = [v for v in value if spec.choices and v not in spec.choices]
        if bad:
            return f"{', '.join(map(str, bad))} not among {', '.join(spec.choices)}."
    return None
